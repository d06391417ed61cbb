// Boards whose console is an Arm CMSDK APB UART: the MPS2 FPGA images (AN385 M3, AN386 M4, AN500 M7)
// at 0x40004000 and the MPS3 AN547 (M55) at 0x49303000. Base, clock and name come from the build.
#include "cortex_m.h"

#if !defined(HIL_UART_BASE) || !defined(HIL_UART_RX_IRQ)
#error "HIL_UART_BASE and HIL_UART_RX_IRQ must be defined by the board build"
#endif

namespace hil::port {
namespace {
constexpr uintptr_t kData = HIL_UART_BASE + 0x00;
constexpr uintptr_t kState = HIL_UART_BASE + 0x04;  // bit 0 TX full, bit 1 RX full
constexpr uintptr_t kCtrl = HIL_UART_BASE + 0x08;   // bit 0 TX enable, bit 1 RX enable, bit 3 RX interrupt
constexpr uintptr_t kIntClear = HIL_UART_BASE + 0x0C;  // write 1 to bit 1: clear the RX interrupt
constexpr uintptr_t kBaudDiv = HIL_UART_BASE + 0x10;
}  // namespace

void BoardInit() {
  Reg(kBaudDiv) = HIL_CLOCK_HZ / HIL_UART_BAUD;  // the CMSDK UART needs at least 16; the value is ignored by QEMU
  Reg(kCtrl) = 0x3 | (1u << 3);
}

void UartWrite(const uint8_t* bytes, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    while (Reg(kState) & 0x1u) {
    }
    Reg(kData) = bytes[i];
  }
}

int UartRead() {
  if (Reg(kState) & 0x2u) return static_cast<int>(Reg(kData) & 0xFFu);
  return -1;
}

void UartClearRxInterrupt() { Reg(kIntClear) = 0x2; }
int UartRxIrq() { return HIL_UART_RX_IRQ; }

// No pin is wired for a power monitor on these boards (nothing observes one under QEMU).
bool TimestampPinInit() { return false; }
void TimestampPin(bool) {}

const char* BoardId() { return HIL_BOARD_ID; }
uint32_t BoardClockHz() { return HIL_CLOCK_HZ; }

}  // namespace hil::port
