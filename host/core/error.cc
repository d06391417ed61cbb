#include "hil/core/error.h"

namespace hil {

std::string Error::ToString() const { return message + " (" + StatusName(code) + ")"; }

}  // namespace hil
