// Stateful sequence operators: SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM.
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

// No operator registered yet: replace with HIL_OP_FAMILY(kRecurrentFamily, kOps) over this file's table.
const OpFamily kRecurrentFamily{nullptr, 0};

}  // namespace hil::agent::engine
