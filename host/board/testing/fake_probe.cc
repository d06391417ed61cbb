#include "hil/board/testing/fake_probe.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace hil::board::testing {

std::optional<Error> FakeProbe::TakeFailure() {
  auto e = std::move(fail_next_);
  fail_next_.reset();
  return e;
}

Result<void> FakeProbe::Flash(const std::string& image, std::optional<uint32_t> address, Deadline) {
  if (auto e = TakeFailure()) return std::unexpected(*e);
  std::ifstream in(image, std::ios::binary);
  if (!in) return Fail(Status::kNotFound, "fake probe: flash: no image file " + image);
  const bool raw = std::filesystem::path(image).extension() == ".bin";
  if (raw && !address) return Fail(Status::kBadArgument, "fake probe: flash: " + image + " is a raw binary: give the flash address");
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const uint32_t at = address.value_or(flash_start);
  for (size_t i = 0; i < bytes.size(); ++i) memory_[at + static_cast<uint32_t>(i)] = static_cast<uint8_t>(bytes[i]);
  flashed.push_back(image);
  ++resets;
  if (on_reset) on_reset();
  return {};
}

Result<void> FakeProbe::Reset(Deadline) {
  if (auto e = TakeFailure()) return std::unexpected(*e);
  ++resets;
  if (on_reset) on_reset();
  return {};
}

Result<std::vector<uint8_t>> FakeProbe::ReadMemory(uint32_t address, size_t size, Deadline) {
  if (auto e = TakeFailure()) return std::unexpected(*e);
  const bool in_ram = address >= ram_start && uint64_t{address} + size <= uint64_t{ram_start} + ram_bytes;
  const bool in_flash = address >= flash_start && uint64_t{address} + size <= uint64_t{flash_start} + 0x100000;
  if (!in_ram && !in_flash) return Fail(Status::kOutOfRange, "fake probe: address not mapped");
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) {
    auto it = memory_.find(address + static_cast<uint32_t>(i));
    out[i] = it == memory_.end() ? 0 : it->second;
  }
  return out;
}

Result<void> FakeProbe::WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline) {
  if (auto e = TakeFailure()) return std::unexpected(*e);
  if (address < ram_start || uint64_t{address} + bytes.size() > uint64_t{ram_start} + ram_bytes)
    return Fail(Status::kOutOfRange, "fake probe: address not writable RAM");
  for (size_t i = 0; i < bytes.size(); ++i) memory_[address + static_cast<uint32_t>(i)] = bytes[i];
  return {};
}

Result<ProbeEndpoint> FakeProbe::StartGdbServer(int port, Deadline) {
  if (auto e = TakeFailure()) return std::unexpected(*e);
  ++servers_;
  return ProbeEndpoint{ProbeEndpoint::Kind::kGdb, "127.0.0.1", port ? port : 3333};
}

Result<ProbeEndpoint> FakeProbe::StartRtt(uint32_t control_block, int port, Deadline) {
  if (auto e = TakeFailure()) return std::unexpected(*e);
  ++servers_;
  rtt_control_block = control_block;
  ProbeEndpoint endpoint = rtt_endpoint;
  if (port) endpoint.port = port;
  return endpoint;
}

}  // namespace hil::board::testing
