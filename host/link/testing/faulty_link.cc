#include "hil/link/testing/faulty_link.h"

#include <vector>

namespace hil::link::testing {

FaultyLink::FaultyLink(Link& inner, FaultOptions options)
    : inner_(inner), options_(options), rng_(options.seed), description_("faulty:" + std::string(inner.Describe())) {}

void FaultyLink::Damage(std::byte b, std::deque<std::byte>& out) {
  if (rng_.NextUnit() < options_.drop) {
    ++dropped_;
    return;
  }
  if (rng_.NextUnit() < options_.corrupt) {
    ++corrupted_;
    b ^= static_cast<std::byte>(1 + rng_.Next() % 255);
  }
  out.push_back(b);
  if (rng_.NextUnit() < options_.duplicate) {
    ++duplicated_;
    out.push_back(b);
  }
}

std::expected<size_t, Error> FaultyLink::Read(std::span<std::byte> into, Deadline deadline) {
  if (into.empty()) return 0;
  while (pending_.empty()) {
    std::byte buf[512];
    auto n = inner_.Read(std::span(buf, into.size() < sizeof buf ? into.size() : sizeof buf), deadline);
    if (!n) return n;
    for (size_t i = 0; i < *n; ++i) {
      if (options_.on_read) Damage(buf[i], pending_);
      else pending_.push_back(buf[i]);
    }
  }
  size_t k = 0;
  while (k < into.size() && !pending_.empty()) {
    into[k++] = pending_.front();
    pending_.pop_front();
  }
  return k;
}

std::expected<void, Error> FaultyLink::Write(std::span<const std::byte> bytes, Deadline deadline) {
  if (!options_.on_write) return inner_.Write(bytes, deadline);
  std::deque<std::byte> out;
  for (std::byte b : bytes) Damage(b, out);
  std::vector<std::byte> v(out.begin(), out.end());
  return inner_.Write(v, deadline);
}

namespace {

class OwningFaultyLink final : public Link {
 public:
  OwningFaultyLink(std::unique_ptr<Link> inner, FaultOptions options) : inner_(std::move(inner)), faulty_(*inner_, options) {}
  std::expected<size_t, Error> Read(std::span<std::byte> into, Deadline deadline) override { return faulty_.Read(into, deadline); }
  std::expected<void, Error> Write(std::span<const std::byte> bytes, Deadline deadline) override {
    return faulty_.Write(bytes, deadline);
  }
  std::string_view Describe() const override { return faulty_.Describe(); }

 private:
  std::unique_ptr<Link> inner_;
  FaultyLink faulty_;
};

}  // namespace

std::unique_ptr<Link> MakeFaultyLink(std::unique_ptr<Link> inner, FaultOptions options) {
  return std::make_unique<OwningFaultyLink>(std::move(inner), options);
}

Result<FaultOptions> ParseFaultOptions(const std::string& text) {
  FaultOptions o;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    if (item == "read-only") { o.on_write = false; continue; }
    if (item == "write-only") { o.on_read = false; continue; }
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    try {
      size_t used = 0;
      if (key == "seed") {
        o.seed = std::stoull(value, &used);
      } else {
        const double p = std::stod(value, &used);
        if (p < 0 || p > 1) used = 0;
        if (key == "drop") o.drop = p;
        else if (key == "corrupt") o.corrupt = p;
        else if (key == "duplicate" || key == "dup") o.duplicate = p;
        else used = 0;
      }
      if (used == 0 || used != value.size()) throw std::invalid_argument(key);
    } catch (const std::exception&) {
      return Fail(Status::kBadArgument, "fault spec '" + text + "': bad item '" + item +
                                            "' (expected seed=N, drop=P, corrupt=P, duplicate=P with P in 0..1, read-only, write-only)");
    }
  }
  return o;
}

}  // namespace hil::link::testing
