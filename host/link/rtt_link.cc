#include "hil/link/rtt_link.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <thread>

namespace hil::link {
namespace {

constexpr uint32_t kUpRing = 24;    // offset of the up ring in the control block
constexpr uint32_t kDownRing = 48;  // offset of the down ring
constexpr uint32_t kRingBytes = 24;
constexpr char kId[] = "SEGGER RTT";

uint32_t Le32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

std::vector<uint8_t> LeBytes(uint32_t v) {
  return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}

}  // namespace

RttLink::RttLink(std::unique_ptr<GdbRemoteClient> gdb, uint32_t block)
    : gdb_(std::move(gdb)), block_(block), description_(fmt::format("rtt:{}@0x{:08x}", gdb_->Describe(), block)) {}

Result<std::unique_ptr<RttLink>> RttLink::Attach(std::unique_ptr<GdbRemoteClient> gdb, RttSearch where,
                                                 Deadline deadline) {
  for (;;) {
    // Each look gets its own time for the accesses, so that the search deadline passing in the
    // middle of one is reported as "not found", not as a silent GDB server.
    const Deadline io = Deadline::After(std::chrono::seconds(5));
    auto found = gdb->WithTargetStopped(io, [&]() -> Result<uint32_t> {
      if (where.address != 0) {
        auto id = gdb->ReadMemory(where.address, sizeof kId, io);
        if (!id) return std::unexpected(id.error());
        return memcmp(id->data(), kId, sizeof kId) == 0 ? where.address : 0;
      }
      auto ram = gdb->ReadMemory(where.ram_start, where.ram_bytes, io);
      if (!ram) return std::unexpected(ram.error());
      auto it = std::search(ram->begin(), ram->end(), kId, kId + sizeof kId);
      return it == ram->end() ? 0u : where.ram_start + static_cast<uint32_t>(it - ram->begin());
    });
    if (!found) return std::unexpected(found.error());
    if (*found != 0) {
      std::unique_ptr<RttLink> link(new RttLink(std::move(gdb), *found));
      for (uint32_t ring : {kUpRing, kDownRing}) {
        auto r = link->gdb_->WithTargetStopped(io, [&] { return link->ReadRing(*found + ring, io); });
        if (!r) return std::unexpected(r.error());
        if (r->size < 2 || r->write_offset >= r->size || r->read_offset >= r->size || r->buffer == 0) {
          return Fail(Status::kModelInvalid, fmt::format("{}: RTT ring at +{} is malformed (size {}, offsets {}/{})",
                                                         link->description_, ring, r->size, r->write_offset, r->read_offset));
        }
      }
      return link;
    }
    if (deadline.Expired()) {
      return Fail(Status::kTimeout,
                  where.address ? fmt::format("{}: no RTT control block at 0x{:08x}", gdb->Describe(), where.address)
                                : fmt::format("{}: no RTT control block in [0x{:08x}, +0x{:x})", gdb->Describe(),
                                              where.ram_start, where.ram_bytes));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<RttLink::Ring> RttLink::ReadRing(uint32_t ring_address, Deadline deadline) {
  auto raw = gdb_->ReadMemory(ring_address, kRingBytes, deadline);
  if (!raw) return std::unexpected(raw.error());
  Ring r;
  r.buffer = Le32(raw->data() + 4);
  r.size = Le32(raw->data() + 8);
  r.write_offset = Le32(raw->data() + 12);
  r.read_offset = Le32(raw->data() + 16);
  return r;
}

std::expected<size_t, Error> RttLink::Read(std::span<std::byte> into, Deadline deadline) {
  auto wait = idle_wait_;
  for (;;) {
    auto got = gdb_->WithTargetStopped(deadline, [&]() -> Result<size_t> {
      auto ring = ReadRing(block_ + kUpRing, deadline);
      if (!ring) return std::unexpected(ring.error());
      if (ring->size == 0 || ring->write_offset >= ring->size || ring->read_offset >= ring->size) {
        return Fail(Status::kBadState, description_ + ": up ring corrupted (the target reset or crashed?)");
      }
      if (ring->write_offset == ring->read_offset) return 0;
      // Contiguous part only; the rest comes with the next call.
      const uint32_t end = ring->write_offset > ring->read_offset ? ring->write_offset : ring->size;
      const size_t n = std::min<size_t>(end - ring->read_offset, into.size());
      auto data = gdb_->ReadMemory(ring->buffer + ring->read_offset, n, deadline);
      if (!data) return std::unexpected(data.error());
      memcpy(into.data(), data->data(), n);
      uint32_t next = ring->read_offset + static_cast<uint32_t>(n);
      if (next == ring->size) next = 0;
      auto w = gdb_->WriteMemory(block_ + kUpRing + 16, LeBytes(next), deadline);
      if (!w) return std::unexpected(w.error());
      return n;
    });
    if (!got) return std::unexpected(got.error());
    if (*got > 0) return *got;
    if (deadline.Expired()) return Fail(Status::kTimeout, description_ + ": nothing to read");
    // Back off while idle so a waiting host does not keep the emulated core stopped.
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::microseconds(100000));
  }
}

std::expected<void, Error> RttLink::Write(std::span<const std::byte> bytes, Deadline deadline) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t left = bytes.size();
  auto wait = idle_wait_;
  while (left > 0) {
    auto wrote = gdb_->WithTargetStopped(deadline, [&]() -> Result<size_t> {
      auto ring = ReadRing(block_ + kDownRing, deadline);
      if (!ring) return std::unexpected(ring.error());
      if (ring->size == 0 || ring->write_offset >= ring->size || ring->read_offset >= ring->size) {
        return Fail(Status::kBadState, description_ + ": down ring corrupted (the target reset or crashed?)");
      }
      const uint32_t free = (ring->read_offset + ring->size - ring->write_offset - 1) % ring->size;
      size_t n = std::min<size_t>(free, left);
      if (n == 0) return 0;
      const size_t first = std::min<size_t>(n, ring->size - ring->write_offset);
      auto w1 = gdb_->WriteMemory(ring->buffer + ring->write_offset, {p, first}, deadline);
      if (!w1) return std::unexpected(w1.error());
      if (n > first) {
        auto w2 = gdb_->WriteMemory(ring->buffer, {p + first, n - first}, deadline);
        if (!w2) return std::unexpected(w2.error());
      }
      // Publish the bytes only after they are in place.
      const uint32_t next = static_cast<uint32_t>((ring->write_offset + n) % ring->size);
      auto w = gdb_->WriteMemory(block_ + kDownRing + 12, LeBytes(next), deadline);
      if (!w) return std::unexpected(w.error());
      return n;
    });
    if (!wrote) return std::unexpected(wrote.error());
    p += *wrote;
    left -= *wrote;
    if (*wrote == 0) {
      if (deadline.Expired()) return Fail(Status::kTimeout, description_ + ": the target does not drain the down ring");
      std::this_thread::sleep_for(wait);
      wait = std::min(wait * 2, std::chrono::microseconds(100000));
    } else {
      wait = idle_wait_;
    }
  }
  return {};
}

}  // namespace hil::link
