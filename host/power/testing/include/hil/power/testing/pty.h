// A pseudo-terminal pair for instrument emulators: the emulator holds the master, the monitor
// under test opens slave_path() with link::OpenTty as it would /dev/ttyACM0.
#pragma once

#include <string>

#include "hil/core/error.h"

namespace hil::power::testing {

class PtyPair {
 public:
  // Errors: kInternal with the failing call and errno text.
  static Result<PtyPair> Open();
  PtyPair(PtyPair&& other) noexcept : master_(other.master_), slave_path_(std::move(other.slave_path_)) {
    other.master_ = -1;
  }
  PtyPair& operator=(PtyPair&&) = delete;
  ~PtyPair() { CloseMaster(); }

  int master() const { return master_; }
  const std::string& slave_path() const { return slave_path_; }
  // The port vanishes: the slave side reads EIO/hang-up from now on.
  void CloseMaster();

 private:
  PtyPair(int master, std::string slave) : master_(master), slave_path_(std::move(slave)) {}
  int master_ = -1;
  std::string slave_path_;
};

}  // namespace hil::power::testing
