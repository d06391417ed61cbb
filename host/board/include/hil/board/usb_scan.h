// `hil boards scan`: which debug probes, USB-serial adapters and power monitors are plugged in, found
// by USB VID/PID/serial through libusb, matched against a farm file's physical instances (probe,
// serial_port, power_monitor fields): each wanted device present, missing or ambiguous, and each
// recognised device no instance claims reported as unknown.
//
// Serial numbers come from sysfs (/sys/bus/usb/devices/<port path>/serial), which needs no access to
// the device node (no udev rule); libusb's string descriptors are the fallback.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hil/board/board_kind.h"
#include "hil/core/error.h"

namespace hil::board {

struct UsbDevice {
  uint16_t vid = 0;
  uint16_t pid = 0;
  std::string serial;        // empty when the device has none
  std::string manufacturer;
  std::string product;
  uint8_t bus = 0;
  uint8_t address = 0;
  std::string port_path;     // sysfs name: "1-1.4"; "usb1" for a root hub
  uint8_t device_class = 0;  // bDeviceClass (9: hub)
};

enum class UsbRole { kOther, kDebugProbe, kSerialAdapter, kPowerMonitor, kHub };

struct UsbKind {
  UsbRole role = UsbRole::kOther;
  std::string name;  // "ST-LINK/V2-1", "DAPLink (CMSIS-DAP)", "Nordic PPK2", "FTDI FT232R"...
  std::string id;    // for power monitors, the farm file's name ("ppk2", "lpm01a"); empty otherwise
};

// By VID/PID, and for CMSIS-DAP probes of any vendor by the product string (the CMSIS-DAP
// specification requires "CMSIS-DAP" in it). Pure.
UsbKind ClassifyUsbDevice(const UsbDevice& device);
const char* UsbRoleName(UsbRole role);

// Every USB device libusb sees. Errors: kInternal (libusb_init failed, with libusb's reason).
Result<std::vector<UsbDevice>> ListUsbDevices();

struct ScanEntry {
  enum class State { kPresent, kMissing, kAmbiguous, kUnknown };
  State state = State::kMissing;
  std::string instance_id;   // empty for kUnknown
  std::string field;         // "probe", "serial_port", "power_monitor"; the role name for kUnknown
  std::string wanted;        // the farm file's value
  std::string found;         // the device(s): "0483:374b:066DFF... ST-LINK/V2-1 at 1-1.4"
  int line = 0;              // farm file line of the instance
};

struct ScanReport {
  std::string farm_file;
  std::vector<ScanEntry> entries;  // instances in farm order, then unknown devices
  int missing() const;
  // One line per entry: "present  nucleo-l4r5zi#1  probe  0483:374b:066DFF...  ST-LINK/V2-1 at 1-1.4".
  std::string ToText() const;
};

const char* ScanStateName(ScanEntry::State state);

// Pure: matches `devices` against the physical fields of `farm`'s instances. A serial_port that is
// a path is present when the path exists.
ScanReport MatchFarm(const Farm& farm, const std::vector<UsbDevice>& devices);

// ListUsbDevices() then MatchFarm().
Result<ScanReport> ScanBoards(const Farm& farm);

// "0483:374b:066DFF... ST-LINK/V2-1 at 1-1.4".
std::string DescribeUsbDevice(const UsbDevice& device);

}  // namespace hil::board
