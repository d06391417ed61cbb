// Reset and vector table for every Cortex-M machine: copy .data, zero .bss, paint the stack for the
// high-water mark, enable the FPU/MVE coprocessors where the core has them, then run main().
#include <cstdint>
#include <cstring>

#include "cortex_m.h"

extern "C" {
extern uint32_t __data_load__, __data_start__, __data_end__;
extern uint32_t __bss_start__, __bss_end__;
extern uint32_t __stack_bottom__, __stack_top__;
extern void (*__init_array_start)();
extern void (*__init_array_end)();
int main();
void SysTick_Handler();

[[noreturn]] void Reset_Handler();
[[noreturn]] void Fault_Handler();
}

namespace {
constexpr uint32_t kStackPaint = 0xA5A5A5A5u;
}

extern "C" void Reset_Handler() {
  // First of all: the compiler may use FPU or MVE (Helium) instructions even in the copy loops below
  // (auto-vectorised on the M55), and they fault with NOCP until CP10/CP11 are enabled.
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  // CP10/CP11 full access: the FPU, and on Armv8.1-M the MVE (Helium) unit.
  hil::port::Reg(hil::port::kCpacr) |= (0xFu << 20);
  asm volatile("dsb\n isb");
#endif
  uint32_t* src = &__data_load__;
  for (uint32_t* dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0;
  // Paint the stack below the current frame; 64 bytes of margin for this function's own frame.
  uint32_t sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t* p = &__stack_bottom__; reinterpret_cast<uint32_t>(p) < sp - 64; ++p) *p = kStackPaint;
  for (void (**f)() = &__init_array_start; f < &__init_array_end; ++f) (*f)();
  main();
  for (;;) {
  }
}

extern "C" void Fault_Handler() {
  // A broken invariant: nothing to report to yet, so stop here; the host sees no answer and resets us.
  for (;;) {
  }
}

extern "C" void Default_Handler() {
  for (;;) {
  }
}

using hil::port::Vector;

extern "C" __attribute__((section(".vectors"), used)) const Vector kVectors[16] = {
    reinterpret_cast<Vector>(&__stack_top__),
    Reset_Handler,
    Default_Handler,  // NMI
    Fault_Handler,    // HardFault
    Fault_Handler,    // MemManage
    Fault_Handler,    // BusFault
    Fault_Handler,    // UsageFault
    Fault_Handler,    // SecureFault (v8-M)
    nullptr,
    nullptr,
    nullptr,
    Default_Handler,  // SVCall
    Default_Handler,  // DebugMonitor
    nullptr,
    Default_Handler,  // PendSV
    SysTick_Handler,
};

// No heap on the target: newlib's allocator (pulled in by its stdio) gets nothing.
extern "C" void* _sbrk(int) { return reinterpret_cast<void*>(-1); }
