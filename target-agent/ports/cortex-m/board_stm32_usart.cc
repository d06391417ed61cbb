// STM32F4 boards whose console is USART2 on PA2 (TX) / PA3 (RX): the ST-LINK virtual COM port of the
// NUCLEO-64 boards (NUCLEO-F411RE, -F446RE, ...). The core runs on the 16 MHz HSI oscillator it
// starts on after reset: the port does not start the PLL, so figures are taken at 16 MHz and the
// flash needs no wait states. Register layout: RM0383 (STM32F411) / RM0090 (STM32F405/407).
//
// QEMU's netduinoplus2 (STM32F405) models USART2 at the same address with the same registers and
// interrupt, and ignores RCC and GPIO writes (unimplemented devices): the same code runs there, which
// is how this port is tested without a board. There the build's clock is QEMU's 168 MHz SYSCLK.
//
// Timestamp GPIO: PA10 (Arduino D2 on the NUCLEO-64 headers), push-pull output idling high, pulsed
// low for about 20 us at the start and at the end of the timed inferences of each INVOKE (MLPerf
// Tiny asks for at least 1 us; 20 us is two samples of a PPK2's logic port at 100 kHz).
#include "cortex_m.h"

#if !defined(HIL_UART_BASE) || !defined(HIL_UART_RX_IRQ)
#error "HIL_UART_BASE and HIL_UART_RX_IRQ must be defined by the board build"
#endif

namespace hil::port {
namespace {
constexpr uintptr_t kRcc = 0x40023800;
constexpr uintptr_t kRccAhb1Enr = kRcc + 0x30;  // bit 0 GPIOA
constexpr uintptr_t kRccApb1Enr = kRcc + 0x40;  // bit 17 USART2
constexpr uintptr_t kGpioA = 0x40020000;
constexpr uintptr_t kGpioModer = kGpioA + 0x00;  // 2 bits per pin: 01 output, 10 alternate function
constexpr uintptr_t kGpioBsrr = kGpioA + 0x18;   // bits 0..15 set, 16..31 reset
constexpr uintptr_t kGpioAfrl = kGpioA + 0x20;   // 4 bits per pin 0..7: alternate function number
constexpr uintptr_t kSr = HIL_UART_BASE + 0x00;  // bit 5 RXNE, bit 7 TXE, bit 3 ORE
constexpr uintptr_t kDr = HIL_UART_BASE + 0x04;
constexpr uintptr_t kBrr = HIL_UART_BASE + 0x08;
constexpr uintptr_t kCr1 = HIL_UART_BASE + 0x0C;  // bit 13 UE, bit 5 RXNEIE, bit 3 TE, bit 2 RE
constexpr int kTimestampPin = 10;
constexpr uint32_t kUsartClockHz = 16000000;  // APB1 = HSI after reset (no prescaler)
}  // namespace

void BoardInit() {
  Reg(kRccAhb1Enr) |= 1u << 0;
  Reg(kRccApb1Enr) |= 1u << 17;
  const uint32_t readback = Reg(kRccApb1Enr);  // read back: the clock is on before the peripheral is touched
  (void)readback;
  // PA2, PA3: alternate function 7 (USART2).
  Reg(kGpioModer) = (Reg(kGpioModer) & ~(0xFu << 4)) | (0xAu << 4);
  Reg(kGpioAfrl) = (Reg(kGpioAfrl) & ~(0xFFu << 8)) | (0x77u << 8);
  // HIL_UART_BAUD with 16x oversampling, BRR = clock / baud rounded: 115200 -> 138.9 -> 139
  // (mantissa 8, fraction 11); 9600 (MLPerf Tiny's energy mode) -> 1666.7 -> 1667.
  Reg(kBrr) = (kUsartClockHz + HIL_UART_BAUD / 2) / HIL_UART_BAUD;
  Reg(kCr1) = (1u << 13) | (1u << 5) | (1u << 3) | (1u << 2);
}

void UartWrite(const uint8_t* bytes, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    while (!(Reg(kSr) & (1u << 7))) {
    }
    Reg(kDr) = bytes[i];
  }
}

int UartRead() {
  // RXNE, or an overrun (ORE keeps the interrupt asserted until SR then DR are read).
  if (!(Reg(kSr) & ((1u << 5) | (1u << 3)))) return -1;
  return static_cast<int>(Reg(kDr) & 0xFFu);
}

// Reading DR (in UartRead) is what clears RXNE; nothing to do before draining.
void UartClearRxInterrupt() {}
int UartRxIrq() { return HIL_UART_RX_IRQ; }

bool TimestampPinInit() {
  Reg(kGpioBsrr) = 1u << kTimestampPin;  // high before it becomes an output: no spurious edge
  Reg(kGpioModer) = (Reg(kGpioModer) & ~(0x3u << (2 * kTimestampPin))) | (0x1u << (2 * kTimestampPin));
  return true;
}

void TimestampPin(bool) {
  Reg(kGpioBsrr) = 1u << (16 + kTimestampPin);
  // About 20 us: HIL_CLOCK_HZ / 50000 cycles, at least 4 cycles per turn of this loop.
  for (volatile uint32_t i = 0; i < HIL_CLOCK_HZ / 200000u; ++i) {
  }
  Reg(kGpioBsrr) = 1u << kTimestampPin;
}

const char* BoardId() { return HIL_BOARD_ID; }
uint32_t BoardClockHz() { return HIL_CLOCK_HZ; }

}  // namespace hil::port
