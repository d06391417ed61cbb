#include "hil/board/hub_power.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace hil::board {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

TEST(HubRequests, PortPowerIsSetOrClearFeatureEightOnThePort) {
  // bmRequestType 0x23 (host-to-device, class, other), bRequest 3 SET_FEATURE / 1 CLEAR_FEATURE,
  // wValue 8 PORT_POWER, wIndex the port, no data: what uhubctl sends.
  EXPECT_EQ(HubPortPowerRequest(3, true), (UsbControlRequest{0x23, 0x03, 0x0008, 3, 0}));
  EXPECT_EQ(HubPortPowerRequest(3, false), (UsbControlRequest{0x23, 0x01, 0x0008, 3, 0}));
  EXPECT_EQ(HubPortPowerRequest(7, false).index, 7);
  EXPECT_EQ(HubPortStatusRequest(2), (UsbControlRequest{0xa3, 0x00, 0, 2, 4}));
  EXPECT_EQ(HubDescriptorRequest(false), (UsbControlRequest{0xa0, 0x06, 0x2900, 0, 9}));
  EXPECT_EQ(HubDescriptorRequest(true), (UsbControlRequest{0xa0, 0x06, 0x2a00, 0, 12}));
}

TEST(HubDescriptor, ReadsPortsAndPowerSwitching) {
  const uint8_t per_port[] = {0x09, 0x29, 0x04, 0x09, 0x00, 0x32, 0x64, 0x00, 0xff};  // wHubCharacteristics 0x0009
  auto a = ParseHubDescriptor(per_port);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->ports, 4);
  EXPECT_TRUE(a->per_port_power);
  const uint8_t ganged[] = {0x09, 0x29, 0x07, 0xe0, 0x00, 0x32, 0x64, 0x00, 0xff};  // 0x00e0: ganged
  auto b = ParseHubDescriptor(ganged);
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->per_port_power);
  EXPECT_TRUE(b->ganged_power);
  const uint8_t not_hub[] = {0x12, 0x01, 0x00, 0x02, 0x09, 0x00, 0x01};
  auto c = ParseHubDescriptor(not_hub);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Status::kBadFrame);
  EXPECT_FALSE(ParseHubDescriptor(std::span<const uint8_t>(per_port, 3)).has_value());
}

TEST(HubDescriptor, PowerBitDependsOnUsbGeneration) {
  EXPECT_TRUE(PortPowered(0x0103, false));
  EXPECT_FALSE(PortPowered(0x0003, false));
  EXPECT_TRUE(PortPowered(0x0203, true));
  EXPECT_FALSE(PortPowered(0x0103, true));
}

// A hub that records requests and keeps per-port power state.
class FakeHub final : public UsbControl {
 public:
  explicit FakeHub(std::vector<uint8_t> descriptor) : descriptor_(std::move(descriptor)) {}
  Result<size_t> Transfer(const UsbControlRequest& r, std::span<uint8_t> data, std::chrono::milliseconds) override {
    log.push_back(r);
    if (r.request == kUsbRequestGetDescriptor) {
      const size_t n = std::min<size_t>({descriptor_.size(), data.size(), r.length});
      std::memcpy(data.data(), descriptor_.data(), n);
      return n;
    }
    if (r.request_type == kHubPortRequestOut && r.value == kHubFeaturePortPower) {
      if (r.request == kUsbRequestClearFeature && !ignores_power) powered[r.index] = false;
      if (r.request == kUsbRequestSetFeature) powered[r.index] = true;
      return 0;
    }
    if (r.request_type == kHubPortRequestIn && r.request == kUsbRequestGetStatus) {
      const uint16_t status = 0x0003 | (powered[r.index] ? 0x0100 : 0);
      data[0] = status & 0xff;
      data[1] = status >> 8;
      data[2] = data[3] = 0;
      return 4;
    }
    return Fail(Status::kBadState, "fake hub: stall");
  }
  bool usb3() const override { return false; }
  std::string Describe() const override { return "hub 1-1 (05e3:0610)"; }

  std::vector<UsbControlRequest> log;
  bool powered[256] = {};
  bool ignores_power = false;

 private:
  std::vector<uint8_t> descriptor_;
};

const std::vector<uint8_t> kPerPort = {0x09, 0x29, 0x04, 0x09, 0x00, 0x32, 0x64, 0x00, 0xff};

TEST(PowerCycle, OffThenConfirmedThenOn) {
  FakeHub hub(kPerPort);
  hub.powered[2] = true;
  ASSERT_TRUE(PowerCycleHubPort(hub, 2, 1ms).has_value());
  ASSERT_EQ(hub.log.size(), 4u);
  EXPECT_EQ(hub.log[0], HubDescriptorRequest(false));
  EXPECT_EQ(hub.log[1], HubPortPowerRequest(2, false));
  EXPECT_EQ(hub.log[2], HubPortStatusRequest(2));
  EXPECT_EQ(hub.log[3], HubPortPowerRequest(2, true));
  EXPECT_TRUE(hub.powered[2]);
}

TEST(PowerCycle, RefusesGangedHubsAndMissingPorts) {
  FakeHub ganged({0x09, 0x29, 0x04, 0xe0, 0x00, 0x32, 0x64, 0x00, 0xff});
  auto g = PowerCycleHubPort(ganged, 1, 1ms);
  ASSERT_FALSE(g.has_value());
  EXPECT_EQ(g.error().code, Status::kBadArgument);
  EXPECT_THAT(g.error().message, HasSubstr("ganged"));
  EXPECT_EQ(ganged.log.size(), 1u);  // nothing but the descriptor: no port lost power

  FakeHub hub(kPerPort);
  auto p = PowerCycleHubPort(hub, 5, 1ms);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, Status::kBadArgument);
  EXPECT_THAT(p.error().message, HasSubstr("hub 1-1 (05e3:0610) port 5: the hub has ports 1 to 4"));
}

TEST(PowerCycle, HubThatIgnoresPowerSwitchingIsReported) {
  FakeHub hub(kPerPort);
  hub.ignores_power = true;
  hub.powered[1] = true;
  auto r = PowerCycleHubPort(hub, 1, 1ms);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kBadState);
  EXPECT_THAT(r.error().message, HasSubstr("still powered"));
  EXPECT_EQ(hub.log.back(), HubPortPowerRequest(1, true));  // left powered on
}

TEST(PowerCycle, PortZeroIsRejected) {
  FakeHub hub(kPerPort);
  auto r = SetHubPortPower(hub, 0, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kBadArgument);
  EXPECT_TRUE(hub.log.empty());
}


// The same power cycle through libusb against umockdev's usbdevfs replay: a usbmon capture
// (DLT_USB_LINUX_MMAPPED pcap, as Wireshark saves one) of the four control transfers is written here,
// and umockdev-run answers libusb's URBs from it. The capture is the expected traffic: the replay only
// completes when libusb submits exactly these transfers (type, endpoint, length) in this order.
namespace pcap {

void Put(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// One usbmon record: 64-byte mmapped header, then `data`.
std::string Record(uint64_t id, char event, const UsbControlRequest& r, int status, uint32_t urb_len, const std::string& data,
                   uint32_t t_us) {
  std::string h;
  Put(h, id, 8);
  h.push_back(event);
  h.push_back(2);  // control
  h.push_back(0);  // endpoint 0 (libusb submits control URBs on endpoint 0)
  h.push_back(2);  // device address of hub 1-1 in farm_devices.umockdev
  Put(h, 1, 2);    // bus 1
  h.push_back(event == 'S' ? 0 : '-');  // setup present on submit
  h.push_back(data.empty() ? '<' : 0);
  Put(h, 0, 8);
  Put(h, t_us, 4);
  Put(h, static_cast<uint32_t>(status), 4);
  Put(h, urb_len, 4);
  Put(h, data.size(), 4);
  h.push_back(static_cast<char>(r.request_type));
  h.push_back(static_cast<char>(r.request));
  Put(h, r.value, 2);
  Put(h, r.index, 2);
  Put(h, r.length, 2);
  Put(h, 0, 16);  // interval, start_frame, xfer_flags, ndesc
  std::string rec;
  Put(rec, 0, 4);
  Put(rec, t_us, 4);
  Put(rec, h.size() + data.size(), 4);
  Put(rec, h.size() + data.size(), 4);
  return rec + h + data;
}

std::string Setup(const UsbControlRequest& r) {
  std::string s;
  s.push_back(static_cast<char>(r.request_type));
  s.push_back(static_cast<char>(r.request));
  Put(s, r.value, 2);
  Put(s, r.index, 2);
  Put(s, r.length, 2);
  return s;
}

// Submit and completion of one control transfer, as usbmon records them: urb_len is wLength on submit
// (umockdev 0.17.16 adds the 8-byte setup packet when it compares with libusb's URB) and the
// completion carries the data stage only.
std::string Transfer(uint64_t id, const UsbControlRequest& r, const std::string& reply, uint32_t t_us) {
  return Record(id, 'S', r, -115 /* -EINPROGRESS */, r.length, "", t_us) +
         Record(id, 'C', r, 0, static_cast<uint32_t>(reply.size()), reply, t_us + 100);
}

std::string HubPowerCycleCapture(int port) {
  std::string file;
  Put(file, 0xa1b2c3d4, 4);
  Put(file, 2, 2);
  Put(file, 4, 2);
  Put(file, 0, 8);
  Put(file, 65535, 4);
  Put(file, 220, 4);  // LINKTYPE_USB_LINUX_MMAPPED
  const std::string descriptor("\x09\x29\x04\x09\x00\x32\x64\x00\xff", 9);  // 4 ports, per-port power
  file += Transfer(0x1001, HubDescriptorRequest(false), descriptor, 1000);
  file += Transfer(0x1002, HubPortPowerRequest(port, false), "", 2000);
  file += Transfer(0x1003, HubPortStatusRequest(port), std::string("\x01\x00\x00\x00", 4), 3000);  // connected, unpowered
  file += Transfer(0x1004, HubPortPowerRequest(port, true), "", 4000);
  return file;
}

}  // namespace pcap

// Runs `hil-usb-scan-helper --hub 1-1 <port>` under umockdev-run with the capture for port 3.
std::string PowerCycleUnderUmockdev(int port, int* status) {
  const auto capture = std::filesystem::temp_directory_path() / ("hil_hub_" + std::to_string(getpid()) + ".pcap");
  std::ofstream(capture, std::ios::binary) << pcap::HubPowerCycleCapture(3);
  const std::string devices = std::string(HIL_SOURCE_DIR) + "/host/board/testing/umockdev/farm_devices.umockdev";
  const std::string command = "umockdev-run --device " + devices + " --pcap /sys/devices/pci0000:00/0000:00:14.0/usb1/1-1=" +
                              capture.string() + " -- timeout 20 " + HIL_USB_SCAN_HELPER + " --hub 1-1 " + std::to_string(port) +
                              " 2>&1";
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return "popen failed";
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = pclose(p);
  std::filesystem::remove(capture);
  return out;
}

class PowerCycleUmockdev : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(system("command -v umockdev-run >/dev/null 2>&1"), 0)
        << "umockdev-run not found: install the Debian package umockdev (packages/debian.txt lists it)";
  }
};

TEST_F(PowerCycleUmockdev, LibusbSendsTheHubRequests) {
  int status = -1;
  const std::string out = PowerCycleUnderUmockdev(3, &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_THAT(out, HasSubstr("opened hub 1-1 (05e3:0610) usb3=0"));
  EXPECT_THAT(out, HasSubstr("power-cycled port 3"));
}

TEST_F(PowerCycleUmockdev, ReplayRejectsRequestsForAnotherPort) {
  // umockdev matches each submitted setup packet against the capture: ClearPortFeature for port 2
  // is not the recorded one for port 3, so the transfer never completes (libusb times out).
  int status = -1;
  const std::string out = PowerCycleUnderUmockdev(2, &status);
  EXPECT_NE(status, 0) << out;
  EXPECT_THAT(out, HasSubstr("error: hub 1-1 (05e3:0610) port 2: power off"));
  EXPECT_THAT(out, Not(HasSubstr("power-cycled")));
}

}  // namespace
}  // namespace hil::board
