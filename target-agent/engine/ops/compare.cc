// Comparisons and selection: EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, SELECT_V2.
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

// No operator registered yet: replace with HIL_OP_FAMILY(kCompareFamily, kOps) over this file's table.
const OpFamily kCompareFamily{nullptr, 0};

}  // namespace hil::agent::engine
