// hil-usb-scan-helper --hub LOCATION [PORT]: opens the hub (and power-cycles PORT), printing the result.
// hil-usb-scan-helper [FARM BOARDS_DIR]: prints every USB device libusb sees ("device <vid:pid...>
// role=<role>"), then, given a farm file and the board kinds folder, the scan report. The tests run it
// under umockdev-run with fake devices. Exit status: 0, or 2 on an error (printed).
#include <cstdio>

#include <cstdlib>
#include <string>

#include "hil/board/board_kind.h"
#include "hil/board/hub_power.h"
#include "hil/board/usb_scan.h"

int main(int argc, char** argv) {
  using namespace hil::board;
  if (argc >= 3 && std::string(argv[1]) == "--hub") {
    auto hub = OpenUsbHub(argv[2]);
    if (!hub) {
      std::printf("error: %s (%s)\n", hub.error().message.c_str(), hil::StatusName(hub.error().code));
      return 2;
    }
    std::printf("opened %s usb3=%d\n", (*hub)->Describe().c_str(), (*hub)->usb3() ? 1 : 0);
    if (argc >= 4) {
      auto r = PowerCycleHubPort(**hub, std::atoi(argv[3]), std::chrono::milliseconds(10));
      if (!r) {
        std::printf("error: %s (%s)\n", r.error().message.c_str(), hil::StatusName(r.error().code));
        return 2;
      }
      std::printf("power-cycled port %s\n", argv[3]);
    }
    return 0;
  }
  auto devices = ListUsbDevices();
  if (!devices) {
    std::printf("error: %s\n", devices.error().message.c_str());
    return 2;
  }
  for (const auto& d : *devices)
    std::printf("device %s role=%s product=%s\n", DescribeUsbDevice(d).c_str(), UsbRoleName(ClassifyUsbDevice(d).role), d.product.c_str());
  if (argc >= 3) {
    auto kinds = LoadBoardKinds(argv[2]);
    if (!kinds) {
      std::printf("error: %s\n", kinds.error().message.c_str());
      return 2;
    }
    auto farm = LoadFarm(argv[1], *kinds);
    if (!farm) {
      std::printf("error: %s\n", farm.error().message.c_str());
      return 2;
    }
    std::printf("%s", MatchFarm(*farm, *devices).ToText().c_str());
  }
  return 0;
}
