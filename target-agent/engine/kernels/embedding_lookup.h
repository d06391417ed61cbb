// EMBEDDING_LOOKUP: copies rows of a value table picked by int32 ids; an int8 table with a float32
// output is dequantized on the way (TFLite's hybrid lookup, zero point 0).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct EmbeddingLookupParams {
  int32_t rows = 1;         // value dim 0
  int32_t columns = 1;      // elements per row (the product of the other value dims)
  int32_t ids = 1;          // number of lookups
  uint32_t elem_bytes = 1;  // of the value table (row copy)
  bool dequantize = false;  // int8 table -> float32 output
  float scale = 0.0f;       // the table's scale when dequantizing
};

// Returns kOk, or kKernelFailed at the first id outside [0, rows).
Status EmbeddingLookup(const EmbeddingLookupParams& p, const int32_t* ids, const void* value, void* output);

}  // namespace hil::agent::engine
