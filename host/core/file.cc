#include "hil/core/file.h"

#include <vector>

#include "hil/common/host_file.h"

namespace hil {
namespace {

template <typename Bytes>
Result<Bytes> Read(const std::string& path, uint64_t max_bytes) {
  if (path.empty()) return Fail(Status::kBadArgument, "(empty path): not a file name");
  Bytes out;
  std::string why;
  if (const Status s = host_file::ReadRegular(path, max_bytes, &out, &why); s != Status::kOk) return Fail(s, path + ": " + why);
  return out;
}

}  // namespace

Result<std::string> ReadRegularFile(const std::string& path, uint64_t max_bytes) { return Read<std::string>(path, max_bytes); }

Result<std::vector<uint8_t>> ReadRegularFileBytes(const std::string& path, uint64_t max_bytes) {
  return Read<std::vector<uint8_t>>(path, max_bytes);
}

}  // namespace hil
