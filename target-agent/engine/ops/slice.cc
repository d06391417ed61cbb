// Slicing and indexing: STRIDED_SLICE, SLICE, DYNAMIC_UPDATE_SLICE, REVERSE_V2, GATHER, GATHER_ND, EMBEDDING_LOOKUP.
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

// No operator registered yet: replace with HIL_OP_FAMILY(kSliceFamily, kOps) over this file's table.
const OpFamily kSliceFamily{nullptr, 0};

}  // namespace hil::agent::engine
