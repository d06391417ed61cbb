// Axis permutations and block moves: TRANSPOSE, DEPTH_TO_SPACE, SPACE_TO_DEPTH, BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND.
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

// No operator registered yet: replace with HIL_OP_FAMILY(kTransposeFamily, kOps) over this file's table.
const OpFamily kTransposeFamily{nullptr, 0};

}  // namespace hil::agent::engine
