// A GDB remote-protocol server over loopback TCP with a block of fake target memory, for testing
// memory clients without an emulator. It behaves like QEMU's gdbstub: memory packets are served only
// while the target is stopped (it answers E01 otherwise), ^C stops, `c` resumes. While "running", an
// optional target function is called repeatedly with the memory locked, standing in for the core.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hil::link::testing {

class FakeGdbServer {
 public:
  FakeGdbServer(uint32_t base, size_t size);
  ~FakeGdbServer();

  int port() const { return port_; }
  // Called about every 50 us while the target runs, with the memory locked.
  void SetTarget(std::function<void(FakeGdbServer&)> step) { target_ = std::move(step); }

  // Memory access for the test and the target function (memory must be locked by the caller when
  // the server runs: use Lock()).
  uint8_t* At(uint32_t address) { return &memory_[address - base_]; }
  void Put32(uint32_t address, uint32_t value);
  uint32_t Get32(uint32_t address);
  std::unique_lock<std::mutex> Lock() { return std::unique_lock<std::mutex>(mutex_); }

  uint64_t memory_packets() const { return memory_packets_; }
  uint64_t refused_while_running() const { return refused_; }

 private:
  void Serve();
  void Run();

  uint32_t base_;
  std::vector<uint8_t> memory_;
  std::mutex mutex_;
  std::function<void(FakeGdbServer&)> target_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::atomic<uint64_t> memory_packets_{0};
  std::atomic<uint64_t> refused_{0};
  std::thread server_;
  std::thread cpu_;
};

}  // namespace hil::link::testing
