// Image resizing: RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR.
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

// No operator registered yet: replace with HIL_OP_FAMILY(kResizeFamily, kOps) over this file's table.
const OpFamily kResizeFamily{nullptr, 0};

}  // namespace hil::agent::engine
