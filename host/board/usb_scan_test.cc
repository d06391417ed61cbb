#include "hil/board/usb_scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace hil::board {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

UsbDevice Dev(uint16_t vid, uint16_t pid, std::string serial, std::string product = "", std::string port = "1-1") {
  UsbDevice d;
  d.vid = vid;
  d.pid = pid;
  d.serial = std::move(serial);
  d.product = std::move(product);
  d.port_path = std::move(port);
  return d;
}

TEST(ClassifyUsbDeviceTest, KnowsProbesAdaptersAndMonitors) {
  struct Case {
    uint16_t vid, pid;
    const char* product;
    UsbRole role;
    const char* name;
  } cases[] = {
      {0x0483, 0x3748, "", UsbRole::kDebugProbe, "ST-LINK/V2"},
      {0x0483, 0x374b, "", UsbRole::kDebugProbe, "ST-LINK/V2-1"},
      {0x0483, 0x374e, "", UsbRole::kDebugProbe, "STLINK-V3"},
      {0x0483, 0x374f, "", UsbRole::kDebugProbe, "STLINK-V3"},
      {0x0483, 0x3753, "", UsbRole::kDebugProbe, "STLINK-V3 (2 VCP)"},
      {0x0d28, 0x0204, "", UsbRole::kDebugProbe, "DAPLink (CMSIS-DAP)"},
      {0x1366, 0x0101, "", UsbRole::kDebugProbe, "SEGGER J-Link"},
      {0x1366, 0x1015, "", UsbRole::kDebugProbe, "SEGGER J-Link"},
      {0x2e8a, 0x000c, "Debugprobe on Pico (CMSIS-DAP)", UsbRole::kDebugProbe, "CMSIS-DAP probe (Debugprobe on Pico (CMSIS-DAP))"},
      {0x1915, 0xc00a, "", UsbRole::kPowerMonitor, "Nordic PPK2"},
      {0x0483, 0x5740, "", UsbRole::kPowerMonitor, "STM32 virtual COM port (X-NUCLEO-LPM01A)"},
      {0x0403, 0x6001, "", UsbRole::kSerialAdapter, "FTDI FT232R"},
      {0x10c4, 0xea60, "", UsbRole::kSerialAdapter, "Silicon Labs CP210x"},
      {0x046d, 0xc077, "USB Optical Mouse", UsbRole::kOther, "USB Optical Mouse"},
  };
  for (const auto& c : cases) {
    const UsbKind k = ClassifyUsbDevice(Dev(c.vid, c.pid, "", c.product));
    EXPECT_EQ(k.role, c.role) << c.name;
    EXPECT_EQ(k.name, c.name);
  }
  EXPECT_EQ(ClassifyUsbDevice(Dev(0x1915, 0xc00a, "")).id, "ppk2");
  EXPECT_EQ(ClassifyUsbDevice(Dev(0x0483, 0x5740, "")).id, "lpm01a");
}

Farm LabFarm() {
  Farm f;
  f.file = "lab.yaml";
  BoardInstance a;
  a.id = "nucleo#1";
  a.probe = "0483:374b:066DFF535254887767184931";
  a.serial_port = "A50285BI";
  a.power_monitor = "ppk2";
  a.line = 3;
  BoardInstance b;
  b.id = "nucleo#2";
  b.probe = "0483:374e";
  b.serial_port = "/nonexistent/ttyACM9";
  b.line = 9;
  BoardInstance c;
  c.id = "any-stlink#1";
  c.probe = "0483:374b";
  c.line = 12;
  f.instances = {a, b, c};
  return f;
}

TEST(MatchFarmTest, PresentMissingAmbiguousUnknown) {
  const std::vector<UsbDevice> devices = {
      Dev(0x0483, 0x374b, "066DFF535254887767184931", "STM32 STLink", "1-1.1"),
      Dev(0x0483, 0x374b, "0671FF3833554B3043164817", "STM32 STLink", "1-1.2"),
      Dev(0x0403, 0x6001, "A50285BI", "FT232R", "1-2"),
      Dev(0x1915, 0xc00a, "C2B5A8F1E3D4", "PPK2", "1-1.4"),
      Dev(0x1366, 0x0105, "000683427651", "J-Link", "1-3"),
      Dev(0x046d, 0xc077, "", "USB Optical Mouse", "1-5"),
  };
  const ScanReport r = MatchFarm(LabFarm(), devices);
  ASSERT_EQ(r.entries.size(), 7u) << r.ToText();
  auto expect = [&](size_t i, ScanEntry::State s, const char* id, const char* field, const char* found) {
    EXPECT_EQ(r.entries[i].state, s) << i << "\n" << r.ToText();
    EXPECT_EQ(r.entries[i].instance_id, id) << i;
    EXPECT_EQ(r.entries[i].field, field) << i;
    EXPECT_THAT(r.entries[i].found, HasSubstr(found)) << i;
  };
  expect(0, ScanEntry::State::kPresent, "nucleo#1", "probe", "0483:374b:066DFF535254887767184931 ST-LINK/V2-1 at 1-1.1");
  expect(1, ScanEntry::State::kPresent, "nucleo#1", "serial_port", "0403:6001:A50285BI FTDI FT232R at 1-2");
  expect(2, ScanEntry::State::kPresent, "nucleo#1", "power_monitor", "1915:c00a:C2B5A8F1E3D4 Nordic PPK2");
  expect(3, ScanEntry::State::kMissing, "nucleo#2", "probe", "");
  expect(4, ScanEntry::State::kMissing, "nucleo#2", "serial_port", "");
  expect(5, ScanEntry::State::kAmbiguous, "any-stlink#1", "probe", "; ");
  expect(6, ScanEntry::State::kUnknown, "", "debug probe", "1366:0105:000683427651 SEGGER J-Link at 1-3");
  EXPECT_EQ(r.missing(), 2);
  EXPECT_THAT(r.ToText(), Not(HasSubstr("Mouse")));
  EXPECT_THAT(r.ToText(), ContainsRegex("missing +nucleo#2 +probe +0483:374e +-"));
}

// libusb enumerating fake devices that umockdev provides (testing/umockdev/farm_devices.umockdev),
// through hil-usb-scan-helper run under umockdev-run.
std::string RunCapture(const std::string& command, int* status) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *status = pclose(p);
  return out;
}

class Umockdev : public ::testing::Test {
 protected:
  void SetUp() override {
    // Not a skip: without umockdev this test cannot show that discovery works.
    ASSERT_EQ(system("command -v umockdev-run >/dev/null 2>&1"), 0)
        << "umockdev-run not found: install the Debian package umockdev (packages/debian.txt lists it)";
    devices_ = std::string(HIL_SOURCE_DIR) + "/host/board/testing/umockdev/farm_devices.umockdev";
    dir_ = std::filesystem::temp_directory_path() / ("hil_umockdev_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "boards");
    std::ofstream(dir_ / "boards" / "nucleo-l4r5zi.yaml") << "name: nucleo-l4r5zi\ncore: cortex-m4\nclock_hz: 120000000\nplatform: stm32l4\n";
    std::ofstream(dir_ / "farm.yaml") << "name: lab\ninstances:\n"
                                         "  - {id: nucleo#1, kind: nucleo-l4r5zi, probe: \"0483:374b:066DFF535254887767184931\",\n"
                                         "     serial_port: A50285BI, link: uart, flasher: openocd, power_monitor: ppk2}\n"
                                         "  - {id: nucleo#2, kind: nucleo-l4r5zi, probe: \"0483:374e:0039003F3137510D33333639\"}\n"
                                         "  - {id: nrf#1, kind: nucleo-l4r5zi, probe: \"0d28:0204\", link: rtt, flasher: pyocd}\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Run(const std::string& args, int* status) {
    return RunCapture("umockdev-run --device " + devices_ + " -- " + HIL_USB_SCAN_HELPER + " " + args + " 2>&1", status);
  }
  std::string devices_;
  std::filesystem::path dir_;
};

TEST_F(Umockdev, LibusbSeesTheFakeDevicesWithSerialsFromSysfs) {
  int status = -1;
  const std::string out = Run("", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_THAT(out, HasSubstr("device 0483:374b:066DFF535254887767184931 ST-LINK/V2-1 at 1-1.1 role=debug probe"));
  EXPECT_THAT(out, HasSubstr("device 0d28:0204:0240000034544e45001b00028aa9001e4b51000097969900 DAPLink (CMSIS-DAP) at 1-1.3 role=debug probe"));
  EXPECT_THAT(out, HasSubstr("device 1366:0105:000683427651 SEGGER J-Link at 1-3 role=debug probe"));
  EXPECT_THAT(out, HasSubstr("device 2e8a:000c:E6614C311B5A8E21 CMSIS-DAP probe (Debugprobe on Pico (CMSIS-DAP)) at 1-4 role=debug probe"));
  EXPECT_THAT(out, HasSubstr("device 1915:c00a:C2B5A8F1E3D4 Nordic PPK2 at 1-1.4 role=power monitor"));
  EXPECT_THAT(out, HasSubstr("device 0403:6001:A50285BI FTDI FT232R at 1-2 role=USB-serial adapter"));
  EXPECT_THAT(out, HasSubstr("device 05e3:0610 USB hub at 1-1 role=hub"));
  EXPECT_THAT(out, HasSubstr("device 046d:c077 USB Optical Mouse at 1-5 role=other"));
}

TEST_F(Umockdev, ScanMatchesTheFarmFile) {
  int status = -1;
  const std::string all = Run((dir_ / "farm.yaml").string() + " " + (dir_ / "boards").string(), &status);
  ASSERT_EQ(status, 0) << all;
  ASSERT_NE(all.find("STATE"), std::string::npos) << all;
  const std::string out = all.substr(all.find("STATE"));  // the report, after the device list
  EXPECT_THAT(out, ContainsRegex("present +nucleo#1 +probe +0483:374b:066DFF535254887767184931 +0483:374b:066DFF535254887767184931 ST-LINK/V2-1 at 1-1.1"));
  EXPECT_THAT(out, ContainsRegex("present +nucleo#1 +serial_port +A50285BI +0403:6001:A50285BI FTDI FT232R at 1-2"));
  EXPECT_THAT(out, ContainsRegex("present +nucleo#1 +power_monitor +ppk2 +1915:c00a:C2B5A8F1E3D4 Nordic PPK2 at 1-1.4"));
  EXPECT_THAT(out, ContainsRegex("missing +nucleo#2 +probe +0483:374e:0039003F3137510D33333639 +-"));
  EXPECT_THAT(out, ContainsRegex("present +nrf#1 +probe +0d28:0204 +0d28:0204:0240000034544e45"));
  EXPECT_THAT(out, ContainsRegex("unknown +- +debug probe +- +0483:374b:0671FF3833554B3043164817 ST-LINK/V2-1 at 1-1.2"));
  EXPECT_THAT(out, ContainsRegex("unknown +- +debug probe +- +1366:0105:000683427651 SEGGER J-Link at 1-3"));
  EXPECT_THAT(out, ContainsRegex("unknown +- +debug probe +- +2e8a:000c:E6614C311B5A8E21"));
  EXPECT_THAT(out, Not(HasSubstr("Mouse")));
  EXPECT_THAT(out, Not(HasSubstr("05e3:0610")));
}

TEST_F(Umockdev, HubLookupByPortPath) {
  int status = -1;
  std::string out = Run("--hub 1-9", &status);
  EXPECT_THAT(out, HasSubstr("error: hub 1-9: no USB device at that port path (not found)"));
  out = Run("--hub 1-1.1", &status);
  EXPECT_THAT(out, HasSubstr("error: hub 1-1.1 (0483:374b): not a hub (device class 239) (bad argument)"));
  out = Run("--hub 1-1", &status);
  EXPECT_THAT(out, HasSubstr("opened hub 1-1 (05e3:0610) usb3=0"));
}

}  // namespace
}  // namespace hil::board
