// Writing and reading .tflite files (TFLite schema version 3, file identifier "TFL3").
// No function here throws; errors come back as one sentence naming the problem.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "hil/core/file.h"
#include "hil/model/tflite_model.h"

namespace hil::model {

// Structural checks a writer must not break: buffer 0 empty, every index (tensor, buffer, opcode)
// in range, constant buffer sizes equal to shape x element size, inputs/outputs present; with
// `quantization` also per-channel quantization lengths equal to the quantized dimension and positive
// scales (what our own models keep to; models from converters carry per-channel fields on bias
// tensors that no kernel reads, so the reader leaves quantization to the engine). Returns the first
// violation.
std::expected<void, std::string> ValidateModel(const ModelDef& model, bool quantization = true);

// Serialises `model` (after ValidateModel). Buffer data starts 16-byte aligned in the file.
// Deterministic: the same ModelDef gives the same bytes on every host.
std::expected<std::vector<uint8_t>, std::string> WriteTflite(const ModelDef& model);

// Parses a .tflite file (bounds-checked) into a ModelDef; the file's first subgraph only. The result
// has passed ValidateModel(model, /*quantization=*/false), so every index in it may be used without
// further checks.
std::expected<ModelDef, std::string> ReadTflite(std::span<const uint8_t> bytes);

// File helpers.
// A regular file of at most `max_bytes`; a directory, device, FIFO or larger file is an error naming it.
std::expected<std::vector<uint8_t>, std::string> ReadFileBytes(const std::string& path, uint64_t max_bytes = kMaxModelFileBytes);
std::expected<void, std::string> WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace hil::model
