// The operator table: which TFLite builtin operators the engine runs, and the prepare function of
// each. One family file (ops/<family>.cc) registers its operators; adding an operator touches its
// kernel and its family's table only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ops/op_context.h"

namespace hil::agent::engine {

// Reads the operator's options and operands, checks them and stores its parameters and eval
// function (LoadCtx::Store). Returns kOk, kModelInvalid (the model contradicts itself) or
// kUnsupportedOperator (a valid model the engine cannot run: ErrorDetail says what).
using PrepareFn = Status (*)(LoadCtx& c, int op, fb::Table& op_table);

struct OpRegistration {
  uint16_t opcode;  // TFLite BuiltinOperator
  PrepareFn prepare;
};

struct OpFamily {
  const OpRegistration* ops;
  size_t count;
};

// The registration of `opcode`, or null when the engine does not run it.
const OpRegistration* FindRegistration(uint16_t opcode);

// The families (ops/*.cc), each defined in its file.
extern const OpFamily kConvFamily;
extern const OpFamily kFullyConnectedFamily;
extern const OpFamily kPoolFamily;
extern const OpFamily kElementwiseFamily;
extern const OpFamily kActivationFamily;
extern const OpFamily kSoftmaxFamily;
extern const OpFamily kQuantizeFamily;
extern const OpFamily kShapeFamily;
extern const OpFamily kReduceFamily;
extern const OpFamily kSliceFamily;
extern const OpFamily kTransposeFamily;
extern const OpFamily kResizeFamily;
extern const OpFamily kCompareFamily;
extern const OpFamily kMathFamily;
extern const OpFamily kRecurrentFamily;
extern const OpFamily kControlFlowFamily;

// Defines kName (an OpFamily) over the array `table` of the file.
#define HIL_OP_FAMILY(kName, table) \
  const OpFamily kName { table, sizeof(table) / sizeof(table[0]) }

}  // namespace hil::agent::engine
