// Power cycling a board through its USB hub port: the hub class requests uhubctl uses (USB 2.0
// spec 11.24.2: ClearPortFeature / SetPortFeature with PORT_POWER, GetPortStatus), sent through libusb
// to a hub that switches power per port. Recovers a board whose debug probe or agent hung.
//
// Thread: any, one call per hub at a time. The Linux kernel lets root (or a udev rule granting the
// hub's node) send these to a hub it drives.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "hil/core/error.h"

namespace hil::board {

struct UsbControlRequest {
  uint8_t request_type = 0;  // bmRequestType
  uint8_t request = 0;       // bRequest
  uint16_t value = 0;        // wValue
  uint16_t index = 0;        // wIndex
  uint16_t length = 0;       // wLength
  bool operator==(const UsbControlRequest&) const = default;
};

inline constexpr uint8_t kUsbRequestGetStatus = 0x00;
inline constexpr uint8_t kUsbRequestClearFeature = 0x01;
inline constexpr uint8_t kUsbRequestSetFeature = 0x03;
inline constexpr uint8_t kUsbRequestGetDescriptor = 0x06;
inline constexpr uint16_t kHubFeaturePortPower = 8;
inline constexpr uint8_t kHubPortRequestOut = 0x23;  // host to device, class, recipient "other" (a port)
inline constexpr uint8_t kHubPortRequestIn = 0xa3;
inline constexpr uint8_t kHubRequestIn = 0xa0;       // device to host, class, recipient device (the hub)

// SetPortFeature(PORT_POWER) when `on`, else ClearPortFeature(PORT_POWER), for `port` (1-based).
UsbControlRequest HubPortPowerRequest(int port, bool on);
// GetPortStatus: 4 bytes, wPortStatus then wPortChange, little-endian.
UsbControlRequest HubPortStatusRequest(int port);
// GetHubDescriptor: type 0x29 (USB 2) or 0x2a (USB 3 SuperSpeed hub).
UsbControlRequest HubDescriptorRequest(bool usb3);

struct HubInfo {
  int ports = 0;
  // wHubCharacteristics bits 1:0: 00 ganged, 01 per-port, 1x no power switching (1.x hubs only).
  bool per_port_power = false;
  bool ganged_power = false;
};
// Errors: kBadFrame (too short, wrong descriptor type).
Result<HubInfo> ParseHubDescriptor(std::span<const uint8_t> bytes);
// wPortStatus's power bit: 0x0100 (PORT_POWER, USB 2) or 0x0200 (PORT_POWER, USB 3).
bool PortPowered(uint16_t port_status, bool usb3);

// One hub's control pipe. LibusbHub is the real one; tests use a fake.
class UsbControl {
 public:
  virtual ~UsbControl() = default;
  // Sends `request`; IN requests fill `data` (request.length bytes at most). Returns bytes moved.
  // Errors: kBadState (stall: the hub refused), kTimeout, kInternal.
  virtual Result<size_t> Transfer(const UsbControlRequest& request, std::span<uint8_t> data, std::chrono::milliseconds timeout) = 0;
  virtual bool usb3() const = 0;
  virtual std::string Describe() const = 0;  // "hub 1-1 (05e3:0610)"
};

// Reads the hub descriptor, checks `port` exists and the hub switches power per port (a ganged hub
// would cut every port: refused with kBadArgument naming the hub), then turns `port` off, confirms
// with GetPortStatus, waits `off_time`, and turns it back on. Errors name the hub and port.
Result<void> PowerCycleHubPort(UsbControl& hub, int port, std::chrono::milliseconds off_time);
Result<void> SetHubPortPower(UsbControl& hub, int port, bool on);

// Opens the hub at sysfs port path `location` ("1-1", "2-1.3", "usb1" for a root hub) through
// libusb. Errors: kNotFound (no such device), kBadArgument (not a hub), kInternal (cannot open,
// with libusb's reason: usually permissions).
Result<std::unique_ptr<UsbControl>> OpenUsbHub(const std::string& location);

}  // namespace hil::board
