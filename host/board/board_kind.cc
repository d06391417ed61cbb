#include "hil/board/board_kind.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "hil/board/probe_selector.h"
#include "hil/core/yaml_file.h"

namespace hil::board {
namespace {

std::string At(const std::string& file, const YAML::Node& n) {
  return file + ":" + std::to_string(n.Mark().line >= 0 ? n.Mark().line + 1 : 0);
}

std::unexpected<Error> Bad(const std::string& file, const YAML::Node& n, const std::string& field, const std::string& what) {
  return Fail(Status::kBadArgument, At(file, n) + ": " + field + ": " + what);
}

Result<YAML::Node> LoadYaml(const std::string& path, const char* what) {
  auto root = LoadYamlFile(path, what);
  if (!root) return root;
  if (!root->IsMap()) return Fail(Status::kBadArgument, path + ":1: (top level): expected a mapping");
  return root;
}

Result<std::string> Str(const std::string& file, const YAML::Node& n, const std::string& field) {
  if (!n.IsScalar() || n.Scalar().empty()) return Bad(file, n, field, "expected a non-empty string");
  return n.Scalar();
}

Result<uint64_t> Uint(const std::string& file, const YAML::Node& n, const std::string& field) {
  if (n.IsScalar()) {
    try {
      size_t used = 0;
      const std::string& t = n.Scalar();
      if (!t.empty() && t[0] != '-') {
        const uint64_t v = std::stoull(t, &used, 0);
        if (used == t.size()) return v;
      }
    } catch (const std::exception&) {
    }
  }
  return Bad(file, n, field, "expected an unsigned integer, got '" + (n.IsScalar() ? n.Scalar() : std::string("(not a scalar)")) + "'");
}

Result<std::map<std::string, std::string>> FlatMap(const std::string& file, const YAML::Node& n, const std::string& field) {
  if (!n.IsMap()) return Bad(file, n, field, "expected a mapping");
  std::map<std::string, std::string> out;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->second.IsScalar()) return Bad(file, it->second, field + "." + it->first.Scalar(), "expected a scalar");
    out[it->first.Scalar()] = it->second.Scalar();
  }
  return out;
}

Result<std::vector<std::string>> StrList(const std::string& file, const YAML::Node& n, const std::string& field) {
  if (!n.IsSequence()) return Bad(file, n, field, "expected a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) return Bad(file, n[i], field + "[" + std::to_string(i) + "]", "expected a string");
    out.push_back(n[i].Scalar());
  }
  return out;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// "usb<bus>" or "<bus>-<port>[.<port>...]": the sysfs names Linux gives USB devices.
bool IsUsbLocation(const std::string& s) {
  if (s.rfind("usb", 0) == 0) return AllDigits(s.substr(3));
  const auto dash = s.find('-');
  if (dash == std::string::npos || !AllDigits(s.substr(0, dash))) return false;
  std::string rest = s.substr(dash + 1);
  for (size_t from = 0;;) {
    const auto dot = rest.find('.', from);
    if (!AllDigits(rest.substr(from, dot == std::string::npos ? std::string::npos : dot - from))) return false;
    if (dot == std::string::npos) return true;
    from = dot + 1;
  }
}

const std::set<std::string> kTransports = {"pty", "unix", "tcp", "uart", "serial", "rtt"};

// The physical-board fields of a farm instance (probe, serial_port, link, flasher, power_monitor).
Result<void> CheckPhysicalField(const std::string& file, const YAML::Node& n, const std::string& field,
                                const std::string& key, const std::string& value) {
  if (key == "probe") {
    auto s = ParseProbeSelector(value);
    if (!s) return Bad(file, n, field, s.error().message);
  } else if (key == "link") {
    if (value != "uart" && value != "rtt") return Bad(file, n, field, "expected uart or rtt, got '" + value + "'");
  } else if (key == "flasher") {
    if (value != "openocd" && value != "pyocd") return Bad(file, n, field, "expected openocd or pyocd, got '" + value + "'");
  } else if (key == "serial_port" || key == "interface_port") {
    if (value.find_first_of(" \t") != std::string::npos) return Bad(file, n, field, "expected a tty path or a USB serial number, got '" + value + "'");
  } else if (key == "power_monitor") {
    const std::string name = value.substr(0, value.find(':'));
    if (name != "lpm01a" && name != "ppk2")
      return Bad(file, n, field, "expected lpm01a or ppk2 (optionally :<USB serial>), got '" + value + "'");
    if (value.size() == name.size() + 1) return Bad(file, n, field, "empty USB serial after '" + name + ":'");
  }
  return {};
}

}  // namespace

Result<HubPort> ParseHubPort(const std::string& text) {
  const std::string form = "expected <hub location>:<port> such as \"1-1.2:3\", got '" + text + "'";
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return Fail(Status::kBadArgument, form + ": no ':' before the port");
  HubPort hub;
  hub.location = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (!IsUsbLocation(hub.location))
    return Fail(Status::kBadArgument, form + ": the hub location '" + hub.location + "' is not a USB port path (\"1-1.2\", \"usb1\")");
  if (!AllDigits(port) || port.size() > 3 || std::stoi(port) < 1 || std::stoi(port) > 255)
    return Fail(Status::kBadArgument, form + ": the port '" + port + "' is not a number from 1 to 255");
  hub.port = std::stoi(port);
  return hub;
}

Result<BoardKind> LoadBoardKind(const std::string& path) {
  auto root = LoadYaml(path, "board kind");
  if (!root) return std::unexpected(root.error());
  BoardKind k;
  k.file = path;
  try {
    for (auto it = root->begin(); it != root->end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;
      Result<void> ok;
      auto set_str = [&](std::string& out) -> Result<void> {
        auto s = Str(path, v, key);
        if (!s) return std::unexpected(s.error());
        out = *s;
        return {};
      };
      auto set_uint = [&](uint64_t& out) -> Result<void> {
        auto u = Uint(path, v, key);
        if (!u) return std::unexpected(u.error());
        out = *u;
        return {};
      };
      if (key == "name") ok = set_str(k.name);
      else if (key == "description") ok = set_str(k.description);
      else if (key == "core") ok = set_str(k.core);
      else if (key == "platform") ok = set_str(k.platform);
      else if (key == "agent") ok = set_str(k.agent);
      else if (key == "clock_hz") ok = set_uint(k.clock_hz);
      else if (key == "flash_bytes") ok = set_uint(k.flash_bytes);
      else if (key == "ram_bytes") ok = set_uint(k.ram_bytes);
      else if (key == "baud_rate") {
        uint64_t b = 0;
        ok = set_uint(b);
        k.baud_rate = static_cast<int>(b);
      } else if (key == "transport") {
        ok = set_str(k.transport);
        if (ok && !kTransports.contains(k.transport))
          ok = Bad(path, v, key, "expected pty, unix, tcp, uart, serial or rtt, got '" + k.transport + "'");
      } else if (key == "protocol") {
        ok = set_str(k.protocol);
        if (ok && k.protocol != "tinyhil" && k.protocol != "mlperf-tiny")
          ok = Bad(path, v, key, "expected tinyhil or mlperf-tiny, got '" + k.protocol + "'");
      } else if (key == "mlperf_mode") {
        ok = set_str(k.mlperf_mode);
        if (ok && k.mlperf_mode != "performance" && k.mlperf_mode != "energy")
          ok = Bad(path, v, key, "expected performance or energy, got '" + k.mlperf_mode + "'");
      } else if (key == "agent_args") {
        auto l = StrList(path, v, key);
        if (!l) ok = std::unexpected(l.error());
        else k.agent_args = *l;
      } else if (key == "energy" || key == "qemu" || key == "probe") {
        auto m = FlatMap(path, v, key);
        if (!m) ok = std::unexpected(m.error());
        else (key == "energy" ? k.energy : key == "qemu" ? k.qemu : k.probe) = *m;
      } else {
        ok = Bad(path, it->first, key, "unknown field");
      }
      if (!ok) return std::unexpected(ok.error());
    }
  } catch (const YAML::Exception& e) {
    return Fail(Status::kBadArgument, path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (k.name.empty()) return Fail(Status::kBadArgument, path + ":1: name: missing");
  const std::string stem = std::filesystem::path(path).stem().string();
  if (k.name != stem) return Fail(Status::kBadArgument, path + ": name: '" + k.name + "' must equal the file name '" + stem + "'");
  if (k.clock_hz == 0) return Fail(Status::kBadArgument, path + ": clock_hz: missing or zero");
  if (k.platform.empty()) return Fail(Status::kBadArgument, path + ": platform: missing");
  return k;
}

Result<std::map<std::string, BoardKind>> LoadBoardKinds(const std::string& dir, std::vector<Error>* broken) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Fail(Status::kNotFound, "boards folder " + dir + ": no such folder");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::map<std::string, BoardKind> kinds;
  for (const auto& f : files) {
    auto k = LoadBoardKind(f.string());
    if (!k && broken) {
      broken->push_back(k.error());
      continue;
    }
    if (!k) return std::unexpected(k.error());
    kinds[k->name] = *k;
  }
  return kinds;
}

Result<Farm> LoadFarm(const std::string& path, const std::map<std::string, BoardKind>& kinds) {
  auto root = LoadYaml(path, "farm file");
  if (!root) return std::unexpected(root.error());
  Farm farm;
  farm.file = path;
  try {
    for (auto it = root->begin(); it != root->end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key != "name" && key != "instances") return Bad(path, it->first, key, "unknown field (expected name, instances)");
    }
    if ((*root)["name"]) {
      auto n = Str(path, (*root)["name"], "name");
      if (!n) return std::unexpected(n.error());
      farm.name = *n;
    }
    const YAML::Node inst = (*root)["instances"];
    if (!inst || !inst.IsSequence()) return Bad(path, inst ? inst : *root, "instances", "expected a list of {id, kind}");
    std::set<std::string> ids;
    for (size_t i = 0; i < inst.size(); ++i) {
      const std::string field = "instances[" + std::to_string(i) + "]";
      const YAML::Node n = inst[i];
      if (!n.IsMap()) return Bad(path, n, field, "expected a mapping with id and kind");
      BoardInstance b;
      b.line = n.Mark().line + 1;
      for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (key == "id" || key == "kind" || key == "transport") {
          auto s = Str(path, it->second, field + "." + key);
          if (!s) return std::unexpected(s.error());
          (key == "id" ? b.id : key == "kind" ? b.kind : b.transport) = *s;
        } else if (key == "args") {
          auto l = StrList(path, it->second, field + ".args");
          if (!l) return std::unexpected(l.error());
          b.args = *l;
        } else if (key == "probe" || key == "serial_port" || key == "link" || key == "flasher" || key == "power_monitor" ||
                   key == "interface_port") {
          auto s = Str(path, it->second, field + "." + key);
          if (!s) return std::unexpected(s.error());
          if (auto v = CheckPhysicalField(path, it->second, field + "." + key, key, *s); !v) return std::unexpected(v.error());
          (key == "probe" ? b.probe : key == "serial_port" ? b.serial_port : key == "link" ? b.link
           : key == "flasher" ? b.flasher : key == "power_monitor" ? b.power_monitor : b.interface_port) = *s;
        } else if (key == "hub") {
          auto s = Str(path, it->second, field + ".hub");
          if (!s) return std::unexpected(s.error());
          auto hub = ParseHubPort(*s);
          if (!hub) return Bad(path, it->second, field + ".hub", hub.error().message);
          b.hub = *hub;
        } else {
          return Bad(path, it->first, field + "." + key,
                     "unknown field (expected id, kind, transport, args, probe, serial_port, link, flasher, power_monitor, hub, "
                     "interface_port)");
        }
      }
      if (b.kind.empty()) return Bad(path, n, field + ".kind", "missing");
      if (!kinds.contains(b.kind)) {
        std::string known;
        for (const auto& [name, _] : kinds) known += (known.empty() ? "" : ", ") + name;
        return Bad(path, n["kind"], field + ".kind", "unknown board kind '" + b.kind + "' (known: " + known + ")");
      }
      if (b.id.empty()) b.id = b.kind + "#" + std::to_string(i + 1);
      if (!b.transport.empty() && !kTransports.contains(b.transport))
        return Bad(path, n["transport"], field + ".transport", "expected pty, unix, tcp, uart, serial or rtt");
      if (b.link == "uart" && b.serial_port.empty())
        return Bad(path, n["link"], field + ".link", "uart needs serial_port (a tty path or the adapter's USB serial number)");
      if (b.link == "rtt" && b.flasher.empty())
        return Bad(path, n["link"], field + ".link", "rtt needs flasher (openocd or pyocd) to reach the control block");
      if (!ids.insert(b.id).second) return Bad(path, n, field + ".id", "duplicate instance id '" + b.id + "'");
      farm.instances.push_back(b);
    }
  } catch (const YAML::Exception& e) {
    return Fail(Status::kBadArgument, path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return farm;
}

}  // namespace hil::board
