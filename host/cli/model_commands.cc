#include "hil/cli/model_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "hil/board/board_kind.h"
#include "hil/board/elf_file.h"
#include "hil/cli/runner.h"
#include "hil/engine/interpreter.h"
#include "hil/model/inspect.h"
#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"
#include "hil/report/summary_table.h"

namespace hil::cli {
namespace {

namespace engine = agent::engine;
using nlohmann::json;

[[noreturn]] void Exit(int code) {
  std::cout.flush();
  std::exit(code);
}

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "hil: " << message << "\n";
  Exit(kExitError);
}

std::string Thousands(uint64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Shape(const std::vector<int32_t>& shape) { return model::ShapeString(shape); }

std::string TypesOf(const model::LayerInfo& l) {
  std::string s;
  for (size_t i = 0; i < l.inputs.size(); ++i) s += (i ? "," : "") + l.inputs[i].type;
  s += "->";
  for (size_t i = 0; i < l.outputs.size(); ++i) s += (i ? "," : "") + l.outputs[i].type;
  return s;
}

json TensorJson(const model::TensorInfo& t) {
  json j = {{"index", t.index}, {"name", t.name}, {"shape", t.shape}, {"type", t.type}, {"bytes", t.bytes},
            {"constant", t.constant}, {"variable", t.variable}};
  if (t.scales > 0) j["quantization"] = {{"scale", t.scale}, {"zero_point", t.zero_point}, {"scales", t.scales}};
  return j;
}

// ---- --board: does the model fit that kind? ----
struct Fit {
  std::string what;    // "flash", "RAM", "agent model buffer", "agent arena"
  std::string detail;  // "firmware 79.5 KiB + model 52.3 KiB"
  uint64_t need = 0;
  uint64_t have = 0;
  bool fits() const { return need <= have; }
};

struct BoardFit {
  std::string kind;
  std::string note;  // what could not be checked, and why
  std::vector<Fit> checks;
};

BoardFit CheckBoard(const model::Inspection& r, const board::BoardKind& kind, const std::string& build_dir) {
  BoardFit fit;
  fit.kind = kind.name;
  const uint64_t arena = r.arena_bytes.value_or(0);
  std::optional<board::ElfInfo> elf;
  if (kind.platform != "posix" && !kind.agent.empty()) {
    const std::string path = (std::filesystem::path(build_dir) / kind.agent).string();
    auto e = board::ReadElf(path);
    if (e) elf = std::move(*e);
    else fit.note = "firmware " + path + " not read (" + e.error().message + "): build it to check the agent's buffers";
  }
  uint64_t model_buffer = 0, arena_buffer = 0;
  if (elf) {
    if (auto it = elf->symbol_sizes.find("hil_model_buffer"); it != elf->symbol_sizes.end()) model_buffer = it->second;
    if (auto it = elf->symbol_sizes.find("hil_arena"); it != elf->symbol_sizes.end()) arena_buffer = it->second;
  }
  // A product keeps the model in flash beside the firmware; our agent receives it into a RAM buffer.
  if (kind.flash_bytes > 0) {
    const uint64_t firmware = elf ? elf->flash_bytes : 0;
    fit.checks.push_back({"flash", elf ? "firmware " + report::Bytes(firmware) + " + model " + report::Bytes(r.model_bytes)
                                       : "model " + report::Bytes(r.model_bytes),
                          firmware + r.model_bytes, kind.flash_bytes});
  }
  if (kind.ram_bytes > 0 && r.arena_bytes) {
    // Deployed: the arena and the agent's static data besides its two big buffers (stack included).
    const uint64_t static_data = elf && elf->static_ram_bytes > model_buffer + arena_buffer
                                     ? elf->static_ram_bytes - model_buffer - arena_buffer
                                     : 0;
    fit.checks.push_back({"RAM", elf ? "arena " + report::Bytes(arena) + " + static data and stack " + report::Bytes(static_data)
                                     : "arena " + report::Bytes(arena),
                          arena + static_data, kind.ram_bytes});
  }
  if (model_buffer > 0) fit.checks.push_back({"agent model buffer", "model " + report::Bytes(r.model_bytes), r.model_bytes, model_buffer});
  if (arena_buffer > 0 && r.arena_bytes) fit.checks.push_back({"agent arena", "plan " + report::Bytes(arena), arena, arena_buffer});
  if (kind.flash_bytes == 0 && kind.ram_bytes == 0 && fit.note.empty())
    fit.note = "kind " + kind.name + " states no flash or RAM size (a host process)";
  return fit;
}

json FitJson(const BoardFit& f) {
  json checks = json::array();
  for (const Fit& c : f.checks)
    checks.push_back({{"what", c.what}, {"detail", c.detail}, {"need_bytes", c.need}, {"have_bytes", c.have}, {"fits", c.fits()},
                      {"margin_bytes", static_cast<int64_t>(c.have) - static_cast<int64_t>(c.need)}});
  json j = {{"kind", f.kind}, {"checks", checks},
            {"fits", std::all_of(f.checks.begin(), f.checks.end(), [](const Fit& c) { return c.fits(); })}};
  if (!f.note.empty()) j["note"] = f.note;
  return j;
}

json InspectionJson(const std::string& path, const model::Inspection& r, const std::optional<BoardFit>& fit) {
  json layers = json::array();
  for (const auto& l : r.layers) {
    json ins = json::array(), outs = json::array();
    for (const auto& t : l.inputs) ins.push_back(TensorJson(t));
    for (const auto& t : l.outputs) outs.push_back(TensorJson(t));
    layers.push_back({{"index", l.index}, {"op", l.op}, {"builtin_code", l.builtin_code}, {"detail", l.detail},
                      {"macs", l.macs}, {"input_bytes", l.input_bytes}, {"output_bytes", l.output_bytes},
                      {"weight_bytes", l.weight_bytes}, {"bias_bytes", l.bias_bytes}, {"inputs", ins}, {"outputs", outs}});
  }
  json unsupported = json::array();
  for (const auto& u : r.unsupported)
    unsupported.push_back({{"op", u.op}, {"count", u.layers.size()}, {"layers", u.layers}, {"reasons", u.reasons}});
  json inputs = json::array(), outputs = json::array();
  for (const auto& t : r.inputs) inputs.push_back(TensorJson(t));
  for (const auto& t : r.outputs) outputs.push_back(TensorJson(t));
  json j = {{"model", path}, {"model_bytes", r.model_bytes}, {"flash_bytes", r.model_bytes},
            {"schema_version", r.schema_version}, {"operators", r.layers.size()}, {"macs", r.macs},
            {"naive_bytes", r.naive_bytes}, {"constant_bytes", r.constant_bytes},
            {"activation_peak_bytes", r.activation_peak_bytes},
            {"arena_bytes", r.arena_bytes ? json(*r.arena_bytes) : json(nullptr)}, {"supported", r.unsupported.empty() && r.engine_error.empty()},
            {"unsupported", unsupported}, {"inputs", inputs}, {"outputs", outputs}, {"layers", layers}};
  if (!r.engine_error.empty()) j["engine_error"] = r.engine_error;
  if (fit) j["board"] = FitJson(*fit);
  return j;
}

std::string TensorLine(const model::TensorInfo& t) {
  std::string s = fmt::format("{:>4}  {:<8} {:<14}", t.index, t.type, Shape(t.shape));
  if (t.scales == 1) s += fmt::format("  scale {:.6g}, zero point {}", t.scale, t.zero_point);
  if (!t.name.empty()) s += "  " + t.name;
  return s;
}

void PrintInspection(const std::string& path, const model::Inspection& r, const std::optional<BoardFit>& fit) {
  std::cout << fmt::format("{}: {} bytes, {} operators, schema {}\n", path, Thousands(r.model_bytes), r.layers.size(),
                           r.schema_version);
  std::cout << "inputs:\n";
  for (const auto& t : r.inputs) std::cout << TensorLine(t) << "\n";
  std::cout << "outputs:\n";
  for (const auto& t : r.outputs) std::cout << TensorLine(t) << "\n";
  std::cout << "\n";
  size_t op_width = 8, types_width = 5, in_width = 5, out_width = 6;
  // The layer's activation: its first input that is neither constant nor an int32 shape or index
  // tensor (TRANSPOSE_CONV's first input is the output shape).
  auto activation = [](const model::LayerInfo& l) -> std::string {
    for (const auto& t : l.inputs)
      if (!t.constant && t.type != "int32") return Shape(t.shape);
    return l.inputs.empty() ? "-" : Shape(l.inputs[0].shape);
  };
  for (const auto& l : r.layers) {
    op_width = std::max(op_width, l.op.size());
    types_width = std::max(types_width, TypesOf(l).size());
    in_width = std::max(in_width, activation(l).size());
    out_width = std::max(out_width, l.outputs.empty() ? 1 : Shape(l.outputs[0].shape).size());
  }
  std::cout << fmt::format("{:>3}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>13}  {:>9}  {:>9}  {:>9}  {:>8}  {}\n", "#", "OPERATOR", op_width,
                           "INPUT", in_width, "OUTPUT", out_width, "TYPES", types_width, "MACS", "IN", "OUT", "WEIGHTS", "BIAS",
                           "DETAIL");
  std::vector<bool> unsupported(r.layers.size(), false);
  for (const auto& u : r.unsupported)
    for (int i : u.layers)
      if (i >= 0 && static_cast<size_t>(i) < unsupported.size()) unsupported[i] = true;
  for (const auto& l : r.layers) {
    std::string detail = l.detail;
    if (unsupported[static_cast<size_t>(l.index)]) detail = "NOT SUPPORTED" + (detail.empty() ? "" : "  " + detail);
    std::cout << fmt::format("{:>3}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>13}  {:>9}  {:>9}  {:>9}  {:>8}  {}\n", l.index, l.op, op_width,
                             activation(l), in_width,
                             l.outputs.empty() ? "-" : Shape(l.outputs[0].shape), out_width, TypesOf(l), types_width,
                             l.macs ? Thousands(l.macs) : "-", report::Bytes(l.input_bytes), report::Bytes(l.output_bytes),
                             l.weight_bytes ? report::Bytes(l.weight_bytes) : "-", l.bias_bytes ? report::Bytes(l.bias_bytes) : "-",
                             detail);
  }
  std::cout << "\n";
  std::cout << fmt::format("MACs                {}\n", Thousands(r.macs));
  std::cout << fmt::format("flash (the model)   {} ({} bytes)\n", report::Bytes(r.model_bytes), Thousands(r.model_bytes));
  if (r.arena_bytes)
    std::cout << fmt::format("arena (planned)     {} ({} bytes; activations alive at once at most {})\n",
                             report::Bytes(*r.arena_bytes), Thousands(*r.arena_bytes), report::Bytes(r.activation_peak_bytes));
  else
    std::cout << "arena (planned)     - (" << r.engine_error << ")\n";
  std::cout << fmt::format("textbook footprint  {} ({} bytes: the sum of every layer's inputs, outputs, weights and biases)\n",
                           report::Bytes(r.naive_bytes), Thousands(r.naive_bytes));
  if (!r.unsupported.empty()) {
    size_t n = 0;
    for (const auto& u : r.unsupported) n += u.layers.size();
    std::cout << fmt::format("\nNOT SUPPORTED by this engine: {} of {} operators\n", n, r.layers.size());
    for (const auto& u : r.unsupported) {
      std::string layers;
      for (size_t i = 0; i < u.layers.size(); ++i) layers += (i ? ", " : "") + std::to_string(u.layers[i]);
      std::cout << fmt::format("  {} x{} (layers {})\n", u.op, u.layers.size(), layers);
      for (const auto& why : u.reasons) std::cout << "      " << why << "\n";
    }
  } else if (!r.engine_error.empty()) {
    std::cout << "\nthe engine does not load this model: " << r.engine_error << "\n";
  }
  if (fit) {
    std::cout << "\nboard kind " << fit->kind << ":\n";
    for (const Fit& c : fit->checks) {
      const int64_t margin = static_cast<int64_t>(c.have) - static_cast<int64_t>(c.need);
      std::cout << fmt::format("  {:<19} {} = {} of {}: {}\n", c.what, c.detail, report::Bytes(c.need), report::Bytes(c.have),
                               c.fits() ? fmt::format("fits, {} bytes to spare", Thousands(static_cast<uint64_t>(margin)))
                                        : fmt::format("DOES NOT FIT, {} bytes over", Thousands(static_cast<uint64_t>(-margin))));
    }
    if (!fit->note.empty()) std::cout << "  (" << fit->note << ")\n";
  }
}

struct InspectOptions {
  std::string model;
  bool json = false;
  std::string board;
  std::string boards_dir;
  std::string build_dir;
};

int Inspect(const InspectOptions& o) {
  auto bytes = model::ReadFileBytes(o.model);
  if (!bytes) Die("inspect: " + bytes.error());
  auto r = model::InspectModel(*bytes);
  if (!r) Die("inspect: " + o.model + ": " + r.error());
  std::optional<BoardFit> fit;
  if (!o.board.empty()) {
    std::vector<Error> broken;
    auto kinds = board::LoadBoardKinds(o.boards_dir, &broken);
    if (!kinds) Die("inspect: " + kinds.error().message);
    auto it = kinds->find(o.board);
    if (it == kinds->end()) {
      std::string known;
      for (const auto& [name, _] : *kinds) known += (known.empty() ? "" : ", ") + name;
      Die("inspect: --board: unknown board kind '" + o.board + "' (known: " + known + ")");
    }
    fit = CheckBoard(*r, it->second, o.build_dir);
  }
  if (o.json) std::cout << InspectionJson(o.model, *r, fit).dump(2) << "\n";
  else PrintInspection(o.model, *r, fit);
  return kExitPass;
}

// ---- hil infer ----
struct InferOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string output;
  int repeat = 1;
  std::string dump_dir;
};

struct DumpContext {
  const engine::Interpreter* interpreter;
  std::string dir;
  std::string error;
  int files = 0;
};

void DumpOutput(void* context, int op_index, int, const engine::TensorView& out) {
  auto* ctx = static_cast<DumpContext*>(context);
  const std::string path =
      fmt::format("{}/op{:03d}_{}_t{}.bin", ctx->dir, op_index, engine::OpcodeName(ctx->interpreter->opcode(op_index)), out.tensor);
  if (auto w = model::WriteFileBytes(path, std::span<const uint8_t>(out.data, out.bytes)); !w) {
    if (ctx->error.empty()) ctx->error = w.error();
  } else {
    ++ctx->files;
  }
}

std::string TensorText(const engine::TensorView& t) {
  std::vector<int32_t> shape(t.dims, t.dims + t.rank);
  const char* type = "?";
  switch (t.type) {
    case engine::TensorType::kInt8: type = "int8"; break;
    case engine::TensorType::kInt16: type = "int16"; break;
    case engine::TensorType::kInt32: type = "int32"; break;
    case engine::TensorType::kInt64: type = "int64"; break;
    case engine::TensorType::kUint8: type = "uint8"; break;
    case engine::TensorType::kBool: type = "bool"; break;
    case engine::TensorType::kFloat32: type = "float32"; break;
  }
  return fmt::format("{} {} = {} bytes", type, Shape(shape), t.bytes);
}

int Infer(const InferOptions& o) {
  if (o.repeat < 1) Die("infer: --repeat must be at least 1");
  auto bytes = model::ReadFileBytes(o.model);
  if (!bytes) Die("infer: " + bytes.error());
  if (bytes->empty()) Die("infer: " + o.model + " is empty");
  // The engine reads the model in place: 16-byte aligned as converters align buffers.
  std::unique_ptr<uint8_t[]> blob(new uint8_t[bytes->size() + 16]);
  uint8_t* model = blob.get() + (16 - reinterpret_cast<uintptr_t>(blob.get()) % 16) % 16;
  std::memcpy(model, bytes->data(), bytes->size());
  constexpr size_t kArenaBytes = size_t{256} << 20;  // untouched pages are never mapped
  std::unique_ptr<uint8_t[]> arena(new uint8_t[kArenaBytes]);
  auto interpreter = std::make_unique<engine::Interpreter>();
  const Status loaded = interpreter->Load(model, bytes->size(), arena.get(), kArenaBytes);
  if (loaded != Status::kOk) {
    std::string why = interpreter->ErrorDetail();
    if (loaded == Status::kUnsupportedOperator) {
      // Name every operator the engine lacks, not only the first.
      if (auto r = model::InspectModel(*bytes); r && !r->unsupported.empty()) why = model::UnsupportedSummary(r->unsupported);
    }
    Die("infer: " + o.model + ": " + StatusName(loaded) + ": " + why);
  }

  // Inputs: one file per model input, or one file holding them all in order.
  const int n_in = interpreter->input_count();
  size_t need = 0;
  std::string wanted;
  for (int i = 0; i < n_in; ++i) {
    need += interpreter->input(i).bytes;
    wanted += fmt::format("{}input {}: {}", i ? "; " : "", i, TensorText(interpreter->input(i)));
  }
  std::vector<std::vector<uint8_t>> files;
  for (const std::string& path : o.inputs) {
    auto in = model::ReadFileBytes(path);
    if (!in) Die("infer: --input: " + in.error());
    files.push_back(std::move(*in));
  }
  std::vector<uint8_t> all;
  if (static_cast<int>(files.size()) == n_in) {
    for (int i = 0; i < n_in; ++i) {
      if (files[i].size() != interpreter->input(i).bytes)
        Die(fmt::format("infer: --input {} has {} bytes; the model's {}", o.inputs[i], files[i].size(), wanted));
      all.insert(all.end(), files[i].begin(), files[i].end());
    }
  } else if (files.size() == 1) {
    if (files[0].size() != need)
      Die(fmt::format("infer: --input {} has {} bytes; the model's {} inputs need {} bytes in all ({})", o.inputs[0], files[0].size(),
                      n_in, need, wanted));
    all = std::move(files[0]);
  } else {
    Die(fmt::format("infer: {} --input files for a model of {} inputs: give one per input, or one holding all ({})", files.size(), n_in,
                    wanted));
  }

  DumpContext dump{interpreter.get(), o.dump_dir, {}, 0};
  if (!o.dump_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.dump_dir, ec);
    if (ec) Die("infer: --dump-dir " + o.dump_dir + ": " + ec.message());
  }
  std::vector<double> times_us;
  for (int run = 0; run < o.repeat; ++run) {
    // Every run computes the same thing: inputs written again (the planner reuses their memory) and
    // the state of stateful models (LSTM, SVDF) back at its start.
    interpreter->ResetVariables();
    size_t pos = 0;
    for (int i = 0; i < n_in; ++i) {
      const engine::TensorView in = interpreter->input(i);
      std::memcpy(in.data, all.data() + pos, in.bytes);
      pos += in.bytes;
    }
    interpreter->SetOpObserver(run == 0 && !o.dump_dir.empty() ? DumpOutput : nullptr, &dump);
    const auto start = std::chrono::steady_clock::now();
    const Status st = interpreter->Invoke(nullptr);
    times_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (st != Status::kOk) Die("infer: " + o.model + ": " + StatusName(st) + ": " + interpreter->ErrorDetail());
  }
  interpreter->SetOpObserver(nullptr, nullptr);
  if (!dump.error.empty()) Die("infer: --dump-dir: " + dump.error);
  const engine::TensorView out = interpreter->output(0);
  if (auto w = model::WriteFileBytes(o.output, std::span<const uint8_t>(out.data, out.bytes)); !w) Die("infer: --output: " + w.error());
  std::sort(times_us.begin(), times_us.end());
  std::cerr << fmt::format("{}: {} run{} on the host engine, median {:.1f} us; output 0 ({}) written to {}", o.model, o.repeat,
                           o.repeat == 1 ? "" : "s", times_us[times_us.size() / 2], TensorText(out), o.output);
  if (!o.dump_dir.empty()) std::cerr << fmt::format("; {} operator outputs in {}", dump.files, o.dump_dir);
  std::cerr << "\n";
  return kExitPass;
}

}  // namespace

void RegisterModelCommands(CLI::App& app, const std::string& boards_dir, const std::string& build_dir) {
  auto inspect = std::make_shared<InspectOptions>();
  inspect->boards_dir = boards_dir;
  inspect->build_dir = build_dir;
  auto* cmd_inspect = app.add_subcommand(
      "inspect", "A model's layers (operator, shapes, types, bytes, MACs), its planned arena and flash, what the engine cannot run");
  cmd_inspect->add_option("model", inspect->model, "A .tflite file")->required();
  cmd_inspect->add_flag("--json", inspect->json, "JSON instead of the table (arena_bytes, naive_bytes, macs, flash_bytes, layers[])");
  cmd_inspect->add_option("--board", inspect->board, "A board kind: does the model fit its flash, RAM and the agent's buffers");
  cmd_inspect->add_option("--boards", inspect->boards_dir, "Folder of board kinds")->capture_default_str();
  cmd_inspect->add_option("--build-dir", inspect->build_dir, "Build folder holding the kinds' firmware")->capture_default_str();
  cmd_inspect->callback([inspect] { Exit(Inspect(*inspect)); });

  auto infer = std::make_shared<InferOptions>();
  auto* cmd_infer = app.add_subcommand("infer", "Run a model once (or --repeat N times) on the host engine; write output 0's raw bytes");
  cmd_infer->add_option("model", infer->model, "A .tflite file")->required();
  cmd_infer->add_option("--input", infer->inputs, "Raw bytes of one model input (repeat, in order), or of all inputs concatenated")
      ->required();
  cmd_infer->add_option("--output", infer->output, "File for the raw bytes of output tensor 0")->required();
  cmd_infer->add_option("--repeat", infer->repeat, "Runs (timed; the output is the same each run)")->capture_default_str();
  cmd_infer->add_option("--dump-dir", infer->dump_dir, "Write every operator's outputs there: opNNN_<OP>_t<tensor>.bin");
  cmd_infer->callback([infer] { Exit(Infer(*infer)); });
}

}  // namespace hil::cli
