// SHA-256 of a byte blob, as lowercase hex: the identity of a model in the store.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace hil {

std::string Sha256Hex(std::span<const uint8_t> data);

}  // namespace hil
