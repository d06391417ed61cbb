// The host reference: the same engine the agent runs, compiled for the host. Its outputs are what a
// board must produce bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hil/core/error.h"

namespace hil::cli {

class HostReference {
 public:
  // Loads `model` (copied) into the host engine. Errors: the engine's status and detail, naming
  // `model_name`.
  static Result<std::unique_ptr<HostReference>> Load(std::span<const uint8_t> model, const std::string& model_name);
  ~HostReference();

  int input_count() const;
  int output_count() const;
  size_t input_bytes(int index) const;
  size_t output_bytes(int index) const;
  // Quantization of an int8 tensor: real = (q - zero_point) x scale.
  struct Quant {
    float scale = 0;
    int32_t zero_point = 0;
  };
  Quant input_quant(int index) const;
  Quant output_quant(int index) const;

  // Runs once on `inputs` (one byte vector per model input), from the model's initial state (a stateful
  // model's variables are reset first, as the agent does), and returns every output's bytes.
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<std::vector<uint8_t>>& inputs);

 private:
  struct Impl;
  explicit HostReference(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hil::cli
