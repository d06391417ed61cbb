// The agent on a Cortex-M board: UART byte loop, SysTick/DWT cycle counter, stack high-water mark.
#include <cstdint>
#include <cstring>

#include "cortex_m.h"
#include "hil/agent/agent.h"
#include "hil/agent/mlperf_dut.h"
#include "hil/agent/rtt.h"
#if HIL_AGENT_TFLM
#include "hil/agent/tflm_engine.h"
#endif

#ifdef HIL_MLPERF_MODEL_ID
extern const uint8_t kMlperfModel[];
extern const size_t kMlperfModelBytes;
#endif

#ifndef HIL_ARENA_BYTES
#define HIL_ARENA_BYTES (128 * 1024)
#endif
#ifndef HIL_MODEL_BYTES
#define HIL_MODEL_BYTES (384 * 1024)
#endif
#ifndef HIL_MAX_PAYLOAD
#define HIL_MAX_PAYLOAD 1024
#endif
#ifndef HIL_RTT_UP_BYTES
#define HIL_RTT_UP_BYTES 2048
#endif
#ifndef HIL_RTT_DOWN_BYTES
#define HIL_RTT_DOWN_BYTES 4096
#endif

extern "C" {
// The RTT control block under the name probes look for.
hil::agent::RttControlBlock _SEGGER_RTT;
// The model buffer and the engine's arena, under names the host reads from the ELF's symbol table
// (`hil inspect --board`: whether a model and its plan fit this firmware).
alignas(16) uint8_t hil_model_buffer[HIL_MODEL_BYTES];
alignas(16) uint8_t hil_arena[HIL_ARENA_BYTES];
extern uint32_t __data_start__, __bss_end__;
extern uint32_t __stack_bottom__, __stack_top__;
}

namespace {

using namespace hil::port;

constexpr uint32_t kMaxPayload = HIL_MAX_PAYLOAD;

uint8_t g_rx[hil::agent::RxBytesFor(kMaxPayload)];
uint8_t g_tx[hil::agent::RxBytesFor(kMaxPayload)];
uint8_t g_scratch[hil::agent::ScratchBytesFor(kMaxPayload)];
uint8_t g_response[kMaxPayload];

uint8_t g_rtt_up[HIL_RTT_UP_BYTES];
uint8_t g_rtt_down[HIL_RTT_DOWN_BYTES];
// The link the last request byte came from gets the responses: the host uses one link at a time.
bool g_reply_on_rtt = false;

constexpr uint32_t kSysTickPeriod = 1u << 20;
volatile uint32_t g_systick_wraps = 0;

// Bytes from the UART's receive interrupt. The main loop polls this and the RTT rings, both plain RAM:
// polling the UART's registers instead would keep QEMU's I/O lock busy and stall its pty for
// hundreds of milliseconds at a time (measured: request round trips of 4 ms to 750 ms).
// The host sends one request at a time (and may repeat it), so two frames of the largest size fit.
constexpr uint32_t RingBytesFor(uint32_t frame_bytes) {
  uint32_t n = 64;
  while (n < 2 * frame_bytes) n *= 2;
  return n;
}
constexpr uint32_t kRxRingBytes = RingBytesFor(hil::agent::RxBytesFor(HIL_MAX_PAYLOAD));
uint8_t g_rx_ring[kRxRingBytes];
volatile uint32_t g_rx_head = 0;  // written by the interrupt
volatile uint32_t g_rx_tail = 0;  // written by the main loop

// The next byte the UART interrupt put in the ring, or -1 when it is empty (main loop only).
int UartRingRead() {
  const uint32_t tail = g_rx_tail;
  if (tail == g_rx_head) return -1;
  const uint8_t byte = g_rx_ring[tail % kRxRingBytes];
  g_rx_tail = tail + 1;
  return byte;
}
volatile uint32_t g_rx_overruns = 0;

// The vector table in RAM, so the board's UART line gets its handler without a per-board table.
constexpr int kMaxIrqs = 64;
alignas(512) void (*g_vectors[16 + kMaxIrqs])();
bool g_use_dwt = false;

// DWT CYCCNT where it counts; QEMU 7.2 implements the registers as zero, so check that it moves.
bool DwtCounts() {
  Reg(kDemcr) |= (1u << 24);  // TRCENA
  Reg(kDwtCyccnt) = 0;
  Reg(kDwtCtrl) |= 1u;        // CYCCNTENA
  const uint32_t a = Reg(kDwtCyccnt);
  for (volatile int i = 0; i < 100; ++i) {
  }
  return Reg(kDwtCyccnt) != a;
}

void StartCounters() {
  g_use_dwt = DwtCounts();
  // SysTick on the processor clock, interrupt on wrap to extend it to 64 bits. 2^20 ticks per wrap
  // keeps AlignCounter's wait short on a real board (42 ms at 25 MHz) and the interrupt rare.
  Reg(kSysTickLoad) = kSysTickPeriod - 1;
  Reg(kSysTickVal) = 0;
  Reg(kSysTickCtrl) = 0x7u;  // CLKSOURCE=core, TICKINT, ENABLE
}

uint32_t StackBytes() {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&__stack_top__) -
                               reinterpret_cast<uintptr_t>(&__stack_bottom__));
}

uint32_t StackUsed() {
  const uint32_t* p = &__stack_bottom__;
  const uint32_t* top = &__stack_top__;
  while (p < top && *p == 0xA5A5A5A5u) ++p;
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(top) - reinterpret_cast<uintptr_t>(p));
}

// Sleeps until the next SysTick wrap interrupt. Under QEMU -icount the core wakes exactly at the tick
// (virtual time jumps to the timer deadline), so the timed run starts at the same phase of the
// counter every time and instruction counts repeat exactly. With DWT there is nothing to align.
void AlignCounter() {
  if (g_use_dwt) return;
  const uint32_t wraps = g_systick_wraps;
  while (g_systick_wraps == wraps) asm volatile("wfi");
}

void Write(const uint8_t* bytes, size_t size, void*) {
  if (g_reply_on_rtt) hil::agent::RttWrite(&_SEGGER_RTT, bytes, size);
  else UartWrite(bytes, size);
}

void ResetCore() {
  // SYSRESETREQ: the board restarts from the vector table, as after a probe reset.
  Reg(kAircr) = (0x5FAu << 16) | (1u << 2);
  for (;;) {
  }
}

}  // namespace

extern "C" void SysTick_Handler() { g_systick_wraps = g_systick_wraps + 1; }

extern "C" void UartRx_Handler() {
  // Acknowledge first, then drain: a byte that lands after the last read raises the interrupt again.
  // (The other order loses it: the UART holds it, raises nothing, and accepts nothing more.)
  UartClearRxInterrupt();
  for (int c = UartRead(); c >= 0; c = UartRead()) {
    const uint32_t head = g_rx_head;
    if (head - g_rx_tail >= kRxRingBytes) {
      g_rx_overruns = g_rx_overruns + 1;  // the frame's CRC fails and the host sends it again
      continue;
    }
    g_rx_ring[head % kRxRingBytes] = static_cast<uint8_t>(c);
    g_rx_head = head + 1;
  }
}

extern "C" void Default_Handler();
extern "C" const hil::port::Vector kVectors[16];

namespace {
void InstallVectors() {
  for (int i = 0; i < 16; ++i) g_vectors[i] = kVectors[i];
  for (int i = 16; i < 16 + kMaxIrqs; ++i) g_vectors[i] = Default_Handler;
  const int irq = UartRxIrq();
  g_vectors[16 + irq] = UartRx_Handler;
  Reg(kVtor) = reinterpret_cast<uint32_t>(g_vectors);
  asm volatile("dsb\n isb");
  Reg(kNvicIser + 4u * (irq / 32)) = 1u << (irq % 32);
}
}  // namespace

namespace hil::agent::engine {
uint64_t PortCycles() {
  if (g_use_dwt) {
    // 32-bit CYCCNT; callers measure differences well below 2^32 cycles per operator and inference.
    return Reg(kDwtCyccnt);
  }
  // Ticks since start t: VAL counts P-1 .. 0, the wrap interrupt fires as VAL reaches 0 (t = kP - 1)
  // and the reload to P-1 follows one tick later. A wrap whose interrupt is still pending (a real
  // core's latency) shows in ICSR.PENDSTSET and is counted here instead.
  uint32_t hi, val;
  bool pending;
  do {
    hi = g_systick_wraps;
    val = Reg(kSysTickVal);
    pending = (Reg(kIcsr) & kIcsrPendStSet) != 0;
  } while (hi != g_systick_wraps);
  const uint64_t wraps = static_cast<uint64_t>(hi) + (pending ? 1 : 0);
  if (val == 0) return wraps * kSysTickPeriod - 1;
  return wraps * kSysTickPeriod + (kSysTickPeriod - 1 - val);
}
}  // namespace hil::agent::engine

int main() {
  InstallVectors();
  BoardInit();
  StartCounters();

  hil::agent::Port port;
  port.agent_name = "tinyhil-agent";
  port.board_id = BoardId();
  port.clock_hz = BoardClockHz();
  port.cycle_source = g_use_dwt ? hil::protocol::CycleSource::kDwtCyccnt : hil::protocol::CycleSource::kSysTick;
  port.capabilities = hil::protocol::kCapProfiling | hil::protocol::kCapStackPainting | hil::protocol::kCapRtt;
  port.write = Write;
#if HIL_AGENT_TFLM
  port.tflm = &hil::agent::TflmEngine();
#endif
  port.stack_bytes = StackBytes;
  port.stack_used = StackUsed;
  port.static_bytes = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&__bss_end__) -
                                            reinterpret_cast<uintptr_t>(&__data_start__)) -
                      static_cast<uint32_t>(sizeof hil_model_buffer + sizeof hil_arena);
  // static_bytes counts the RTT buffers: they are RAM the agent needs on every board.
  port.reset = ResetCore;
  port.align_counter = AlignCounter;
  if (TimestampPinInit()) {
    port.timestamp = TimestampPin;
    port.capabilities |= hil::protocol::kCapTimestampGpio;
  }

  hil::agent::Buffers b;
  b.model = hil_model_buffer;
  b.model_bytes = sizeof hil_model_buffer;
  b.arena = hil_arena;
  b.arena_bytes = sizeof hil_arena;
  b.rx = g_rx;
  b.rx_bytes = sizeof g_rx;
  b.tx = g_tx;
  b.tx_bytes = sizeof g_tx;
  b.scratch = g_scratch;
  b.scratch_bytes = sizeof g_scratch;
  b.response = g_response;
  b.response_bytes = sizeof g_response;
  b.max_payload = kMaxPayload;
  static hil::agent::Agent agent(port, b);

  hil::agent::RttInit(&_SEGGER_RTT, g_rtt_up, sizeof g_rtt_up, g_rtt_down, sizeof g_rtt_down);

#ifdef HIL_MLPERF_MODEL_ID
  // The MLPerf Tiny personality: the compiled-in model, MLPerf Tiny's DUT text protocol on the UART.
  static hil::agent::engine::Interpreter engine;
  const hil::Status loaded = engine.Load(kMlperfModel, kMlperfModelBytes, hil_arena, sizeof hil_arena);
  hil::agent::MlperfDut::Config mc;
  mc.name = "tinyhil";
  mc.model_id = HIL_MLPERF_MODEL_ID;
  mc.clock_hz = BoardClockHz();
  mc.write = [](const char* text, size_t size, void*) { UartWrite(reinterpret_cast<const uint8_t*>(text), size); };
  if (port.timestamp) mc.timestamp = port.timestamp;
  mc.energy_mode = HIL_MLPERF_ENERGY_MODE;  // and the UART runs at HIL_UART_BAUD (9600 then)
  static hil::agent::MlperfDut dut(mc, engine, hil_model_buffer, sizeof hil_model_buffer);
  static const char kLoadFailed[] = "e-[the compiled-in model does not load]\r\n";
  if (loaded != hil::Status::kOk) UartWrite(reinterpret_cast<const uint8_t*>(kLoadFailed), sizeof kLoadFailed - 1);
  dut.Banner();
  for (;;) {
    const int byte = UartRingRead();
    if (byte >= 0) dut.Push(static_cast<uint8_t>(byte));
  }
#endif

  for (;;) {
    const int byte = UartRingRead();
    if (byte >= 0) {
      g_reply_on_rtt = false;
      agent.Push(static_cast<uint8_t>(byte));
    }
    const int c = hil::agent::RttRead(&_SEGGER_RTT);
    if (c >= 0) {
      g_reply_on_rtt = true;
      agent.Push(static_cast<uint8_t>(c));
    }
  }
}
