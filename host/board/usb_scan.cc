#include "hil/board/usb_scan.h"

#include <libusb.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "hil/board/probe_selector.h"

namespace hil::board {
namespace {

struct KnownDevice {
  uint16_t vid;
  uint16_t pid;  // 0: any product of this vendor
  UsbRole role;
  const char* name;
  const char* id;
};

// Checked against the vendors' own tables (OpenOCD's interface/stlink.cfg and jlink driver, pyOCD's
// probe list, Linux's ftdi_sio/cp210x/ch341/pl2303 device tables, Nordic's PPK2 docs).
constexpr KnownDevice kKnown[] = {
    {0x0483, 0x3744, UsbRole::kDebugProbe, "ST-LINK/V1", ""},
    {0x0483, 0x3748, UsbRole::kDebugProbe, "ST-LINK/V2", ""},
    {0x0483, 0x374a, UsbRole::kDebugProbe, "ST-LINK/V2-1", ""},
    {0x0483, 0x374b, UsbRole::kDebugProbe, "ST-LINK/V2-1", ""},
    {0x0483, 0x374d, UsbRole::kDebugProbe, "STLINK-V3 (loader)", ""},
    {0x0483, 0x374e, UsbRole::kDebugProbe, "STLINK-V3", ""},
    {0x0483, 0x374f, UsbRole::kDebugProbe, "STLINK-V3", ""},
    {0x0483, 0x3752, UsbRole::kDebugProbe, "ST-LINK/V2-1", ""},
    {0x0483, 0x3753, UsbRole::kDebugProbe, "STLINK-V3 (2 VCP)", ""},
    {0x0483, 0x3754, UsbRole::kDebugProbe, "STLINK-V3", ""},
    {0x0483, 0x3757, UsbRole::kDebugProbe, "STLINK-V3PWR", ""},
    {0x0d28, 0x0204, UsbRole::kDebugProbe, "DAPLink (CMSIS-DAP)", ""},
    {0x1366, 0x0000, UsbRole::kDebugProbe, "SEGGER J-Link", ""},
    {0x1915, 0xc00a, UsbRole::kPowerMonitor, "Nordic PPK2", "ppk2"},
    // X-NUCLEO-LPM01A enumerates as STMicroelectronics' generic virtual COM port.
    {0x0483, 0x5740, UsbRole::kPowerMonitor, "STM32 virtual COM port (X-NUCLEO-LPM01A)", "lpm01a"},
    {0x0403, 0x6001, UsbRole::kSerialAdapter, "FTDI FT232R", ""},
    {0x0403, 0x6010, UsbRole::kSerialAdapter, "FTDI FT2232", ""},
    {0x0403, 0x6011, UsbRole::kSerialAdapter, "FTDI FT4232", ""},
    {0x0403, 0x6014, UsbRole::kSerialAdapter, "FTDI FT232H", ""},
    {0x0403, 0x6015, UsbRole::kSerialAdapter, "FTDI FT-X", ""},
    {0x10c4, 0xea60, UsbRole::kSerialAdapter, "Silicon Labs CP210x", ""},
    {0x10c4, 0xea70, UsbRole::kSerialAdapter, "Silicon Labs CP2105", ""},
    {0x1a86, 0x7523, UsbRole::kSerialAdapter, "WCH CH340", ""},
    {0x1a86, 0x55d4, UsbRole::kSerialAdapter, "WCH CH9102", ""},
    {0x067b, 0x2303, UsbRole::kSerialAdapter, "Prolific PL2303", ""},
};

std::string ReadSysfs(const std::string& port_path, const char* attribute) {
  std::ifstream in("/sys/bus/usb/devices/" + port_path + "/" + attribute);
  std::string s;
  if (!in || !std::getline(in, s)) return {};
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string StringDescriptor(libusb_device_handle* h, uint8_t index) {
  if (!h || index == 0) return {};
  unsigned char buf[256];
  const int n = libusb_get_string_descriptor_ascii(h, index, buf, sizeof buf);
  return n > 0 ? std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n)) : std::string();
}

std::string Hex4(uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04x", v);
  return b;
}

}  // namespace

const char* UsbRoleName(UsbRole role) {
  switch (role) {
    case UsbRole::kDebugProbe: return "debug probe";
    case UsbRole::kSerialAdapter: return "USB-serial adapter";
    case UsbRole::kPowerMonitor: return "power monitor";
    case UsbRole::kHub: return "hub";
    case UsbRole::kOther: break;
  }
  return "other";
}

const char* ScanStateName(ScanEntry::State state) {
  switch (state) {
    case ScanEntry::State::kPresent: return "present";
    case ScanEntry::State::kMissing: return "missing";
    case ScanEntry::State::kAmbiguous: return "ambiguous";
    case ScanEntry::State::kUnknown: return "unknown";
  }
  return "?";
}

UsbKind ClassifyUsbDevice(const UsbDevice& d) {
  for (const auto& k : kKnown) {
    if (k.vid == d.vid && (k.pid == 0 || k.pid == d.pid)) return {k.role, k.name, k.id};
  }
  if (d.product.find("CMSIS-DAP") != std::string::npos) return {UsbRole::kDebugProbe, "CMSIS-DAP probe (" + d.product + ")", ""};
  if (d.device_class == LIBUSB_CLASS_HUB) return {UsbRole::kHub, "USB hub", ""};
  return {UsbRole::kOther, d.product, ""};
}

std::string DescribeUsbDevice(const UsbDevice& d) {
  const UsbKind k = ClassifyUsbDevice(d);
  std::string s = Hex4(d.vid) + ":" + Hex4(d.pid) + (d.serial.empty() ? "" : ":" + d.serial);
  if (!k.name.empty()) s += " " + k.name;
  if (!d.port_path.empty()) s += " at " + d.port_path;
  return s;
}

Result<std::vector<UsbDevice>> ListUsbDevices() {
  libusb_context* ctx = nullptr;
  if (const int rc = libusb_init(&ctx); rc != 0)
    return Fail(Status::kInternal, std::string("USB scan: libusb_init failed: ") + libusb_strerror(rc));
  libusb_device** list = nullptr;
  const ssize_t n = libusb_get_device_list(ctx, &list);
  if (n < 0) {
    libusb_exit(ctx);
    return Fail(Status::kInternal, std::string("USB scan: cannot list devices: ") + libusb_strerror(static_cast<int>(n)));
  }
  std::vector<UsbDevice> out;
  for (ssize_t i = 0; i < n; ++i) {
    libusb_device* dev = list[i];
    libusb_device_descriptor desc{};
    if (libusb_get_device_descriptor(dev, &desc) != 0) continue;
    UsbDevice d;
    d.vid = desc.idVendor;
    d.pid = desc.idProduct;
    d.device_class = desc.bDeviceClass;
    d.bus = libusb_get_bus_number(dev);
    d.address = libusb_get_device_address(dev);
    uint8_t ports[8];
    const int depth = libusb_get_port_numbers(dev, ports, sizeof ports);
    if (depth <= 0) {
      d.port_path = "usb" + std::to_string(d.bus);
    } else {
      d.port_path = std::to_string(d.bus) + "-";
      for (int p = 0; p < depth; ++p) d.port_path += (p ? "." : "") + std::to_string(ports[p]);
    }
    d.serial = ReadSysfs(d.port_path, "serial");
    d.manufacturer = ReadSysfs(d.port_path, "manufacturer");
    d.product = ReadSysfs(d.port_path, "product");
    if ((d.serial.empty() && desc.iSerialNumber) || (d.product.empty() && desc.iProduct)) {
      // No sysfs (or a sysfs without the strings): ask the device, which needs access to its node.
      libusb_device_handle* h = nullptr;
      if (libusb_open(dev, &h) == 0) {
        if (d.serial.empty()) d.serial = StringDescriptor(h, desc.iSerialNumber);
        if (d.manufacturer.empty()) d.manufacturer = StringDescriptor(h, desc.iManufacturer);
        if (d.product.empty()) d.product = StringDescriptor(h, desc.iProduct);
        libusb_close(h);
      }
    }
    out.push_back(std::move(d));
  }
  libusb_free_device_list(list, 1);
  libusb_exit(ctx);
  return out;
}

int ScanReport::missing() const {
  int m = 0;
  for (const auto& e : entries) m += e.state == ScanEntry::State::kMissing ? 1 : 0;
  return m;
}

std::string ScanReport::ToText() const {
  size_t w_id = 8, w_field = 5, w_wanted = 6;
  for (const auto& e : entries) {
    w_id = std::max(w_id, e.instance_id.size());
    w_field = std::max(w_field, e.field.size());
    w_wanted = std::max(w_wanted, e.wanted.size());
  }
  auto pad = [](std::string s, size_t w) { return s.size() < w ? s + std::string(w - s.size(), ' ') : s; };
  std::string t = pad("STATE", 10) + pad("INSTANCE", w_id + 2) + pad("WHAT", w_field + 2) + pad("WANTED", w_wanted + 2) + "FOUND\n";
  for (const auto& e : entries)
    t += pad(ScanStateName(e.state), 10) + pad(e.instance_id.empty() ? "-" : e.instance_id, w_id + 2) + pad(e.field, w_field + 2) +
         pad(e.wanted.empty() ? "-" : e.wanted, w_wanted + 2) + (e.found.empty() ? "-" : e.found) + "\n";
  return t;
}

ScanReport MatchFarm(const Farm& farm, const std::vector<UsbDevice>& devices) {
  ScanReport report;
  report.farm_file = farm.file;
  std::set<size_t> claimed;
  auto settle = [&](ScanEntry e, const std::vector<size_t>& matches) {
    for (size_t m : matches) {
      claimed.insert(m);
      e.found += (e.found.empty() ? "" : "; ") + DescribeUsbDevice(devices[m]);
    }
    e.state = matches.empty() ? ScanEntry::State::kMissing : matches.size() == 1 ? ScanEntry::State::kPresent : ScanEntry::State::kAmbiguous;
    report.entries.push_back(std::move(e));
  };
  for (const auto& inst : farm.instances) {
    ScanEntry base;
    base.instance_id = inst.id;
    base.line = inst.line;
    if (!inst.probe.empty()) {
      ScanEntry e = base;
      e.field = "probe";
      e.wanted = inst.probe;
      std::vector<size_t> matches;
      if (auto sel = ParseProbeSelector(inst.probe)) {
        for (size_t i = 0; i < devices.size(); ++i)
          if (sel->Matches(devices[i].vid, devices[i].pid, devices[i].serial)) matches.push_back(i);
      }
      settle(e, matches);
    }
    if (!inst.serial_port.empty()) {
      ScanEntry e = base;
      e.field = "serial_port";
      e.wanted = inst.serial_port;
      if (inst.serial_port[0] == '/') {
        std::error_code ec;
        const bool there = std::filesystem::exists(inst.serial_port, ec);
        e.state = there ? ScanEntry::State::kPresent : ScanEntry::State::kMissing;
        e.found = there ? inst.serial_port : "";
        report.entries.push_back(e);
      } else {
        std::vector<size_t> matches;
        for (size_t i = 0; i < devices.size(); ++i)
          if (devices[i].serial == inst.serial_port) matches.push_back(i);
        settle(e, matches);
      }
    }
    if (!inst.power_monitor.empty()) {
      ScanEntry e = base;
      e.field = "power_monitor";
      e.wanted = inst.power_monitor;
      const size_t colon = inst.power_monitor.find(':');
      const std::string name = inst.power_monitor.substr(0, colon);
      const std::string serial = colon == std::string::npos ? "" : inst.power_monitor.substr(colon + 1);
      std::vector<size_t> matches;
      for (size_t i = 0; i < devices.size(); ++i) {
        if (ClassifyUsbDevice(devices[i]).id == name && (serial.empty() || devices[i].serial == serial)) matches.push_back(i);
      }
      settle(e, matches);
    }
  }
  for (size_t i = 0; i < devices.size(); ++i) {
    const UsbKind k = ClassifyUsbDevice(devices[i]);
    if (claimed.contains(i) || k.role == UsbRole::kOther || k.role == UsbRole::kHub) continue;
    ScanEntry e;
    e.state = ScanEntry::State::kUnknown;
    e.field = UsbRoleName(k.role);
    e.found = DescribeUsbDevice(devices[i]);
    report.entries.push_back(e);
  }
  return report;
}

Result<ScanReport> ScanBoards(const Farm& farm) {
  auto devices = ListUsbDevices();
  if (!devices) return std::unexpected(devices.error());
  return MatchFarm(farm, *devices);
}

}  // namespace hil::board
