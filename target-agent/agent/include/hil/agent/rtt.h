// A SEGGER-RTT-compatible control block: one up buffer (target -> host) and one down buffer
// (host -> target) in RAM, which a debug probe reads and writes over SWD while the core runs.
// OpenOCD's and pyOCD's RTT support and our GDB-protocol memory client find it by its ID string
// "SEGGER RTT" or by the symbol _SEGGER_RTT.
//
// Layout (32-bit target; the host reads it by offset, so it must not change):
//   0  char id[16]            "SEGGER RTT\0..." (written last, so a half-built block is never found)
//  16  int32 max_up_buffers   1
//  20  int32 max_down_buffers 1
//  24  Ring up                (24 bytes)
//  48  Ring down              (24 bytes)
// Ring: u32 name (pointer), u32 buffer (pointer), u32 size, u32 write_offset, u32 read_offset, u32 flags.
// The writer of a ring owns write_offset, the reader owns read_offset; one byte stays free so that
// write_offset == read_offset always means empty.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hil::agent {

struct RttRing {
  const char* name;
  uint8_t* buffer;
  uint32_t size;
  volatile uint32_t write_offset;
  volatile uint32_t read_offset;
  uint32_t flags;  // 2: the target blocks when the up buffer is full (no byte is ever dropped)
};

struct RttControlBlock {
  char id[16];
  int32_t max_up_buffers;
  int32_t max_down_buffers;
  RttRing up;
  RttRing down;
};

// Fills `block` with the two rings over the caller's buffers (which must outlive it).
void RttInit(RttControlBlock* block, uint8_t* up, uint32_t up_bytes, uint8_t* down, uint32_t down_bytes);

// Next byte the host wrote into the down ring, or -1 when it is empty.
int RttRead(RttControlBlock* block);

// Copies bytes into the up ring, waiting for the host to drain it when it is full.
void RttWrite(RttControlBlock* block, const uint8_t* bytes, size_t size);

}  // namespace hil::agent
