// Unary math: ABS, RSQRT, L2_NORMALIZATION and the float32-only functions.
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

// No operator registered yet: replace with HIL_OP_FAMILY(kMathFamily, kOps) over this file's table.
const OpFamily kMathFamily{nullptr, 0};

}  // namespace hil::agent::engine
