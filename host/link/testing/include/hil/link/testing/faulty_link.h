// A Link wrapper that damages the byte stream with a seeded PRNG: drops, corrupts (xor with a
// non-zero byte) or duplicates bytes, independently on the read and write directions. For tests of
// retransmission and framing recovery; the same seed gives the same damage.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "hil/core/random.h"
#include "hil/link/link.h"

namespace hil::link::testing {

struct FaultOptions {
  uint64_t seed = 1;
  double drop = 0.0;       // probability per byte
  double corrupt = 0.0;    // probability per byte
  double duplicate = 0.0;  // probability per byte
  bool on_read = true;
  bool on_write = true;
};

class FaultyLink final : public Link {
 public:
  // `inner` must outlive this object.
  FaultyLink(Link& inner, FaultOptions options);

  std::expected<size_t, Error> Read(std::span<std::byte> into, Deadline deadline) override;
  std::expected<void, Error> Write(std::span<const std::byte> bytes, Deadline deadline) override;
  std::string_view Describe() const override { return description_; }

  // Faults injected so far (tests assert the damage really happened).
  uint64_t dropped() const { return dropped_; }
  uint64_t corrupted() const { return corrupted_; }
  uint64_t duplicated() const { return duplicated_; }

 private:
  void Damage(std::byte b, std::deque<std::byte>& out);

  Link& inner_;
  FaultOptions options_;
  SplitMix64 rng_;
  std::deque<std::byte> pending_;  // damaged read bytes not yet handed out
  std::string description_;
  uint64_t dropped_ = 0;
  uint64_t corrupted_ = 0;
  uint64_t duplicated_ = 0;
};

// A FaultyLink that owns what it wraps (for drivers that hand out owned links).
std::unique_ptr<Link> MakeFaultyLink(std::unique_ptr<Link> inner, FaultOptions options);

// Parses "seed=N,drop=P,corrupt=P,duplicate=P[,read-only|write-only]" (any subset, any order).
Result<FaultOptions> ParseFaultOptions(const std::string& text);

}  // namespace hil::link::testing
