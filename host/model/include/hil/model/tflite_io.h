// Writing and reading .tflite files (TFLite schema version 3, file identifier "TFL3").
// No function here throws; errors come back as one sentence naming the problem.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "hil/model/tflite_model.h"

namespace hil::model {

// Structural checks a writer must not break: buffer 0 empty, every index (tensor, buffer, opcode)
// in range, constant buffer sizes equal to shape x element size, per-channel quantization lengths
// equal to the quantized dimension, inputs/outputs present. Returns the first violation.
std::expected<void, std::string> ValidateModel(const ModelDef& model);

// Serialises `model` (after ValidateModel). Buffer data starts 16-byte aligned in the file.
// Deterministic: the same ModelDef gives the same bytes on every host.
std::expected<std::vector<uint8_t>, std::string> WriteTflite(const ModelDef& model);

// Parses a .tflite file (bounds-checked) into a ModelDef; the file's first subgraph only. The result
// has passed ValidateModel, so every index in it may be used without further checks.
std::expected<ModelDef, std::string> ReadTflite(std::span<const uint8_t> bytes);

// File helpers.
std::expected<std::vector<uint8_t>, std::string> ReadFileBytes(const std::string& path);
std::expected<void, std::string> WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace hil::model
