#include "kernels/binary_s32.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

inline int32_t WrapMul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

template <typename Op>
Status Run(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, int32_t* output, Op op) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = Clamp(op(input1[i1], input2[i2]), p.act_min, p.act_max);
  });
  return Status::kOk;
}

}  // namespace

Status AddS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void*, int32_t* output) {
  return Run(p, input1, input2, output, WrapAdd);
}

Status SubS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void*, int32_t* output) {
  return Run(p, input1, input2, output, WrapSub);
}

Status MulS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void*, int32_t* output) {
  return Run(p, input1, input2, output, WrapMul);
}

Status DivS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void*, int32_t* output) {
  bool by_zero = false;
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const int32_t a = input1[i1];
    const int32_t b = input2[i2];
    if (b == 0) {
      by_zero = true;
      return;
    }
    const int32_t q = (b == -1) ? WrapSub(0, a) : a / b;
    output[o] = Clamp(q, p.act_min, p.act_max);
  });
  return by_zero ? Status::kKernelFailed : Status::kOk;
}

Status SquaredDifferenceS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void*,
                            int32_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const int32_t d = WrapSub(input1[i1], input2[i2]);
    output[o] = WrapMul(d, d);
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
