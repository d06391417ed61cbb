// Registers of the Cortex-M core shared by every machine we port to (ARMv7-M / ARMv8-M system
// control space), and the per-machine hooks each board file provides.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hil::port {

template <typename T = uint32_t>
inline volatile T& Reg(uintptr_t address) {
  return *reinterpret_cast<volatile T*>(address);
}

// SysTick.
inline constexpr uintptr_t kSysTickCtrl = 0xE000E010;
inline constexpr uintptr_t kSysTickLoad = 0xE000E014;
inline constexpr uintptr_t kSysTickVal = 0xE000E018;
// DWT cycle counter and its enable in DEMCR.
inline constexpr uintptr_t kDemcr = 0xE000EDFC;
inline constexpr uintptr_t kDwtCtrl = 0xE0001000;
inline constexpr uintptr_t kDwtCyccnt = 0xE0001004;
// System control block.
inline constexpr uintptr_t kIcsr = 0xE000ED04;
inline constexpr uint32_t kIcsrPendStSet = 1u << 26;
inline constexpr uintptr_t kAircr = 0xE000ED0C;
inline constexpr uintptr_t kVtor = 0xE000ED08;
inline constexpr uintptr_t kNvicIser = 0xE000E100;  // + 4 * (irq / 32)
inline constexpr uintptr_t kCpacr = 0xE000ED88;

using Vector = void (*)();

// Board hooks (one board_<machine>.cc per machine).
void BoardInit();                      // clocks, UART with its receive interrupt enabled at the UART
void UartWrite(const uint8_t* bytes, size_t size);
int UartRead();                        // next received byte, or -1 when none is waiting
void UartClearRxInterrupt();           // acknowledge the receive interrupt at the UART
int UartRxIrq();                       // the NVIC line of the UART's receive interrupt
const char* BoardId();
uint32_t BoardClockHz();
// The timestamp GPIO a power monitor watches (agent.h Port::timestamp): configures the pin (idling
// high) and says whether the board has one; TimestampPin pulses it low (a falling edge per mark).
bool TimestampPinInit();
void TimestampPin(bool start);

}  // namespace hil::port
