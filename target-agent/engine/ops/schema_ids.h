// TFLite schema identifiers (tensorflow/lite/schema/schema.fbs): BuiltinOperator codes and the
// BuiltinOptions union tags (1 + the position in the union; 0 is NONE). Values are the schema's; the
// names are ours.
#pragma once

#include <cstdint>

namespace hil::agent::engine {

// BuiltinOperator codes (the ones below 162; STABLEHLO_* have no runtime).
enum BuiltinOp : uint16_t {
    kAdd = 0, kAveragePool2d = 1, kConcatenation = 2, kConv2d = 3, kDepthwiseConv2d = 4, kDepthToSpace = 5,
    kDequantize = 6, kEmbeddingLookup = 7, kFloor = 8, kFullyConnected = 9, kHashtableLookup = 10,
    kL2Normalization = 11, kL2Pool2d = 12, kLocalResponseNormalization = 13, kLogistic = 14,
    kLshProjection = 15, kLstm = 16, kMaxPool2d = 17, kMul = 18, kRelu = 19, kReluN1To1 = 20, kRelu6 = 21,
    kReshape = 22, kResizeBilinear = 23, kRnn = 24, kSoftmax = 25, kSpaceToDepth = 26, kSvdf = 27, kTanh = 28,
    kConcatEmbeddings = 29, kSkipGram = 30, kCall = 31, kCustom = 32, kEmbeddingLookupSparse = 33, kPad = 34,
    kUnidirectionalSequenceRnn = 35, kGather = 36, kBatchToSpaceNd = 37, kSpaceToBatchNd = 38,
    kTranspose = 39, kMean = 40, kSub = 41, kDiv = 42, kSqueeze = 43, kUnidirectionalSequenceLstm = 44,
    kStridedSlice = 45, kBidirectionalSequenceRnn = 46, kExp = 47, kTopkV2 = 48, kSplit = 49,
    kLogSoftmax = 50, kDelegate = 51, kBidirectionalSequenceLstm = 52, kCast = 53, kPrelu = 54, kMaximum = 55,
    kArgMax = 56, kMinimum = 57, kLess = 58, kNeg = 59, kPadv2 = 60, kGreater = 61, kGreaterEqual = 62,
    kLessEqual = 63, kSelect = 64, kSlice = 65, kSin = 66, kTransposeConv = 67, kSparseToDense = 68,
    kTile = 69, kExpandDims = 70, kEqual = 71, kNotEqual = 72, kLog = 73, kSum = 74, kSqrt = 75, kRsqrt = 76,
    kShape = 77, kPow = 78, kArgMin = 79, kFakeQuant = 80, kReduceProd = 81, kReduceMax = 82, kPack = 83,
    kLogicalOr = 84, kOneHot = 85, kLogicalAnd = 86, kLogicalNot = 87, kUnpack = 88, kReduceMin = 89,
    kFloorDiv = 90, kReduceAny = 91, kSquare = 92, kZerosLike = 93, kFill = 94, kFloorMod = 95, kRange = 96,
    kResizeNearestNeighbor = 97, kLeakyRelu = 98, kSquaredDifference = 99, kMirrorPad = 100, kAbs = 101,
    kSplitV = 102, kUnique = 103, kCeil = 104, kReverseV2 = 105, kAddN = 106, kGatherNd = 107, kCos = 108,
    kWhere = 109, kRank = 110, kElu = 111, kReverseSequence = 112, kMatrixDiag = 113, kQuantize = 114,
    kMatrixSetDiag = 115, kRound = 116, kHardSwish = 117, kIf = 118, kWhile = 119, kNonMaxSuppressionV4 = 120,
    kNonMaxSuppressionV5 = 121, kScatterNd = 122, kSelectV2 = 123, kDensify = 124, kSegmentSum = 125,
    kBatchMatmul = 126, kPlaceholderForGreaterOpCodes = 127, kCumsum = 128, kCallOnce = 129,
    kBroadcastTo = 130, kRfft2d = 131, kConv3d = 132, kImag = 133, kReal = 134, kComplexAbs = 135,
    kHashtable = 136, kHashtableFind = 137, kHashtableImport = 138, kHashtableSize = 139, kReduceAll = 140,
    kConv3dTranspose = 141, kVarHandle = 142, kReadVariable = 143, kAssignVariable = 144,
    kBroadcastArgs = 145, kRandomStandardNormal = 146, kBucketize = 147, kRandomUniform = 148,
    kMultinomial = 149, kGelu = 150, kDynamicUpdateSlice = 151, kRelu0To1 = 152, kUnsortedSegmentProd = 153,
    kUnsortedSegmentMax = 154, kUnsortedSegmentSum = 155, kAtan2 = 156, kUnsortedSegmentMin = 157,
    kSign = 158, kBitcast = 159, kBitwiseXor = 160, kRightShift = 161,
};

// BuiltinOptions union tags.
enum BuiltinOptionsTag : uint8_t {
    kOptConv2D = 1, kOptDepthwiseConv2D = 2, kOptConcatEmbeddings = 3, kOptLSHProjection = 4, kOptPool2D = 5,
    kOptSVDF = 6, kOptRNN = 7, kOptFullyConnected = 8, kOptSoftmax = 9, kOptConcatenation = 10, kOptAdd = 11,
    kOptL2Norm = 12, kOptLocalResponseNormalization = 13, kOptLSTM = 14, kOptResizeBilinear = 15,
    kOptCall = 16, kOptReshape = 17, kOptSkipGram = 18, kOptSpaceToDepth = 19, kOptEmbeddingLookupSparse = 20,
    kOptMul = 21, kOptPad = 22, kOptGather = 23, kOptBatchToSpaceND = 24, kOptSpaceToBatchND = 25,
    kOptTranspose = 26, kOptReducer = 27, kOptSub = 28, kOptDiv = 29, kOptSqueeze = 30, kOptSequenceRNN = 31,
    kOptStridedSlice = 32, kOptExp = 33, kOptTopKV2 = 34, kOptSplit = 35, kOptLogSoftmax = 36, kOptCast = 37,
    kOptDequantize = 38, kOptMaximumMinimum = 39, kOptArgMax = 40, kOptLess = 41, kOptNeg = 42,
    kOptPadV2 = 43, kOptGreater = 44, kOptGreaterEqual = 45, kOptLessEqual = 46, kOptSelect = 47,
    kOptSlice = 48, kOptTransposeConv = 49, kOptSparseToDense = 50, kOptTile = 51, kOptExpandDims = 52,
    kOptEqual = 53, kOptNotEqual = 54, kOptShape = 55, kOptPow = 56, kOptArgMin = 57, kOptFakeQuant = 58,
    kOptPack = 59, kOptLogicalOr = 60, kOptOneHot = 61, kOptLogicalAnd = 62, kOptLogicalNot = 63,
    kOptUnpack = 64, kOptFloorDiv = 65, kOptSquare = 66, kOptZerosLike = 67, kOptFill = 68,
    kOptBidirectionalSequenceLSTM = 69, kOptBidirectionalSequenceRNN = 70,
    kOptUnidirectionalSequenceLSTM = 71, kOptFloorMod = 72, kOptRange = 73, kOptResizeNearestNeighbor = 74,
    kOptLeakyRelu = 75, kOptSquaredDifference = 76, kOptMirrorPad = 77, kOptAbs = 78, kOptSplitV = 79,
    kOptUnique = 80, kOptReverseV2 = 81, kOptAddN = 82, kOptGatherNd = 83, kOptCos = 84, kOptWhere = 85,
    kOptRank = 86, kOptReverseSequence = 87, kOptMatrixDiag = 88, kOptQuantize = 89, kOptMatrixSetDiag = 90,
    kOptHardSwish = 91, kOptIf = 92, kOptWhile = 93, kOptDepthToSpace = 94, kOptNonMaxSuppressionV4 = 95,
    kOptNonMaxSuppressionV5 = 96, kOptScatterNd = 97, kOptSelectV2 = 98, kOptDensify = 99,
    kOptSegmentSum = 100, kOptBatchMatMul = 101, kOptCumsum = 102, kOptCallOnce = 103, kOptBroadcastTo = 104,
    kOptRfft2d = 105, kOptConv3D = 106, kOptHashtable = 107, kOptHashtableFind = 108,
    kOptHashtableImport = 109, kOptHashtableSize = 110, kOptVarHandle = 111, kOptReadVariable = 112,
    kOptAssignVariable = 113, kOptRandom = 114, kOptBucketize = 115, kOptGelu = 116,
    kOptDynamicUpdateSlice = 117, kOptUnsortedSegmentProd = 118, kOptUnsortedSegmentMax = 119,
    kOptUnsortedSegmentMin = 120, kOptUnsortedSegmentSum = 121, kOptATan2 = 122, kOptSign = 123,
    kOptBitcast = 124, kOptBitwiseXor = 125, kOptRightShift = 126,
};

}  // namespace hil::agent::engine
