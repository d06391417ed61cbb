// ADD with the Cortex-M DSP extension. The reference's three doubling high multiplies each become one
// SMMULR and its rounding shifts three instructions (add_s8_fast.h, where the proof is); four outputs
// at a time are saturated (SSAT), packed into a word and clamped to the activation range per byte lane
// (SSUB8/SEL). An input's rescaled value depends on its int8 value only, so when the op is large
// enough to repay 256 rescalings per input (kTableElements outputs), the scratch holds a table of each
// input's 256 rescaled values and the per-element work is two table loads. Broadcasting goes by rows
// (broadcast_rows.h): an input that repeats along the row is rescaled once per row. Parameters
// outside the proven range take the portable kernel.
#include "kernels/add_s8.h"

#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include "kernels/add_s8_fast.h"
#include "kernels/broadcast_rows.h"
#include "kernels/dsp_bytes.h"

namespace hil::agent::engine {

namespace {

using add_fast::AddFast;
using add_fast::InputScale;

constexpr int32_t kTableElements = 1024;  // 2 x 256 rescalings cost about what 500 elements save
constexpr size_t kTableBytes = 2 * 256 * sizeof(int32_t);

int32_t OutputElements(const Broadcast5& b) {
  int32_t n = 1;
  for (int32_t d : b.out_dims) n *= d;
  return n;
}

// An input's rescaling, computed...
struct Computed {
  InputScale s;
  int32_t operator()(int8_t x) const { return add_fast::Scaled(x, s); }
};
// ... or looked up (`center` points at the value for 0; tables are indexed by the signed input).
struct Looked {
  const int32_t* center;
  int32_t operator()(int8_t x) const { return center[x]; }
};

// Four outputs (unclamped, offset added) saturated to int8 with SSAT (the activation range lies inside
// int8), packed and clamped per byte lane.
inline void Store4(int8_t* p, int32_t r0, int32_t r1, int32_t r2, int32_t r3, uint32_t lo4, uint32_t hi4) {
  dsp::StoreClamped4(p, dsp::Pack4(__ssat(r0, 8), __ssat(r1, 8), __ssat(r2, 8), __ssat(r3, 8)), lo4, hi4);
}

// Rows whose inputs are looked up go in one pass. Computing the rescaling needs more constants than
// there are registers (one loop doing it all spilled them to the stack), so such rows go in chunks
// through two passes: the rescaled inputs summed into `sums`, then the outputs from those sums. The
// row loops are functions of their own (noinline) for the same reason: inlined into the broadcast
// iteration, GCC 12 kept their constants on the stack.
constexpr int32_t kChunk = 32;

// out[i] from sums[i], i < n.
__attribute__((noinline)) void Outputs(const int32_t* sums, int8_t* out, int32_t n, const AddFast& fast, uint32_t lo4,
                                       uint32_t hi4) {
  const AddFast f = fast;  // a copy the byte stores cannot alias, kept in registers
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    Store4(out + i, add_fast::Unclamped(sums[i], f), add_fast::Unclamped(sums[i + 1], f),
           add_fast::Unclamped(sums[i + 2], f), add_fast::Unclamped(sums[i + 3], f), lo4, hi4);
  }
  for (; i < n; ++i) out[i] = add_fast::Output(sums[i], f);
}

// out[i] for a[i] and b[i], both looked up: one pass (few enough constants). This overload and
// RowOne's below take precedence over the templates for Looked rescalings.
__attribute__((noinline)) void RowBoth(const int8_t* a, const int8_t* b, int8_t* out, int32_t n, const Looked r1,
                                       const Looked r2, const AddFast& fast, uint32_t lo4, uint32_t hi4) {
  const AddFast f = fast;
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    Store4(out + i, add_fast::Unclamped(r1(a[i]) + r2(b[i]), f), add_fast::Unclamped(r1(a[i + 1]) + r2(b[i + 1]), f),
           add_fast::Unclamped(r1(a[i + 2]) + r2(b[i + 2]), f), add_fast::Unclamped(r1(a[i + 3]) + r2(b[i + 3]), f),
           lo4, hi4);
  }
  for (; i < n; ++i) out[i] = add_fast::Output(r1(a[i]) + r2(b[i]), f);
}

// out[i] for a[i] and b[i].
template <class R1, class R2>
__attribute__((noinline)) void RowBoth(const int8_t* a, const int8_t* b, int8_t* out, int32_t n, const R1 r1,
                                       const R2 r2, const AddFast& f, uint32_t lo4, uint32_t hi4) {
  int32_t sums[kChunk];
  for (int32_t i0 = 0; i0 < n; i0 += kChunk) {
    const int32_t m = n - i0 < kChunk ? n - i0 : kChunk;
    for (int32_t i = 0; i < m; ++i) sums[i] = r1(a[i0 + i]) + r2(b[i0 + i]);
    Outputs(sums, out + i0, m, f, lo4, hi4);
  }
}

// out[i] for x[i] (looked up) and an input that repeats along the row, already rescaled: one pass.
__attribute__((noinline)) void RowOne(const int8_t* x, const Looked r, int32_t fixed, int8_t* out, int32_t n,
                                      const AddFast& fast, uint32_t lo4, uint32_t hi4) {
  const AddFast f = fast;
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    Store4(out + i, add_fast::Unclamped(r(x[i]) + fixed, f), add_fast::Unclamped(r(x[i + 1]) + fixed, f),
           add_fast::Unclamped(r(x[i + 2]) + fixed, f), add_fast::Unclamped(r(x[i + 3]) + fixed, f), lo4, hi4);
  }
  for (; i < n; ++i) out[i] = add_fast::Output(r(x[i]) + fixed, f);
}

// out[i] for x[i] (rescaled by r) and an input that repeats along the row, already rescaled.
template <class R>
__attribute__((noinline)) void RowOne(const int8_t* x, const R r, int32_t fixed, int8_t* out, int32_t n,
                                      const AddFast& f, uint32_t lo4, uint32_t hi4) {
  int32_t sums[kChunk];
  for (int32_t i0 = 0; i0 < n; i0 += kChunk) {
    const int32_t m = n - i0 < kChunk ? n - i0 : kChunk;
    for (int32_t i = 0; i < m; ++i) sums[i] = r(x[i0 + i]) + fixed;
    Outputs(sums, out + i0, m, f, lo4, hi4);
  }
}

// The broadcast iteration with the rescalings r1 and r2.
template <class R1, class R2>
void Rows(const BroadcastRows& rows, const int8_t* input1, const int8_t* input2, int8_t* output, const R1 r1,
          const R2 r2, const AddFast& f, uint32_t lo4, uint32_t hi4) {
  ForEachBroadcastRow(rows, [&](int32_t i1, int32_t i2, int32_t o) {
    const int8_t* a = input1 + i1;
    const int8_t* b = input2 + i2;
    int8_t* out = output + o;
    if (rows.step1 != 0 && rows.step2 != 0) {
      RowBoth(a, b, out, rows.row, r1, r2, f, lo4, hi4);
    } else if (rows.step1 != 0) {
      RowOne(a, r1, r2(*b), out, rows.row, f, lo4, hi4);
    } else if (rows.step2 != 0) {
      RowOne(b, r2, r1(*a), out, rows.row, f, lo4, hi4);
    } else {
      const int8_t v = add_fast::Output(r1(*a) + r2(*b), f);
      for (int32_t i = 0; i < rows.row; ++i) out[i] = v;
    }
  });
}

}  // namespace

size_t AddS8DspScratchBytes(const AddParams& p) {
  return OutputElements(p.shape) >= kTableElements ? kTableBytes : 0;
}

Status AddS8Dsp(const AddParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output) {
  AddFast f;
  if (!add_fast::MakeAddFast(p, &f)) return AddS8(p, input1, input2, scratch, output);
  const uint32_t lo4 = dsp::Bytes4(f.act_min), hi4 = dsp::Bytes4(f.act_max);
  const BroadcastRows rows = MakeBroadcastRows(p.shape);
  if (scratch != nullptr && OutputElements(p.shape) >= kTableElements) {
    int32_t* table1 = static_cast<int32_t*>(scratch);
    int32_t* table2 = table1 + 256;
    for (int32_t x = -128; x < 128; ++x) {
      table1[x + 128] = add_fast::Scaled(static_cast<int8_t>(x), f.in1);
      table2[x + 128] = add_fast::Scaled(static_cast<int8_t>(x), f.in2);
    }
    Rows(rows, input1, input2, output, Looked{table1 + 128}, Looked{table2 + 128}, f, lo4, hi4);
  } else {
    Rows(rows, input1, input2, output, Computed{f.in1}, Computed{f.in2}, f, lo4, hi4);
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_DSP
