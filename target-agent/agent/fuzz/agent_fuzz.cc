// libFuzzer target: arbitrary bytes on the agent's link. The command loop must never read or write
// out of bounds, whatever frames, lengths, offsets and sequence numbers arrive. The input is cut in
// two: the first part is fed as it is (raw garbage), the second is wrapped into valid frames so the
// fuzzer also reaches the message handlers past the CRC check.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include "hil/agent/agent.h"
#include "hil/protocol/frame.h"

namespace hil::agent::engine {
uint64_t PortCycles() {
  static uint64_t t = 0;
  return ++t;
}
}  // namespace hil::agent::engine

namespace {

constexpr uint32_t kMaxPayload = 512;

void Discard(const uint8_t*, size_t, void*) {}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t model[8192];
  static uint8_t arena[16384];
  static uint8_t rx[hil::agent::RxBytesFor(kMaxPayload)];
  static uint8_t tx[hil::agent::RxBytesFor(kMaxPayload)];
  static uint8_t scratch[hil::agent::ScratchBytesFor(kMaxPayload)];
  static uint8_t response[kMaxPayload];
  hil::agent::Port port;
  port.write = Discard;
  hil::agent::Buffers b{model, sizeof model, arena, sizeof arena, rx, sizeof rx, tx, sizeof tx,
                        scratch, sizeof scratch, response, sizeof response, kMaxPayload};
  static hil::agent::Agent* agent = nullptr;
  alignas(hil::agent::Agent) static unsigned char storage[sizeof(hil::agent::Agent)];
  agent = new (storage) hil::agent::Agent(port, b);  // fresh state per input, no heap

  const size_t split = size ? data[0] % (size + 1) : 0;
  for (size_t i = 1; i < split && i < size; ++i) agent->Push(data[i]);
  // The rest as framed requests: [type][seq lo][len][payload...] repeated.
  size_t i = split;
  std::vector<uint8_t> frame(hil::protocol::MaxFrameBytes(kMaxPayload));
  std::vector<uint8_t> packet(hil::agent::ScratchBytesFor(kMaxPayload));
  while (i + 3 <= size) {
    const uint8_t type = data[i];
    const uint16_t seq = data[i + 1];
    size_t len = data[i + 2];
    i += 3;
    if (len > size - i) len = size - i;
    const size_t n = hil::protocol::EncodeFrame(type, seq, data + i, len, packet.data(), packet.size(), frame.data(),
                                                frame.size());
    for (size_t k = 0; k < n; ++k) agent->Push(frame[k]);
    i += len;
  }
  agent->~Agent();
  return 0;
}
