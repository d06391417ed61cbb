// The TI Stellaris LM3S6965 evaluation board: UART0 is a PL011-style UART at 0x4000C000, clocked after
// its gate in SYSCTL RCGC1 is opened.
#include "cortex_m.h"

namespace hil::port {
namespace {
constexpr uintptr_t kRcgc1 = 0x400FE104;
constexpr uintptr_t kUart = 0x4000C000;
constexpr uintptr_t kDr = kUart + 0x000;
constexpr uintptr_t kFr = kUart + 0x018;  // bit 4 RX FIFO empty, bit 5 TX FIFO full
constexpr uintptr_t kIbrd = kUart + 0x024;
constexpr uintptr_t kFbrd = kUart + 0x028;
constexpr uintptr_t kLcrh = kUart + 0x02C;
constexpr uintptr_t kCtl = kUart + 0x030;
constexpr uintptr_t kImsc = kUart + 0x038;  // bit 4 RX interrupt mask
constexpr uintptr_t kIcr = kUart + 0x044;
constexpr int kUart0Irq = 5;
}  // namespace

void BoardInit() {
  Reg(kRcgc1) |= 1u;  // UART0 clock gate
  Reg(kCtl) = 0;
  // HIL_UART_BAUD from the 12 MHz reset clock, divisor 12e6 / (16 * baud) in 1/64ths: 115200 baud
  // -> 6.51 -> 6 + 33/64; 9600 (MLPerf Tiny's energy mode) -> 78.125 -> 78 + 8/64.
  constexpr uint32_t kDivisor64 = (12000000u * 4u + HIL_UART_BAUD / 2) / HIL_UART_BAUD;  // 64 x 12e6 / (16 x baud)
  Reg(kIbrd) = kDivisor64 / 64;
  Reg(kFbrd) = kDivisor64 % 64;
  // 8 bits, FIFOs off: with the FIFO on, the RX interrupt waits for it to fill to its trigger level.
  Reg(kLcrh) = (0x3u << 5);
  Reg(kImsc) = 1u << 4;
  Reg(kCtl) = (1u << 0) | (1u << 8) | (1u << 9);
}

void UartWrite(const uint8_t* bytes, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    while (Reg(kFr) & (1u << 5)) {
    }
    Reg(kDr) = bytes[i];
  }
}

int UartRead() {
  if (Reg(kFr) & (1u << 4)) return -1;
  return static_cast<int>(Reg(kDr) & 0xFFu);
}

void UartClearRxInterrupt() { Reg(kIcr) = 1u << 4; }
int UartRxIrq() { return kUart0Irq; }

// No pin is wired for a power monitor on these boards (nothing observes one under QEMU).
bool TimestampPinInit() { return false; }
void TimestampPin(bool) {}

const char* BoardId() { return HIL_BOARD_ID; }
uint32_t BoardClockHz() { return HIL_CLOCK_HZ; }

}  // namespace hil::port
