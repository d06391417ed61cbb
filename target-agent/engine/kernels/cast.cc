#include "kernels/cast.h"

#include <cstring>
#include <type_traits>

namespace hil::agent::engine {

namespace {

int32_t FloatToInt32(float f) {
  // The range test is false for NaN.
  if (f >= -2147483648.0f && f < 2147483648.0f) return static_cast<int32_t>(f);
  return INT32_MIN;
}

template <typename To, typename From>
To Convert(From a) {
  if constexpr (std::is_same_v<To, float>) {
    return static_cast<float>(a);
  } else if constexpr (std::is_same_v<From, float>) {
    return static_cast<To>(FloatToInt32(a));
  } else {
    // Integer to integer: the low bits (GCC, Clang and arm-none-eabi-gcc define the narrowing as
    // modulo 2^n).
    return static_cast<To>(a);
  }
}

template <typename From, typename To>
void CastLoop(const uint8_t* in, uint8_t* out, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    From a;
    std::memcpy(&a, in + static_cast<size_t>(i) * sizeof(From), sizeof(From));
    const To b = Convert<To>(a);
    std::memcpy(out + static_cast<size_t>(i) * sizeof(To), &b, sizeof(To));
  }
}

// bool is read as a byte: nonzero is 1.
template <typename To>
void CastBool(const uint8_t* in, uint8_t* out, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const To b = static_cast<To>(in[i] != 0 ? 1 : 0);
    std::memcpy(out + static_cast<size_t>(i) * sizeof(To), &b, sizeof(To));
  }
}

template <typename From>
bool CastFrom(TensorType out_type, const uint8_t* in, uint8_t* out, uint32_t n) {
  switch (out_type) {
    case TensorType::kInt8: CastLoop<From, int8_t>(in, out, n); return true;
    case TensorType::kInt16: CastLoop<From, int16_t>(in, out, n); return true;
    case TensorType::kInt32: CastLoop<From, int32_t>(in, out, n); return true;
    case TensorType::kFloat32: CastLoop<From, float>(in, out, n); return true;
    default: return false;
  }
}

bool OutputOk(TensorType t) {
  return t == TensorType::kInt8 || t == TensorType::kInt16 || t == TensorType::kInt32 || t == TensorType::kFloat32;
}

}  // namespace

bool CastSupported(TensorType in, TensorType out) {
  return (OutputOk(in) || in == TensorType::kBool) && OutputOk(out);
}

Status Cast(const CastParams& p, const void* input, void*, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  bool ok = false;
  switch (p.in_type) {
    case TensorType::kInt8: ok = CastFrom<int8_t>(p.out_type, in, out, p.count); break;
    case TensorType::kInt16: ok = CastFrom<int16_t>(p.out_type, in, out, p.count); break;
    case TensorType::kInt32: ok = CastFrom<int32_t>(p.out_type, in, out, p.count); break;
    case TensorType::kFloat32: ok = CastFrom<float>(p.out_type, in, out, p.count); break;
    case TensorType::kBool:
      ok = true;
      switch (p.out_type) {
        case TensorType::kInt8: CastBool<int8_t>(in, out, p.count); break;
        case TensorType::kInt16: CastBool<int16_t>(in, out, p.count); break;
        case TensorType::kInt32: CastBool<int32_t>(in, out, p.count); break;
        case TensorType::kFloat32: CastBool<float>(in, out, p.count); break;
        default: ok = false; break;
      }
      break;
    default: break;
  }
  return ok ? Status::kOk : Status::kKernelFailed;
}

}  // namespace hil::agent::engine
