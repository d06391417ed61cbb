#include "kernels/unary_f32.h"

#include <cmath>

namespace hil::agent::engine {

namespace {

// TFLite's RoundToNearest: half to even, through floor.
float RoundHalfToEven(float x) {
  const float floor_x = std::floor(x);
  const float diff = x - floor_x;
  // |x| < 2^23 whenever diff is 0.5, so the int conversion is defined.
  if (diff < 0.5f || (diff == 0.5f && static_cast<int32_t>(floor_x) % 2 == 0)) return floor_x;
  return floor_x + 1.0f;
}

float Logistic(float x) {
  constexpr float kCutoffUpper = 16.619047164916992188f;
  constexpr float kCutoffLower = -9.f;
  if (x > kCutoffUpper) return 1.0f;
  if (x < kCutoffLower) return std::exp(x);
  return 1.f / (1.f + std::exp(-x));
}

float HardSwish(float x) {
  const float plus3 = x + 3;
  const float lower = 0.0f < plus3 ? plus3 : 0.0f;  // std::max(0, x + 3)
  const float upper = lower < 6.0f ? lower : 6.0f;  // std::min(6, ...)
  return x * upper / 6;
}

template <typename F>
void Apply(const float* input, float* output, int32_t count, F f) {
  for (int32_t i = 0; i < count; ++i) output[i] = f(input[i]);
}

}  // namespace

size_t UnaryF32ScratchBytes(const UnaryF32Params&) { return 0; }

Status UnaryF32(const UnaryF32Params& p, const float* in, void*, float* out) {
  const int32_t n = p.count;
  switch (p.op) {
    case UnaryF32Op::kAbs: Apply(in, out, n, [](float x) { return std::abs(x); }); break;
    case UnaryF32Op::kCeil: Apply(in, out, n, [](float x) { return std::ceil(x); }); break;
    case UnaryF32Op::kCos: Apply(in, out, n, [](float x) { return std::cos(x); }); break;
    case UnaryF32Op::kElu: Apply(in, out, n, [](float x) { return x < 0.0f ? std::expm1(x) : x; }); break;
    case UnaryF32Op::kExp: Apply(in, out, n, [](float x) { return std::exp(x); }); break;
    case UnaryF32Op::kFloor: Apply(in, out, n, [](float x) { return std::floor(x); }); break;
    case UnaryF32Op::kHardSwish: Apply(in, out, n, HardSwish); break;
    case UnaryF32Op::kLeakyRelu: {
      const float alpha = p.alpha;
      Apply(in, out, n, [alpha](float x) { return x > 0 ? x : x * alpha; });
      break;
    }
    case UnaryF32Op::kLog: Apply(in, out, n, [](float x) { return std::log(x); }); break;
    case UnaryF32Op::kLogistic: Apply(in, out, n, Logistic); break;
    case UnaryF32Op::kNeg: Apply(in, out, n, [](float x) { return -x; }); break;
    case UnaryF32Op::kRelu: Apply(in, out, n, [](float x) { return x < 0.0f ? 0.0f : x; }); break;
    case UnaryF32Op::kRelu6: Apply(in, out, n, [](float x) { return x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x); }); break;
    case UnaryF32Op::kRound: Apply(in, out, n, RoundHalfToEven); break;
    case UnaryF32Op::kRsqrt: Apply(in, out, n, [](float x) { return 1.f / std::sqrt(x); }); break;
    case UnaryF32Op::kSin: Apply(in, out, n, [](float x) { return std::sin(x); }); break;
    case UnaryF32Op::kSqrt: Apply(in, out, n, [](float x) { return std::sqrt(x); }); break;
    case UnaryF32Op::kSquare: Apply(in, out, n, [](float x) { return x * x; }); break;
    case UnaryF32Op::kTanh: Apply(in, out, n, [](float x) { return std::tanh(x); }); break;
    default: return Status::kInternal;
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
