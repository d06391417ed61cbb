#include "hil/board/physical_board.h"

#include <libserialport.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <thread>

#include "hil/board/elf_file.h"
#include "hil/link/fd_link.h"

namespace hil::board {
namespace {

using namespace std::chrono_literals;

// How often to look again for a serial port or a probe that is coming back (USB enumeration takes
// from a few hundred milliseconds to a few seconds).
constexpr auto kPollInterval = 100ms;

std::string Ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// `message` without a leading "board <id>: ", so a step can be put after the board's name once.
std::string WithoutWho(const std::string& who, const std::string& message) {
  const std::string prefix = who + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

// "board X: <step>: <what failed>", keeping the code.
std::unexpected<Error> StepFail(const std::string& who, const std::string& step, const Error& e) {
  return Fail(e.code, who + ": " + step + ": " + WithoutWho(who, e.message));
}

std::string SerialPortLastError() {
  char* msg = sp_last_error_message();
  std::string text = msg ? msg : "unknown error";
  sp_free_error_message(msg);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

bool SameSerial(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::toupper(x) == std::toupper(y);
         });
}

// A link under another name: OpenOCD's RTT server is a plain TCP stream, but "rtt:tcp:..." tells a
// reader which link a board uses.
class NamedLink final : public link::Link {
 public:
  NamedLink(std::unique_ptr<link::Link> inner, std::string name) : inner_(std::move(inner)), name_(std::move(name)) {}
  std::expected<size_t, Error> Read(std::span<std::byte> into, Deadline deadline) override { return inner_->Read(into, deadline); }
  std::expected<void, Error> Write(std::span<const std::byte> bytes, Deadline deadline) override {
    return inner_->Write(bytes, deadline);
  }
  std::string_view Describe() const override { return name_; }

 private:
  std::unique_ptr<link::Link> inner_;
  std::string name_;
};

// Runs `call` until it succeeds, fails with something other than kNotFound, or `until` passes: a
// probe that is still enumerating after power on is "not found" for a moment.
template <class Call>
auto RetryWhileNotFound(Call call, Deadline until) -> decltype(call()) {
  for (;;) {
    auto r = call();
    if (r || r.error().code != Status::kNotFound || until.Expired()) return r;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

Result<std::vector<SerialPortInfo>> ListSerialPorts() {
  sp_port** list = nullptr;
  if (sp_list_ports(&list) != SP_OK) return Fail(Status::kInternal, "serial ports: cannot list them: " + SerialPortLastError());
  std::vector<SerialPortInfo> ports;
  for (sp_port** p = list; p && *p; ++p) {
    SerialPortInfo info;
    info.path = sp_get_port_name(*p);
    switch (sp_get_port_transport(*p)) {
      case SP_TRANSPORT_USB: info.transport = "usb"; break;
      case SP_TRANSPORT_BLUETOOTH: info.transport = "bluetooth"; break;
      default: info.transport = "native"; break;
    }
    // Both strings belong to the port structure (freed with the list).
    if (info.transport == "usb") {
      if (const char* s = sp_get_port_usb_serial(*p)) info.usb_serial = s;
    }
    if (const char* d = sp_get_port_description(*p)) info.description = d;
    ports.push_back(std::move(info));
  }
  sp_free_port_list(list);
  std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return ports;
}

Result<std::string> FindUsbSerialPort(const std::string& usb_serial, const std::vector<SerialPortInfo>& ports) {
  std::vector<std::string> matches;
  std::string seen;
  for (const auto& p : ports) {
    if (p.transport == "usb" && !p.usb_serial.empty() && SameSerial(p.usb_serial, usb_serial)) matches.push_back(p.path);
    seen += (seen.empty() ? "" : ", ") + p.path + " (" + p.transport +
            (p.usb_serial.empty() ? std::string() : " serial " + p.usb_serial) + ")";
  }
  if (matches.size() == 1) return matches[0];
  if (matches.empty())
    return Fail(Status::kNotFound, "no serial port has USB serial number '" + usb_serial + "' (ports seen: " +
                                       (seen.empty() ? std::string("none") : seen) + ")");
  std::string all;
  for (const auto& m : matches) all += (all.empty() ? "" : ", ") + m;
  return Fail(Status::kBadArgument, "USB serial number '" + usb_serial + "' belongs to several serial ports (" + all +
                                        "): give the tty path instead (e.g. /dev/serial/by-id/...)");
}

Result<std::string> ResolveSerialPort(const std::string& serial_port) {
  if (serial_port.empty()) return Fail(Status::kBadArgument, "no serial port given");
  if (serial_port.front() == '/') return serial_port;
  auto ports = ListSerialPorts();
  if (!ports) return std::unexpected(ports.error());
  return FindUsbSerialPort(serial_port, *ports);
}

Result<std::unique_ptr<link::Link>> OpenRttLink(const ProbeEndpoint& endpoint, link::RttSearch where,
                                                const link::GdbRemoteOptions& gdb, Deadline deadline) {
  if (endpoint.kind == ProbeEndpoint::Kind::kRttTcp) {
    auto tcp = link::ConnectTcp(endpoint.host, endpoint.port, deadline);
    if (!tcp) return std::unexpected(tcp.error());
    return std::unique_ptr<link::Link>(
        new NamedLink(std::move(*tcp), "rtt:tcp:" + endpoint.host + ":" + std::to_string(endpoint.port)));
  }
  auto client = link::GdbRemoteClient::Connect(endpoint.host, endpoint.port, gdb, deadline);
  if (!client) return std::unexpected(client.error());
  // GDB servers halt the core when a client attaches; the agent has to run to answer.
  if (auto r = (*client)->Resume(deadline); !r) return std::unexpected(r.error());
  auto rtt = link::RttLink::Attach(std::move(*client), where, deadline);
  if (!rtt) return std::unexpected(rtt.error());
  return std::unique_ptr<link::Link>(std::move(*rtt));
}

PhysicalBoard::PhysicalBoard(PhysicalBoardOptions options)
    : options_(std::move(options)), who_("board " + options_.instance_id) {}

Result<std::unique_ptr<PhysicalBoard>> PhysicalBoard::Start(PhysicalBoardOptions options) {
  const std::string who = "board " + options.instance_id;
  if (!options.probe) return Fail(Status::kBadArgument, who + ": no debug probe (the farm's probe and flasher make one)");
  if (options.link != "uart" && options.link != "rtt")
    return Fail(Status::kBadArgument, who + ": link '" + options.link + "' is not one a physical board offers (uart, rtt)");
  if (options.link == "uart" && options.serial_port.empty())
    return Fail(Status::kBadArgument, who + ": link uart needs serial_port (a tty path or the adapter's USB serial number)");
  if (options.flash && options.firmware.empty()) return Fail(Status::kBadArgument, who + ": no firmware to flash");
  std::unique_ptr<PhysicalBoard> board(new PhysicalBoard(std::move(options)));
  const PhysicalBoardOptions& o = board->options_;
  if (!o.firmware.empty()) {
    auto elf = ReadElf(o.firmware);
    if (!elf) return Wrap(elf.error(), who);
    board->flash_bytes_ = elf->flash_bytes;
    board->build_id_ = elf->build_id;
    if (auto it = elf->symbols.find("_SEGGER_RTT"); it != elf->symbols.end()) board->rtt_address_ = it->second;
  }
  // Before touching the probe: a port that is not there fails at once, listing the ports seen.
  if (o.link == "uart") {
    auto path = ResolveSerialPort(o.serial_port);
    if (!path) return StepFail(who, "serial port", path.error());
    board->serial_path_ = *path;
  }
  if (auto s = board->BringUp(o.flash, Deadline::After(0ms)); !s) return std::unexpected(s.error());
  return board;
}

PhysicalBoard::~PhysicalBoard() { Disconnect(); }

void PhysicalBoard::Disconnect() {
  session_.reset();
  link_.reset();
  options_.probe->StopServers();
}

Result<void> PhysicalBoard::BringUp(bool flash, Deadline probe_back) {
  // The probe's servers go first: a tool that holds the probe keeps a one-off flash or reset out.
  Disconnect();
  if (flash) {
    auto r = RetryWhileNotFound(
        [&] { return options_.probe->Flash(options_.firmware, std::nullopt, Deadline::After(options_.flash_timeout)); },
        probe_back);
    if (!r) return StepFail(who_, "flash", r.error());
  }
  auto r = RetryWhileNotFound([&] { return options_.probe->Reset(Deadline::After(options_.reset_timeout)); }, probe_back);
  if (!r) return StepFail(who_, "reset", r.error());
  return Connect();
}

Result<void> PhysicalBoard::Connect() {
  session_.reset();
  link_.reset();
  std::optional<ProbeEndpoint> rtt;
  if (options_.link == "rtt") {
    auto endpoint = options_.probe->StartRtt(rtt_address_, options_.rtt_port, Deadline::After(options_.reset_timeout));
    if (!endpoint) return StepFail(who_, "rtt server", endpoint.error());
    rtt = *endpoint;
  }
  const Deadline deadline = Deadline::After(options_.hello_timeout);
  for (;;) {
    Error failure;
    Result<std::unique_ptr<link::Link>> opened = Fail(Status::kInternal, "unset");
    if (rtt) {
      opened = OpenRttLink(*rtt, {rtt_address_, options_.rtt_scan_start, options_.rtt_scan_bytes}, options_.gdb, deadline);
      if (!opened) return StepFail(who_, "rtt", opened.error());
    } else {
      opened = options_.open_serial(serial_path_, options_.baud_rate);
    }
    if (opened) {
      link_ = std::move(*opened);
      if (options_.wrap_link) link_ = options_.wrap_link(std::move(link_));
      session_ = std::make_unique<link::AgentSession>(*link_, who_, options_.session);
      auto hello = session_->Hello();
      if (hello) {
        hello_ = *hello;
        return {};
      }
      failure = StepFail(who_, "hello", hello.error()).error();
      session_.reset();
      link_.reset();
      // A port that hung up (a USB CDC port re-enumerating after the reset) may answer once opened
      // again; an agent that stayed silent through every retransmission will not.
      if (hello.error().code != Status::kBadState || rtt) return std::unexpected(failure);
    } else {
      failure = StepFail(who_, "serial port", opened.error()).error();
      if (opened.error().code != Status::kNotFound) return std::unexpected(failure);
    }
    if (deadline.Expired()) return std::unexpected(failure);
    std::this_thread::sleep_for(kPollInterval / 2);
  }
}

Result<void> PhysicalBoard::Reset() { return BringUp(/*flash=*/false, Deadline::After(0ms)); }

Result<void> PhysicalBoard::PowerCycle() {
  if (options_.hub_port <= 0)
    return Fail(Status::kBadArgument, who_ + ": power cycle: no hub port configured (farm field hub: \"<hub location>:<port>\")");
  // Before the power goes: the probe's servers lose their probe and the link its port.
  Disconnect();
  auto hub = options_.open_hub(options_.hub_location);
  if (!hub) return StepFail(who_, "power cycle", hub.error());
  if (auto s = PowerCycleHubPort(**hub, options_.hub_port, options_.hub_off_time); !s)
    return StepFail(who_, "power cycle", s.error());
  const Deadline back = Deadline::After(options_.reappear_timeout);
  if (options_.link == "uart") {
    // A USB serial number is looked up again: the adapter may come back as another ttyACM.
    for (;;) {
      auto path = ResolveSerialPort(options_.serial_port);
      std::error_code ec;
      if (path && std::filesystem::exists(*path, ec)) {
        serial_path_ = *path;
        break;
      }
      if (back.Expired())
        return Fail(Status::kTimeout, who_ + ": power cycle: serial port " + options_.serial_port +
                                          " did not come back within " + Ms(options_.reappear_timeout) + " after power on" +
                                          (path ? std::string() : " (" + path.error().message + ")"));
      std::this_thread::sleep_for(kPollInterval);
    }
  }
  if (auto s = BringUp(options_.flash, back); !s) return StepFail(who_, "power cycle", s.error());
  return {};
}

Result<void> PhysicalBoard::Recover() {
  auto reset = Reset();
  if (reset) return {};
  const std::string step1 = "step 1 (reset): " + WithoutWho(who_, reset.error().message);
  if (options_.hub_port <= 0)
    return Fail(reset.error().code, who_ + ": not recovered: " + step1 + "; step 2 (power cycle): no hub port configured (farm field hub)");
  auto cycle = PowerCycle();
  if (cycle) return {};
  return Fail(cycle.error().code, who_ + ": not recovered: " + step1 + "; step 2 (power cycle of hub " + options_.hub_location +
                                      " port " + std::to_string(options_.hub_port) +
                                      "): " + WithoutWho(who_ + ": power cycle", cycle.error().message));
}

Result<void> PhysicalBoard::CheckAlive() {
  if (options_.link != "uart") return {};
  std::error_code ec;
  if (!std::filesystem::exists(serial_path_, ec))
    return Fail(Status::kBadState, who_ + ": serial port " + serial_path_ + " is gone (USB unplugged or unpowered?)");
  return {};
}

std::string PhysicalBoard::Describe() const {
  std::string link;
  if (options_.link == "uart") link = "serial:" + serial_path_ + "@" + std::to_string(options_.baud_rate);
  else link = link_ ? std::string(link_->Describe()) : "rtt";
  return options_.instance_id + " (" + options_.probe->Describe() + ", " + link + ")";
}

}  // namespace hil::board
