#include "hil/board/hub_power.h"

#include <libusb.h>

#include <cstdio>
#include <thread>
#include <vector>

namespace hil::board {
namespace {

constexpr auto kTimeout = std::chrono::milliseconds(1000);

std::string Where(const UsbControl& hub, int port) { return hub.Describe() + " port " + std::to_string(port); }

class LibusbHub final : public UsbControl {
 public:
  LibusbHub(libusb_context* ctx, libusb_device_handle* h, bool usb3, std::string description)
      : ctx_(ctx), h_(h), usb3_(usb3), description_(std::move(description)) {}
  ~LibusbHub() override {
    libusb_close(h_);
    libusb_exit(ctx_);
  }
  Result<size_t> Transfer(const UsbControlRequest& r, std::span<uint8_t> data, std::chrono::milliseconds timeout) override {
    const uint16_t len = std::min<uint16_t>(r.length, static_cast<uint16_t>(std::min<size_t>(data.size(), 0xffff)));
    const int n = libusb_control_transfer(h_, r.request_type, r.request, r.value, r.index, data.data(), len,
                                          static_cast<unsigned>(timeout.count()));
    if (n >= 0) return static_cast<size_t>(n);
    const Status code = n == LIBUSB_ERROR_PIPE ? Status::kBadState : n == LIBUSB_ERROR_TIMEOUT ? Status::kTimeout : Status::kInternal;
    return Fail(code, description_ + ": control request failed: " + libusb_strerror(n));
  }
  bool usb3() const override { return usb3_; }
  std::string Describe() const override { return description_; }

 private:
  libusb_context* ctx_;
  libusb_device_handle* h_;
  bool usb3_;
  std::string description_;
};

}  // namespace

UsbControlRequest HubPortPowerRequest(int port, bool on) {
  return {kHubPortRequestOut, on ? kUsbRequestSetFeature : kUsbRequestClearFeature, kHubFeaturePortPower, static_cast<uint16_t>(port), 0};
}

UsbControlRequest HubPortStatusRequest(int port) { return {kHubPortRequestIn, kUsbRequestGetStatus, 0, static_cast<uint16_t>(port), 4}; }

UsbControlRequest HubDescriptorRequest(bool usb3) {
  return {kHubRequestIn, kUsbRequestGetDescriptor, static_cast<uint16_t>((usb3 ? 0x2a : 0x29) << 8), 0, usb3 ? uint16_t{12} : uint16_t{9}};
}

Result<HubInfo> ParseHubDescriptor(std::span<const uint8_t> b) {
  if (b.size() < 7) return Fail(Status::kBadFrame, "hub descriptor: " + std::to_string(b.size()) + " bytes, need at least 7");
  if (b[1] != 0x29 && b[1] != 0x2a) {
    char t[8];
    std::snprintf(t, sizeof t, "0x%02x", b[1]);
    return Fail(Status::kBadFrame, std::string("hub descriptor: type ") + t + ", expected 0x29 or 0x2a");
  }
  HubInfo info;
  info.ports = b[2];
  const uint16_t characteristics = static_cast<uint16_t>(b[3] | (b[4] << 8));
  info.ganged_power = (characteristics & 0x3) == 0;
  info.per_port_power = (characteristics & 0x3) == 1;
  return info;
}

bool PortPowered(uint16_t port_status, bool usb3) { return (port_status & (usb3 ? 0x0200 : 0x0100)) != 0; }

Result<void> SetHubPortPower(UsbControl& hub, int port, bool on) {
  if (port < 1 || port > 255) return Fail(Status::kBadArgument, Where(hub, port) + ": ports are numbered 1 to 255");
  auto r = hub.Transfer(HubPortPowerRequest(port, on), {}, kTimeout);
  if (!r) return Wrap(r.error(), Where(hub, port) + ": power " + (on ? "on" : "off"));
  return {};
}

Result<void> PowerCycleHubPort(UsbControl& hub, int port, std::chrono::milliseconds off_time) {
  uint8_t desc[16] = {};
  auto n = hub.Transfer(HubDescriptorRequest(hub.usb3()), desc, kTimeout);
  if (!n) return Wrap(n.error(), hub.Describe() + ": reading the hub descriptor");
  auto info = ParseHubDescriptor(std::span<const uint8_t>(desc, *n));
  if (!info) return Wrap(info.error(), hub.Describe());
  if (port < 1 || port > info->ports)
    return Fail(Status::kBadArgument, Where(hub, port) + ": the hub has ports 1 to " + std::to_string(info->ports));
  if (!info->per_port_power)
    return Fail(Status::kBadArgument, hub.Describe() + ": does not switch power per port (" +
                                          (info->ganged_power ? "ganged: all ports at once" : "no power switching") +
                                          "); use a hub uhubctl lists as supporting per-port power");
  if (auto s = SetHubPortPower(hub, port, false); !s) return s;
  uint8_t status[4] = {};
  auto got = hub.Transfer(HubPortStatusRequest(port), status, kTimeout);
  if (!got) return Wrap(got.error(), Where(hub, port) + ": port status");
  if (*got < 4) return Fail(Status::kBadFrame, Where(hub, port) + ": port status: " + std::to_string(*got) + " bytes, expected 4");
  const uint16_t ps = static_cast<uint16_t>(status[0] | (status[1] << 8));
  if (PortPowered(ps, hub.usb3())) {
    // Some hubs report success and keep VBUS on (uhubctl's "compatibility" notes): say so, power back.
    (void)SetHubPortPower(hub, port, true);
    return Fail(Status::kBadState, Where(hub, port) + ": still powered after ClearPortFeature(PORT_POWER): the hub ignores power switching");
  }
  std::this_thread::sleep_for(off_time);
  return SetHubPortPower(hub, port, true);
}

Result<std::unique_ptr<UsbControl>> OpenUsbHub(const std::string& location) {
  libusb_context* ctx = nullptr;
  if (const int rc = libusb_init(&ctx); rc != 0) return Fail(Status::kInternal, std::string("hub ") + location + ": libusb_init: " + libusb_strerror(rc));
  libusb_device** list = nullptr;
  const ssize_t n = libusb_get_device_list(ctx, &list);
  libusb_device* found = nullptr;
  for (ssize_t i = 0; i < n && !found; ++i) {
    uint8_t ports[8];
    const int depth = libusb_get_port_numbers(list[i], ports, sizeof ports);
    const int bus = libusb_get_bus_number(list[i]);
    std::string path;
    if (depth <= 0) {
      path = "usb" + std::to_string(bus);
    } else {
      path = std::to_string(bus) + "-";
      for (int p = 0; p < depth; ++p) path += (p ? "." : "") + std::to_string(ports[p]);
    }
    if (path == location) found = list[i];
  }
  if (!found) {
    if (n >= 0) libusb_free_device_list(list, 1);
    libusb_exit(ctx);
    return Fail(Status::kNotFound, "hub " + location + ": no USB device at that port path");
  }
  libusb_device_descriptor desc{};
  libusb_get_device_descriptor(found, &desc);
  char ids[16];
  std::snprintf(ids, sizeof ids, "%04x:%04x", desc.idVendor, desc.idProduct);
  const std::string description = "hub " + location + " (" + ids + ")";
  if (desc.bDeviceClass != LIBUSB_CLASS_HUB) {
    libusb_free_device_list(list, 1);
    libusb_exit(ctx);
    return Fail(Status::kBadArgument, description + ": not a hub (device class " + std::to_string(desc.bDeviceClass) + ")");
  }
  libusb_device_handle* h = nullptr;
  const int rc = libusb_open(found, &h);
  libusb_free_device_list(list, 1);
  if (rc != 0) {
    libusb_exit(ctx);
    return Fail(Status::kInternal, description + ": cannot open: " + libusb_strerror(rc) + " (root, or a udev rule for the hub)");
  }
  return std::unique_ptr<UsbControl>(new LibusbHub(ctx, h, desc.bcdUSB >= 0x0300, description));
}

}  // namespace hil::board
