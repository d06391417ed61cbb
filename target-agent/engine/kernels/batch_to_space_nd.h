// BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND on 4-D NHWC tensors (3-D [N, H, C] as [N, H, 1, C]) for
// any element size: blocks of batches moved to and from spatial positions, with crops or padding.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct BatchSpaceParams {
  uint32_t elem_bytes = 1;
  int32_t in_dims[4] = {1, 1, 1, 1};   // N, H, W, C
  int32_t out_dims[4] = {1, 1, 1, 1};  // N, H, W, C (C equal)
  int32_t block_h = 1, block_w = 1;
  int32_t before_h = 0, before_w = 0;  // crops (batch to space) or paddings (space to batch), top and left
  uint8_t pad_byte = 0;                // space to batch: every byte of a padded element
};

// Input batch i goes to output batch i % out_n at spatial offset s = i / out_n: input row y to
// output row y * block_h + s / block_w - crop_top, column x to x * block_w + s % block_w - crop_left;
// positions cropped away are dropped. Returns kOk.
Status BatchToSpaceNd(const BatchSpaceParams& p, const void* input, void* output);

// Output batch b takes input batch b % in_n at spatial shift ((b / in_n) / block_w, (b / in_n) %
// block_w); positions in the padding are filled with pad_byte. Returns kOk.
Status SpaceToBatchNd(const BatchSpaceParams& p, const void* input, void* output);

}  // namespace hil::agent::engine
