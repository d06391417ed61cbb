#include "hil/cli/host_reference.h"

#include <cstring>

#include "hil/engine/interpreter.h"

namespace hil::cli {

namespace engine = hil::agent::engine;

struct HostReference::Impl {
  std::string name;
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena;
  engine::Interpreter interpreter;
};

HostReference::HostReference(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HostReference::~HostReference() = default;

Result<std::unique_ptr<HostReference>> HostReference::Load(std::span<const uint8_t> model, const std::string& model_name) {
  auto impl = std::make_unique<Impl>();
  impl->name = model_name;
  impl->model.assign(model.begin(), model.end());
  // Generous: the host is not the budget under test. kArenaTooSmall grows it once more.
  for (size_t arena_bytes : {size_t{8} << 20, size_t{64} << 20}) {
    impl->arena.assign(arena_bytes, 0);
    const Status s = impl->interpreter.Load(impl->model.data(), impl->model.size(), impl->arena.data(), impl->arena.size());
    if (s == Status::kOk) return std::unique_ptr<HostReference>(new HostReference(std::move(impl)));
    if (s != Status::kArenaTooSmall || arena_bytes == (size_t{64} << 20))
      return Fail(s, "host reference for model " + model_name + ": " + impl->interpreter.ErrorDetail());
  }
  return Fail(Status::kInternal, "host reference for model " + model_name + ": unreachable");
}

int HostReference::input_count() const { return impl_->interpreter.input_count(); }
int HostReference::output_count() const { return impl_->interpreter.output_count(); }
size_t HostReference::input_bytes(int index) const { return impl_->interpreter.input(index).bytes; }
size_t HostReference::output_bytes(int index) const { return impl_->interpreter.output(index).bytes; }
HostReference::Quant HostReference::input_quant(int index) const {
  const auto t = impl_->interpreter.input(index);
  return {t.scale, t.zero_point};
}
HostReference::Quant HostReference::output_quant(int index) const {
  const auto t = impl_->interpreter.output(index);
  return {t.scale, t.zero_point};
}

Result<std::vector<std::vector<uint8_t>>> HostReference::Run(const std::vector<std::vector<uint8_t>>& inputs) {
  engine::Interpreter& in = impl_->interpreter;
  if (static_cast<int>(inputs.size()) != in.input_count())
    return Fail(Status::kBadArgument, "host reference for model " + impl_->name + ": " + std::to_string(inputs.size()) +
                                          " inputs given, the model has " + std::to_string(in.input_count()));
  for (int i = 0; i < in.input_count(); ++i) {
    engine::TensorView t = in.input(i);
    if (inputs[i].size() != t.bytes)
      return Fail(Status::kBadArgument, "host reference for model " + impl_->name + ": input " + std::to_string(i) + " has " +
                                            std::to_string(t.bytes) + " bytes, given " + std::to_string(inputs[i].size()));
    std::memcpy(t.data, inputs[i].data(), t.bytes);
  }
  // Each run from the model's initial state, as the agent runs every inference (stateful models).
  in.ResetVariables();
  const Status s = in.Invoke(nullptr);
  if (s != Status::kOk) return Fail(s, "host reference for model " + impl_->name + ": " + in.ErrorDetail());
  std::vector<std::vector<uint8_t>> outputs;
  for (int i = 0; i < in.output_count(); ++i) {
    engine::TensorView t = in.output(i);
    outputs.emplace_back(t.data, t.data + t.bytes);
  }
  return outputs;
}

}  // namespace hil::cli
