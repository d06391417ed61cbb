#include "kernels/comparison.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

// The ComparisonOrder bit of (a, b).
template <typename T>
inline uint8_t Order(T a, T b) {
  if (a < b) return kOrderLess;
  if (a == b) return kOrderEqual;
  if (a > b) return kOrderGreater;
  return kOrderUnordered;  // a NaN
}

}  // namespace

Status CompareS8(const ComparisonParams& p, const int8_t* input1, const int8_t* input2, void*, uint8_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const int32_t a = MultiplyByQuantizedMultiplierSmallerThanOneExp(
        WrapShl(p.input1_offset + input1[i1], p.left_shift), p.input1_multiplier, p.input1_shift);
    const int32_t b = MultiplyByQuantizedMultiplierSmallerThanOneExp(
        WrapShl(p.input2_offset + input2[i2], p.left_shift), p.input2_multiplier, p.input2_shift);
    output[o] = (Order(a, b) & p.holds) != 0 ? 1 : 0;
  });
  return Status::kOk;
}

template <typename T>
Status Compare(const ComparisonParams& p, const T* input1, const T* input2, void*, uint8_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = (Order(input1[i1], input2[i2]) & p.holds) != 0 ? 1 : 0;
  });
  return Status::kOk;
}

Status CompareBool(const ComparisonParams& p, const uint8_t* input1, const uint8_t* input2, void*, uint8_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = (Order<int>(input1[i1] != 0, input2[i2] != 0) & p.holds) != 0 ? 1 : 0;
  });
  return Status::kOk;
}

template Status Compare<int32_t>(const ComparisonParams&, const int32_t*, const int32_t*, void*, uint8_t*);
template Status Compare<int64_t>(const ComparisonParams&, const int64_t*, const int64_t*, void*, uint8_t*);
template Status Compare<float>(const ComparisonParams&, const float*, const float*, void*, uint8_t*);

}  // namespace hil::agent::engine
