// Every operator a TFLM checkout's MicroMutableOpResolver can add, but its signal library's (needs
// kissfft, which cmake/tflm.cmake leaves out). Ethos-U adds itself only where TFLM is built with the
// NPU's driver. One list for the agent's TFLM engine and hil-tflm-dump, so the oracle and the engine
// accept the same models. Includes TFLM's headers: only for code built against TFLM.
#pragma once

#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"

namespace hil::agent {

// Room for every operator below, with some to spare.
inline constexpr unsigned kTflmResolverCapacity = 128;
using TflmResolver = tflite::MicroMutableOpResolver<kTflmResolverCapacity>;

// False when the resolver is full (TFLM logs which Add failed).
inline bool AddEveryTflmOperator(TflmResolver& r) {
  // Braced lists are evaluated in order.
  const TfLiteStatus added[] = {
      r.AddAbs(), r.AddAdd(), r.AddAddN(), r.AddArgMax(), r.AddArgMin(), r.AddAssignVariable(),
      r.AddAveragePool2D(), r.AddBatchMatMul(), r.AddBatchToSpaceNd(), r.AddBroadcastArgs(),
      r.AddBroadcastTo(), r.AddCallOnce(), r.AddCast(), r.AddCeil(), r.AddCircularBuffer(),
      r.AddConcatenation(), r.AddConv2D(), r.AddCos(), r.AddCumSum(), r.AddDecode(), r.AddDepthToSpace(),
      r.AddDepthwiseConv2D(), r.AddDequantize(), r.AddDetectionPostprocess(), r.AddDiv(),
      r.AddDynamicUpdateSlice(), r.AddElu(), r.AddEmbeddingLookup(), r.AddEqual(), r.AddEthosU(), r.AddExp(),
      r.AddExpandDims(), r.AddFill(), r.AddFloor(), r.AddFloorDiv(), r.AddFloorMod(), r.AddFullyConnected(),
      r.AddGather(), r.AddGatherNd(), r.AddGreater(), r.AddGreaterEqual(), r.AddHardSwish(), r.AddIf(),
      r.AddL2Normalization(), r.AddL2Pool2D(), r.AddLeakyRelu(), r.AddLess(), r.AddLessEqual(), r.AddLog(),
      r.AddLogSoftmax(), r.AddLogicalAnd(), r.AddLogicalNot(), r.AddLogicalOr(), r.AddLogistic(),
      r.AddMaxPool2D(), r.AddMaximum(), r.AddMean(), r.AddMinimum(), r.AddMirrorPad(), r.AddMul(), r.AddNeg(),
      r.AddNotEqual(), r.AddPack(), r.AddPad(), r.AddPadV2(), r.AddPrelu(), r.AddQuantize(),
      r.AddReadVariable(), r.AddReduceAll(), r.AddReduceMax(), r.AddReduceMin(), r.AddRelu(), r.AddRelu6(),
      r.AddReshape(), r.AddResizeBilinear(), r.AddResizeNearestNeighbor(), r.AddReverseV2(), r.AddRound(),
      r.AddRsqrt(), r.AddSelectV2(), r.AddShape(), r.AddSin(), r.AddSlice(), r.AddSoftmax(),
      r.AddSpaceToBatchNd(), r.AddSpaceToDepth(), r.AddSplit(), r.AddSplitV(), r.AddSqrt(), r.AddSquare(),
      r.AddSquaredDifference(), r.AddSqueeze(), r.AddStridedSlice(), r.AddSub(), r.AddSum(), r.AddSvdf(),
      r.AddTanh(), r.AddTranspose(), r.AddTransposeConv(), r.AddUnidirectionalSequenceLSTM(), r.AddUnpack(),
      r.AddVarHandle(), r.AddWhile(), r.AddZerosLike(),
  };
  for (TfLiteStatus s : added) {
    if (s != kTfLiteOk) return false;
  }
  return true;
}

}  // namespace hil::agent
