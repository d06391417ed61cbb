// Reading the files a user names (suites, board and farm files, models, inputs, labels, tokens): only
// a regular file, only up to a size stated by the caller, and never blocking on a FIFO or a device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hil/core/error.h"

namespace hil {

// Limits for the kinds of file the tool reads. A model is at most what any board could hold; text
// files (suites, board kinds, farms, labels) are small by nature.
inline constexpr uint64_t kMaxModelFileBytes = uint64_t{256} << 20;
inline constexpr uint64_t kMaxInputFileBytes = uint64_t{256} << 20;
inline constexpr uint64_t kMaxTextFileBytes = uint64_t{16} << 20;

// The whole content of `path`, when it is a regular file of at most `max_bytes`. The file is opened
// without blocking (O_NONBLOCK, so a FIFO does not wait for a writer) and checked on the open
// descriptor (fstat), so it cannot be swapped for another kind of file between check and read. A file
// that grows while read yields the bytes it had when opened. Errors (kNotFound when it does not exist,
// kTooLarge past max_bytes, else kBadArgument / kInternal) say "<path>: <why>"; callers prefix the field that named it.
// (The rule itself is hil/common/host_file.h's, shared with the tools outside host/.)
Result<std::string> ReadRegularFile(const std::string& path, uint64_t max_bytes);
// The same, as bytes (models, firmware).
Result<std::vector<uint8_t>> ReadRegularFileBytes(const std::string& path, uint64_t max_bytes);

}  // namespace hil
