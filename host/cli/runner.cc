#include "hil/cli/runner.h"

#include "runner_internal.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "hil/board/agent_engines.h"
#include "hil/board/board_kind.h"
#include "hil/board/openocd_probe.h"
#include "hil/board/probe_selector.h"
#include "hil/board/pyocd_probe.h"
#include "hil/board/physical_board.h"
#include "hil/board/posix_board.h"
#include "hil/board/qemu_board.h"
#include "hil/cli/host_reference.h"
#include "hil/core/file.h"
#include "hil/core/plan.h"
#include "hil/core/random.h"
#include "hil/core/sha256.h"
#include "hil/core/stats.h"
#include "hil/core/suite.h"
#include "hil/engine/interpreter.h"
#include "hil/link/mlperf_session.h"
#include "hil/link/serial_link.h"
#include "hil/link/testing/faulty_link.h"
#include "hil/model/inspect.h"
#include "hil/model/tflite_io.h"
#include "hil/model/zoo.h"
#include "hil/power/energy.h"
#include "hil/power/lpm01a_monitor.h"
#include "hil/power/ppk2_monitor.h"
#include "hil/protocol/messages.h"
#include "hil/report/compare.h"
#include "hil/store/open_store.h"


#ifndef HIL_VERSION
#define HIL_VERSION "0.0.0"
#endif
#ifndef HIL_GIT_COMMIT
#define HIL_GIT_COMMIT "unknown"
#endif

namespace hil::cli {
namespace internal {

Result<std::vector<ModelBlob>> ResolveModels(const Suite& suite, const ModelLimits& limits) {
  if (suite.models.size() > limits.max_models)
    return Fail(Status::kBadArgument, suite.file + ": models: " + std::to_string(suite.models.size()) + " models, more than the " +
                                          std::to_string(limits.max_models) + " one submission may name");
  // Bounded before anything is generated.
  uint64_t generated = 0;
  for (size_t i = 0; i < suite.models.size() && limits.max_generated_bytes != UINT64_MAX; ++i) {
    const ModelSpec& m = suite.models[i];
    if (m.source != ModelSpec::Source::kGenerate) continue;
    auto bound = model::GeneratedModelBytesBound(m.generator);
    if (!bound)
      return Fail(Status::kBadArgument, suite.file + ":" + std::to_string(m.line) + ": models[" + std::to_string(i) + "].generate: " + bound.error());
    generated += *bound;
    if (generated > limits.max_generated_bytes)
      return Fail(Status::kBadArgument, suite.file + ":" + std::to_string(m.line) + ": models[" + std::to_string(i) +
                                            "].generate: the suite's generated models come to " + std::to_string((generated + (1 << 20) - 1) >> 20) +
                                            " MiB by this one, more than the " + std::to_string(limits.max_generated_bytes >> 20) +
                                            " MiB one submission may generate");
  }
  std::vector<ModelBlob> blobs;
  for (size_t i = 0; i < suite.models.size(); ++i) {
    const ModelSpec& m = suite.models[i];
    const std::string where = suite.file + ":" + std::to_string(m.line) + ": models[" + std::to_string(i) + "]";
    if (limits.cancelled && limits.cancelled()) return Fail(Status::kTimeout, "the client left before the models were made");
    ModelBlob b;
    if (m.source == ModelSpec::Source::kGenerate) {
      auto bytes = model::GenerateModel(m.generator, m.seed);
      if (!bytes) return Fail(Status::kBadArgument, where + ".generate: " + bytes.error());
      b.bytes = std::move(*bytes);
    } else {
      auto bytes = model::ReadFileBytes(m.resolved);
      if (!bytes) return Fail(Status::kNotFound, where + ".path: cannot read " + bytes.error());
      if (bytes->empty()) return Fail(Status::kBadArgument, where + ".path: " + m.resolved + " is empty");
      b.bytes = std::move(*bytes);
    }
    b.sha256 = Sha256Hex(b.bytes);
    blobs.push_back(std::move(b));
  }
  return blobs;
}

Result<void> CheckModelsRunnable(const Suite& suite, const std::vector<ModelBlob>& blobs) {
  for (size_t i = 0; i < suite.models.size() && i < blobs.size(); ++i) {
    const ModelSpec& m = suite.models[i];
    const std::string where = suite.file + ":" + std::to_string(m.line) + ": models[" + std::to_string(i) + "] (" + m.name + ")";
    auto r = model::InspectModel(blobs[i].bytes);
    if (!r) return Fail(Status::kModelInvalid, where + ": " + r.error());
    if (!r->unsupported.empty()) {
      size_t n = 0;
      for (const auto& u : r->unsupported) n += u.layers.size();
      return Fail(Status::kUnsupportedOperator, where + ": the engine cannot run " + std::to_string(n) + " of " +
                                                    std::to_string(r->layers.size()) + " operators: " +
                                                    model::UnsupportedSummary(r->unsupported) +
                                                    " (hil inspect MODEL lists every layer)");
    }
    if (!r->engine_error.empty()) return Fail(Status::kModelInvalid, where + ": " + r->engine_error);
  }
  return {};
}

Result<std::vector<std::vector<uint8_t>>> ResolveInputs(const Suite& suite) {
  std::vector<std::vector<uint8_t>> out;
  const bool folder = suite.inputs.source == InputSpec::Source::kFolder;
  for (size_t i = 0; i < suite.inputs.files.size(); ++i) {
    const std::string& file = suite.inputs.files[i];
    auto bytes = model::ReadFileBytes(file, kMaxInputFileBytes);
    if (!bytes || bytes->empty()) {
      const std::string field = folder ? "inputs.labels (" + suite.inputs.labels_file + ")" : "inputs.files[" + std::to_string(i) + "]";
      return Fail(Status::kNotFound, suite.file + ":" + std::to_string(suite.inputs.line) + ": " + field + ": cannot read " +
                                         (bytes ? file + ": empty" : bytes.error()));
    }
    out.push_back(std::move(*bytes));
  }
  return out;
}

Result<SuiteData> ResolveSuiteData(const Suite& suite, const ModelLimits& limits) {
  SuiteData d;
  auto blobs = ResolveModels(suite, limits);
  if (!blobs) return std::unexpected(blobs.error());
  d.blobs = std::move(*blobs);
  // Before any board starts: a model the engine cannot run fails here, naming every operator it lacks.
  if (auto runnable = CheckModelsRunnable(suite, d.blobs); !runnable) return std::unexpected(runnable.error());
  auto inputs = ResolveInputs(suite);
  if (!inputs) return std::unexpected(inputs.error());
  d.inputs = std::move(*inputs);
  return d;
}

std::string Known(const std::map<std::string, board::BoardKind>& kinds) {
  std::string s;
  for (const auto& [name, _] : kinds) s += (s.empty() ? "" : ", ") + name;
  return s;
}

store::JobInfo JobInfoFor(const Suite& suite, const std::vector<ModelBlob>& blobs, const std::map<std::string, board::BoardKind>& kinds,
                          const Job& job, const std::string& instance) {
  store::JobInfo info;
  info.ordinal = job.ordinal;
  info.model_name = suite.models[job.model_index].name;
  info.model_sha256 = blobs[job.model_index].sha256;
  info.model_bytes = blobs[job.model_index].bytes.size();
  info.board_kind = job.board_kind;
  info.board_instance = instance;
  info.clock_hz = kinds.at(job.board_kind).clock_hz;
  info.warmup = job.settings.warmup;
  info.iterations = job.settings.iterations;
  info.repetitions = job.settings.repetitions;
  info.kernel = job.settings.kernel;
  info.engine = EngineOf(job.settings);
  return info;
}

}  // namespace internal

using internal::BoardPool;
using internal::JobInfoFor;
using internal::Known;
using internal::ModelBlob;
using internal::ResolveSuiteData;
using internal::Runner;
using internal::SubmitAndFollow;

namespace {

// "input 0 output 0: 3 of 12 bytes differ, first at byte 4 (board 17, host 15)".
std::string Mismatch(int input, int output, const std::vector<uint8_t>& board, const std::vector<uint8_t>& host) {
  if (board.size() != host.size())
    return fmt::format("input {} output {}: board returned {} bytes, host reference {}", input, output, board.size(), host.size());
  size_t differ = 0, first = 0;
  for (size_t k = 0; k < board.size(); ++k)
    if (board[k] != host[k] && differ++ == 0) first = k;
  return fmt::format("input {} output {}: {} of {} bytes differ, first at byte {} (board {}, host {})", input, output, differ,
                     board.size(), first, static_cast<int8_t>(board[first]), static_cast<int8_t>(host[first]));
}

// Codes that say the board or its link failed, not the model: worth a recovery and a retry.
bool IsBoardFault(Status code) {
  return code == Status::kTimeout || code == Status::kBadState || code == Status::kBadFrame || code == Status::kInternal;
}

uint64_t Scaled(uint64_t value, const board::CycleScale& scale) {
  return scale.factor == 1.0 ? value : static_cast<uint64_t>(std::llround(static_cast<double>(value) * scale.factor));
}

// Energy per inference from the board kind's energy model (`model: per-mhz`): with the core's
// current per MHz I and supply V, one cycle costs I/MHz x V, so E = cycles x I x V. Instructions
// under QEMU stand in for cycles (one per instruction), and the result is labelled an estimate.
void EstimateEnergy(const board::BoardKind& kind, store::JobResult& result) {
  auto get = [&](const char* key) -> std::string {
    auto it = kind.energy.find(key);
    return it == kind.energy.end() ? std::string() : it->second;
  };
  if (get("model") != "per-mhz" || result.samples.empty()) return;
  if (result.unit != "cycles" && result.unit != "instructions") return;
  const double ua_per_mhz = std::atof(get("current_ua_per_mhz").c_str());
  const double volts = std::atof(get("voltage_v").c_str());
  if (ua_per_mhz <= 0 || volts <= 0) return;
  std::vector<uint64_t> values;
  for (const auto& s : result.samples) values.push_back(s.value);
  const double median = Summarize(values).median;
  result.energy_uj = median * ua_per_mhz * volts * 1e-6;
  std::string reference = get("reference");
  result.energy_source = fmt::format("estimate: {} x {} uA/MHz x {} V{}", result.unit, get("current_ua_per_mhz"), get("voltage_v"),
                                     reference.empty() ? "" : " (" + reference + ")");
}

// A farm instance of a real board: it names how to reach it (probe, flasher or serial port).
bool IsPhysical(const board::BoardInstance& inst) {
  return !inst.flasher.empty() || !inst.probe.empty() || !inst.serial_port.empty();
}

// A kind's `probe:` section, as lists: "a, b" -> {"a", "b"} (`separator` ';' for OpenOCD commands).
std::vector<std::string> ProbeList(const board::BoardKind& kind, const std::string& key, char separator = ',') {
  std::vector<std::string> out;
  auto it = kind.probe.find(key);
  if (it == kind.probe.end()) return out;
  std::stringstream in(it->second);
  for (std::string item; std::getline(in, item, separator);) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// The debug probe of a physical instance: the farm's `flasher` (openocd | pyocd) and `probe`
// selector, with the kind's `probe:` section saying the target (openocd_target: "target/stm32f7x.cfg",
// optionally openocd_interface and openocd_commands; pyocd_target: "stm32f746zgtx").
Result<std::unique_ptr<board::DebugProbe>> MakeProbe(const board::BoardInstance& inst, const board::BoardKind& kind) {
  std::optional<board::ProbeSelector> selector;
  if (!inst.probe.empty()) {
    auto s = board::ParseProbeSelector(inst.probe);
    if (!s) return std::unexpected(s.error());
    selector = *s;
  }
  const std::string flasher = inst.flasher.empty() ? (kind.probe.contains("pyocd_target") && !kind.probe.contains("openocd_target")
                                                          ? "pyocd" : "openocd")
                                                   : inst.flasher;
  if (flasher == "pyocd") {
    board::PyOcdOptions o;
    o.instance_id = inst.id;
    o.target = kind.probe.contains("pyocd_target") ? kind.probe.at("pyocd_target") : "";
    o.selector = selector;
    if (o.target.empty())
      return Fail(Status::kBadArgument, "board " + inst.id + ": flasher pyocd needs probe.pyocd_target in " + kind.file);
    auto p = board::PyOcdProbe::Create(o);
    if (!p) return std::unexpected(p.error());
    return std::unique_ptr<board::DebugProbe>(std::move(*p));
  }
  board::OpenOcdOptions o;
  o.instance_id = inst.id;
  o.interface_configs = ProbeList(kind, "openocd_interface");
  o.target_configs = ProbeList(kind, "openocd_target");
  o.commands = ProbeList(kind, "openocd_commands", ';');
  o.selector = selector;
  if (o.target_configs.empty())
    return Fail(Status::kBadArgument, "board " + inst.id + ": flasher openocd needs probe.openocd_target in " + kind.file);
  auto p = board::OpenOcdProbe::Create(o);
  if (!p) return std::unexpected(p.error());
  return std::unique_ptr<board::DebugProbe>(std::move(*p));
}

// The power monitor a farm instance names (`power_monitor: ppk2:/dev/ttyACM1`, `lpm01a:<USB
// serial>`), opened and configured. Capture settings come from the kind's `energy:` section:
// supply_v (the voltage the monitor applies; default 3.3), monitor_rate_hz (LPM01A; default 1000;
// the PPK2 always samples at 100 kHz) and timestamp_channel (the PPK2 logic-port bit the timestamp
// GPIO is wired to; default 0).
Result<std::unique_ptr<power::PowerMonitor>> OpenPowerMonitor(const board::BoardInstance& inst, const board::BoardKind& kind) {
  const std::string& spec = inst.power_monitor;
  const std::string name = spec.substr(0, spec.find(':'));
  const std::string where = spec.size() > name.size() ? spec.substr(name.size() + 1) : std::string();
  auto energy = [&](const char* key, const char* fallback) {
    auto it = kind.energy.find(key);
    return it == kind.energy.end() ? std::string(fallback) : it->second;
  };
  if (where.empty())
    return Fail(Status::kBadArgument, "power monitor " + spec + " of " + inst.id + ": say which port: " + name + ":/dev/ttyACM1 or " +
                                          name + ":<USB serial number>");
  auto tty = board::ResolveSerialPort(where);  // a path, or the USB serial number of the instrument
  if (!tty) return Fail(tty.error().code, "power monitor " + spec + " of " + inst.id + ": " + tty.error().message);
  std::unique_ptr<power::PowerMonitor> monitor;
  power::CaptureConfig config;
  config.voltage_v = std::atof(energy("supply_v", "3.3").c_str());
  config.gpio_channel = std::atoi(energy("timestamp_channel", "0").c_str());
  if (name == "ppk2") {
    auto m = power::Ppk2Monitor::Open(*tty);
    if (!m) return Fail(m.error().code, "power monitor " + spec + " of " + inst.id + ": " + m.error().message);
    monitor = std::move(*m);
    config.sample_rate_hz = power::Ppk2Monitor::kSampleRateHz;
  } else {
    auto m = power::Lpm01aMonitor::Open(*tty);
    if (!m) return Fail(m.error().code, "power monitor " + spec + " of " + inst.id + ": " + m.error().message);
    monitor = std::move(*m);
    config.sample_rate_hz = static_cast<uint32_t>(std::atol(energy("monitor_rate_hz", "1000").c_str()));
  }
  if (auto c = monitor->Configure(config, Deadline::After(std::chrono::seconds(5))); !c)
    return Fail(c.error().code, "power monitor " + std::string(monitor->Describe()) + " of " + inst.id + ": " + c.error().message);
  return monitor;
}

// Energy measured by an instance's power monitor over one job: armed before each input's timed
// runs, collected after them, one timestamp-GPIO window per timed batch (an INVOKE, or an MLPerf
// `infer`). A failure drops the monitor (the next job opens it again) and keeps every other figure
// of the job, which Apply stores as an error naming the monitor.
class EnergyMeter {
 public:
  EnergyMeter() = default;  // the instance has no monitor
  EnergyMeter(std::unique_ptr<power::PowerMonitor>* slot, std::string error) : slot_(slot), error_(std::move(error)) {}

  bool configured() const { return slot_ != nullptr; }
  bool measuring() const { return slot_ && *slot_ && error_.empty(); }
  const std::string& error() const { return error_; }

  void Arm() {
    if (!measuring()) return;
    if (auto a = (*slot_)->Arm(Deadline::After(std::chrono::seconds(5))); !a) Failed(Wrap(a.error(), Who()).error());
  }

  // After `batches` timed batches of `inferences` each: the windows' durations (ns), or nothing
  // when the monitor failed (the reason is kept for Apply).
  std::optional<std::vector<int64_t>> Collect(size_t batches, uint32_t inferences, const char* batch_name) {
    if (!measuring()) return std::nullopt;
    const std::string who = Who();
    auto capture = (*slot_)->Collect(Deadline::After(std::chrono::seconds(10)));
    if (!capture) {
      Failed(Wrap(capture.error(), who).error());
      return std::nullopt;
    }
    if (capture->windows.size() != batches) {
      Failed(Error{Status::kBadState, fmt::format("{}: saw {} timestamp windows, expected {} (one per {}): is the timestamp GPIO "
                                                  "wired to the channel the kind's energy.timestamp_channel names?",
                                                  who, capture->windows.size(), batches, batch_name)});
      return std::nullopt;
    }
    for (auto& w : capture->windows) w.inferences = inferences;
    auto windows = power::IntegrateWindows(*capture, capture->windows);
    if (!windows) {
      Failed(Wrap(windows.error(), who).error());
      return std::nullopt;
    }
    std::vector<int64_t> durations;
    for (const auto& w : *windows) {
      energy_uj_ += w.energy_uj;
      durations.push_back(w.window.end_ns - w.window.start_ns);
    }
    inferences_ += static_cast<uint64_t>(batches) * inferences;
    source_ = fmt::format("{}: {} at {} V, {} Hz", capture->source, (*slot_)->Describe(), capture->voltage_v,
                          capture->sample_period_ns > 0 ? 1'000'000'000 / capture->sample_period_ns : 0);
    return durations;
  }

  // The energy per inference, or the monitor's failure as the job's error (other figures kept).
  void Apply(store::JobResult& result) const {
    if (!configured()) return;
    if (!error_.empty()) {
      result.status = store::kError;
      result.error = error_ + " (the job's other figures are kept)";
    } else if (inferences_ > 0) {
      result.energy_uj = energy_uj_ / static_cast<double>(inferences_);
      result.energy_source = source_;
    }
  }

 private:
  std::string Who() const { return "power monitor " + std::string((*slot_)->Describe()); }
  void Failed(const Error& e) {
    error_ = e.message;
    slot_->reset();
  }

  std::unique_ptr<power::PowerMonitor>* slot_ = nullptr;
  std::string error_;
  double energy_uj_ = 0;
  uint64_t inferences_ = 0;
  std::string source_;
};

// A job's verdict, check by check: each check appends "<name>: pass|FAIL (...)" to result.check
// (replacing "none"), and a failed one makes the job fail.
void AddCheck(store::JobResult& result, bool pass, const std::string& text) {
  result.check = (result.check == "none" || result.check.empty() ? "" : result.check + "; ") + text;
  if (!pass) result.status = store::kFail;
}

// Checks a finished job against its board kind's budget: appends "budget: pass (N limits)" or
// "budget: FAIL ..." naming each limit exceeded to the job's checks, and fails the job.
void CheckBudget(const Suite& suite, const store::JobInfo& info, store::JobResult& result) {
  const Budget* b = BudgetFor(suite, info.board_kind);
  if (!b || result.status == store::kError) return;
  const std::string field = "budgets." + b->kind;
  std::vector<std::string> over, not_measured;
  int checked = 0;
  std::vector<uint64_t> values;
  for (const auto& s : result.samples) values.push_back(s.value);
  const double median = Summarize(values).median;
  auto limit = [&](bool measurable, double value, double max, const std::string& key, const std::string& shown) {
    if (!measurable) {
      not_measured.push_back(key);
      return;
    }
    ++checked;
    if (value > max) over.push_back(fmt::format("{} {} > {} ({}.{})", key, shown, max, field, key));
  };
  if (b->latency_us) {
    double us = -1;
    if (result.unit == "ns") us = median / 1000.0;
    else if ((result.unit == "cycles" || result.unit == "instructions") && info.clock_hz) us = median * 1e6 / static_cast<double>(info.clock_hz);
    limit(us >= 0 && !values.empty(), us, *b->latency_us, "latency_us", fmt::format("{:.1f}", us));
  }
  if (b->latency_instructions)
    limit(result.unit == "instructions" && !values.empty(), median, static_cast<double>(*b->latency_instructions), "latency_instructions",
          fmt::format("{:.0f}", median));
  if (b->latency_cycles)
    limit(result.unit == "cycles" && !values.empty(), median, static_cast<double>(*b->latency_cycles), "latency_cycles", fmt::format("{:.0f}", median));
  if (b->ram_peak_bytes) {
    const double ram = result.memory ? static_cast<double>(uint64_t{result.memory->arena_used} + result.memory->stack_used +
                                                           result.memory->static_bytes)
                                     : 0;
    limit(result.memory.has_value(), ram, static_cast<double>(*b->ram_peak_bytes), "ram_peak_bytes", fmt::format("{:.0f}", ram));
  }
  if (b->flash_bytes) {
    const double flash = static_cast<double>(result.flash_bytes + info.model_bytes);
    limit(result.flash_bytes != 0, flash, static_cast<double>(*b->flash_bytes), "flash_bytes", fmt::format("{:.0f}", flash));
  }
  if (b->energy_uj) limit(result.energy_uj.has_value(), result.energy_uj.value_or(0), *b->energy_uj, "energy_uj",
                          fmt::format("{:.3f}", result.energy_uj.value_or(0)));
  std::string text;
  if (over.empty()) {
    text = fmt::format("budget: pass ({} limit{})", checked, checked == 1 ? "" : "s");
  } else {
    text = "budget: FAIL";
    for (size_t i = 0; i < over.size(); ++i) text += (i ? ", " : " ") + over[i];
  }
  if (!not_measured.empty()) {
    text += " (not measured here:";
    for (const auto& k : not_measured) text += " " + k;
    text += ")";
  }
  AddCheck(result, over.empty(), text);
}

// Where a run's time goes, summed over the board workers (microseconds).
struct Timing {
  std::atomic<int64_t> board_start{0}, upload{0}, invoke{0}, io{0}, reference{0}, store{0};
};

template <class F>
auto Time(std::atomic<int64_t>& total_us, F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = f();
  total_us += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  return r;
}


// The first verdict of a job: its outputs against the host reference (`what` names the comparison),
// or "none" when the suite does not compare them.
void OutputsVerdict(store::JobResult& result, bool compare, const char* what, int compared, int mismatches) {
  result.status = store::kPass;
  result.check = "none";
  if (!compare) return;
  result.check.clear();
  AddCheck(result, mismatches == 0,
           mismatches == 0 ? fmt::format("{}: pass ({} compared)", what, compared)
                           : fmt::format("{}: FAIL ({} of {} differ)", what, mismatches, compared));
}

void Top1Verdict(store::JobResult& result, int hits, int total, double needed) {
  const double accuracy = total ? static_cast<double>(hits) / total : 0.0;
  const bool pass = total > 0 && accuracy >= needed;
  AddCheck(result, pass,
           fmt::format("top1: {} ({} of {} = {:.1f}%, needs {:.1f}%)", pass ? "pass" : "FAIL", hits, total, 100.0 * accuracy, 100.0 * needed));
}

}  // namespace

class internal::Runner::Impl {
 public:
  Impl(const RunOptions& options, const Suite& suite, std::vector<ModelBlob> blobs, std::vector<std::vector<uint8_t>> inputs,
       std::map<std::string, board::BoardKind> kinds, board::Farm farm, store::Store& store, BoardPool* pool)
      : options_(options),
        suite_(suite),
        blobs_(std::move(blobs)),
        input_blobs_(std::move(inputs)),
        kinds_(std::move(kinds)),
        farm_(std::move(farm)),
        store_(store),
        pool_(pool ? *pool : own_pool_),
        boards_(pool_.boards),
        monitors_(pool_.monitors) {}

  ~Impl() {
    if (&pool_ == &own_pool_) boards_.clear();
  }

  std::vector<std::pair<std::string, std::string>> SuiteFacts() { return SuiteEnvironment(); }
  Result<int> CheckRegressionsOf(int64_t run_id) {
    run_id_ = run_id;
    return CheckRegressions();
  }

  store::JobResult ExecuteClaimed(int64_t run_id, const Job& job, const board::BoardInstance& inst, bool& unhealthy) {
    run_id_ = run_id;
    store::JobResult result = ExecuteWithRecovery(job, inst, unhealthy);
    CheckBudget(suite_, InfoFor(job, inst), result);
    return result;
  }

  Result<RunOutcome> Run() {
    const std::vector<Job> jobs = PlanJobs(suite_);
    std::vector<bool> claimed(jobs.size(), false);
    int fails = 0, errors = 0;
    size_t done = 0;
    if (options_.resume_run_id > 0) {
      // Jobs the interrupted run finished stay as they are; the rest are planned again.
      run_id_ = options_.resume_run_id;
      if (auto r = store_.ResumeRun(run_id_); !r) return std::unexpected(r.error());
      auto finished = store_.ListJobs(run_id_);
      if (!finished) return std::unexpected(finished.error());
      for (const auto& j : *finished) {
        if (j.info.ordinal >= 0 && static_cast<size_t>(j.info.ordinal) < jobs.size()) claimed[j.info.ordinal] = true;
        if (j.status == store::kFail) ++fails;
        else if (j.status != store::kPass) ++errors;
        ++done;
      }
      Progress(fmt::format("resuming run {}: {} of {} jobs finished before, {} to run", run_id_, done, jobs.size(), jobs.size() - done));
      (void)store_.SetEnvironment(run_id_, {{"resumed", fmt::format("{} of {} jobs re-planned", jobs.size() - done, jobs.size())}});
    } else {
      auto run = store_.BeginRun({suite_.name, suite_.file});
      if (!run) return std::unexpected(run.error());
      run_id_ = *run;
    }
    started_ = std::chrono::steady_clock::now();
    total_jobs_ = jobs.size();
    done_before_ = done;
    if (options_.on_run_started) options_.on_run_started(run_id_);
    (void)store_.SetEnvironment(run_id_, HostEnvironment());
    (void)store_.SetEnvironment(run_id_, SuiteEnvironment());

    // One worker per farm instance of a kind the suite uses; each takes the next job of its kind,
    // so boards of different kinds (and several of one kind) run at the same time. A worker only
    // touches its own board; the store and the terminal are shared under mu_.
    std::vector<const board::BoardInstance*> workers;
    for (const auto& inst : farm_.instances) {
      bool used = false;
      for (const Job& j : jobs) used = used || j.board_kind == inst.kind;
      if (used) {
        workers.push_back(&inst);
        boards_[inst.id];  // every slot exists before the threads start: no insertion later
        monitors_[inst.id];
      }
    }
    std::optional<Error> store_failure;
    auto work = [&](const board::BoardInstance& inst) {
      for (;;) {
        const Job* job = nullptr;
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (store_failure) return;
          for (size_t i = 0; i < jobs.size() && !job; ++i) {
            if (!claimed[i] && jobs[i].board_kind == inst.kind) {
              claimed[i] = true;
              job = &jobs[i];
            }
          }
        }
        if (!job) {
          BoardState(inst.id, "done", false);
          return;
        }
        bool unhealthy = false;
        BoardState(inst.id, suite_.models[job->model_index].name, false);
        auto status = RunJob(*job, inst, jobs.size(), done, unhealthy);
        BoardState(inst.id, "idle", true);
        std::lock_guard<std::mutex> lock(mu_);
        if (!status) {
          if (!store_failure) store_failure = status.error();  // the store itself failed
          return;
        }
        if (*status == store::kFail) ++fails;
        else if (*status != store::kPass) ++errors;
        if (unhealthy) {
          unhealthy_.insert(inst.id);
          return;  // its remaining jobs go to other instances of the kind
        }
      }
    };
    std::vector<std::thread> threads;
    for (const auto* inst : workers) threads.emplace_back(work, std::cref(*inst));
    for (auto& t : threads) t.join();
    EndStatus();
    if (store_failure) return std::unexpected(*store_failure);
    // Jobs no healthy board was left to run are stored as errors, naming the boards that failed.
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (claimed[i]) continue;
      std::string sick;
      for (const auto& id : unhealthy_) sick += (sick.empty() ? "" : ", ") + id;
      auto r = StoreUnrunnable(jobs[i], "no healthy board of kind " + jobs[i].board_kind + " left (unhealthy: " + sick + ")");
      if (!r) return std::unexpected(r.error());
      ++errors;
    }

    for (const auto& [id, b] : boards_)
      if (b) RecordLinkStats(*b);
    boards_.clear();  // tear the agents down before reporting
    auto regressions = CheckRegressions();
    if (!regressions) return std::unexpected(regressions.error());
    fails += *regressions;
    {
      // Wall time, and where the boards' workers spent theirs: INVOKE is the boards computing;
      // everything else is the farm's overhead (starting boards, uploads, host reference, store).
      using namespace std::chrono;
      const double wall = duration<double>(steady_clock::now() - options_.started).count();
      const double before = duration<double>(started_ - options_.started).count();
      auto sec = [](const std::atomic<int64_t>& us) { return static_cast<double>(us.load()) / 1e6; };
      const std::string text = fmt::format(
          "wall {:.1f} s ({:.1f} s before the boards: suite, models); board workers: invoke {:.1f} s, model upload {:.1f} s, "
          "board start {:.1f} s, other link traffic {:.1f} s, host reference {:.1f} s, store {:.2f} s",
          wall, before, sec(timing_.invoke), sec(timing_.upload), sec(timing_.board_start), sec(timing_.io), sec(timing_.reference),
          sec(timing_.store));
      (void)store_.SetEnvironment(run_id_, {{"timing", text}});
      Progress("timing: " + text);
    }
    RunOutcome out;
    out.run_id = run_id_;
    out.status = errors ? store::kError : fails ? store::kFail : store::kPass;
    out.exit_code = errors ? kExitError : fails ? kExitCheckFailed : kExitPass;
    if (auto r = store_.FinishRun(run_id_, out.status); !r) return std::unexpected(r.error());
    auto rows = store_.ListJobs(run_id_);
    if (!rows) return std::unexpected(rows.error());
    out.jobs = std::move(*rows);
    return out;
  }

 private:
  // Facts about the suite and the repository it lives in: the suite file's hash, and the git commit
  // and branch (HIL_GIT_BRANCH overrides the branch, for CI checkouts on a detached HEAD).
  std::vector<std::pair<std::string, std::string>> SuiteEnvironment() {
    std::vector<std::pair<std::string, std::string>> facts;
    if (!suite_.sha256.empty()) facts.emplace_back("suite_sha256", suite_.sha256);
    std::string dir = std::filesystem::path(suite_.file).parent_path().string();
    if (dir.empty()) dir = ".";
    const std::string commit = GitOutput(dir, "rev-parse --short=12 HEAD");
    if (!commit.empty()) facts.emplace_back("suite_git_commit", commit);
    if (const char* env = std::getenv("HIL_GIT_BRANCH"); env && *env) git_branch_ = env;
    else git_branch_ = GitOutput(dir, "rev-parse --abbrev-ref HEAD");
    if (!git_branch_.empty()) facts.emplace_back("git_branch", git_branch_);
    return facts;
  }

  // Compares this run with the suite's `regressions:` base and marks slower jobs. Returns how many
  // jobs turned from pass to fail.
  Result<int> CheckRegressions() {
    const RegressionRule& rule = suite_.regressions;
    if (!rule.enabled) return 0;
    std::optional<int64_t> base;
    std::string against;
    if (!rule.baseline.empty()) {
      auto b = store_.BaselineRun(rule.baseline);
      if (!b) return std::unexpected(b.error());
      base = *b;
      if (base) against = fmt::format("baseline {} (run {})", rule.baseline, *base);
    } else if (!git_branch_.empty()) {
      auto b = store_.LastRunOnBranch(suite_.name, git_branch_, run_id_);
      if (!b) return std::unexpected(b.error());
      base = *b;
      if (base) against = fmt::format("run {} (the last of {} on branch {})", *base, suite_.name, git_branch_);
    }
    if (!base) {
      const std::string why = !rule.baseline.empty() ? "baseline " + rule.baseline + " is gone"
                              : git_branch_.empty()  ? "no git branch known (not in a repository; set HIL_GIT_BRANCH)"
                                                     : "no earlier finished run of " + suite_.name + " on branch " + git_branch_;
      Progress("regressions: nothing to compare with: " + why);
      (void)store_.SetEnvironment(run_id_, {{"regressions", "not checked: " + why}});
      return 0;
    }
    auto base_jobs = store_.ListJobs(*base);
    if (!base_jobs) return std::unexpected(base_jobs.error());
    auto jobs = store_.ListJobs(run_id_);
    if (!jobs) return std::unexpected(jobs.error());
    int marked = 0, found = 0;
    for (const auto& row : report::CompareJobs(*base_jobs, *jobs, rule.threshold_pct)) {
      if (!row.base || !row.candidate || row.comparison.verdict != Verdict::kRegression) continue;
      ++found;
      const std::string detail = report::RegressionDetail(row, against);
      if (auto r = store_.MarkRegression(row.candidate->id, detail); !r) return std::unexpected(r.error());
      if (row.candidate->status == store::kPass) ++marked;
      Progress(fmt::format("regression: {} on {}: {}", row.model_name, row.candidate->info.board_instance, detail));
    }
    (void)store_.SetEnvironment(
        run_id_, {{"regressions", fmt::format("compared with {} at threshold {}%: {} regression{}", against, rule.threshold_pct, found,
                                              found == 1 ? "" : "s")}});
    if (found == 0) Progress("regressions: none against " + against);
    return marked;
  }

  static std::string GitOutput(const std::string& dir, const std::string& args) {
    const std::string cmd = "git -C '" + dir + "' " + args + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return "";
    char buf[256] = {};
    std::string out;
    while (fgets(buf, sizeof buf, p)) out += buf;
    if (pclose(p) != 0) return "";
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out == "HEAD" ? "" : out;  // a detached HEAD has no branch
  }

  std::string AgentPath(const board::BoardKind& kind) const { return board::AgentFile(kind, options_.build_dir); }

  link::SessionOptions SessionFor() const {
    link::SessionOptions o;
    o.response_timeout = options_.response_timeout;
    o.execute_timeout = options_.execute_timeout;
    o.max_attempts = options_.max_attempts;
    return o;
  }

  Result<std::function<std::unique_ptr<link::Link>(std::unique_ptr<link::Link>)>> LinkWrapper() const {
    if (options_.inject_faults.empty()) return nullptr;
    auto faults = link::testing::ParseFaultOptions(options_.inject_faults);
    if (!faults) return std::unexpected(faults.error());
    return [f = *faults](std::unique_ptr<link::Link> l) { return link::testing::MakeFaultyLink(std::move(l), f); };
  }

  // Starts the board an instance describes: the POSIX agent as a process, or the agent firmware
  // under QEMU for a kind with a `qemu:` section.
  Result<std::unique_ptr<board::Board>> StartBoard(const board::BoardInstance& inst, const board::BoardKind& kind) {
    auto wrap = LinkWrapper();
    if (!wrap) return std::unexpected(wrap.error());
    if (kind.qemu.contains("machine")) {
      board::QemuBoardOptions o;
      o.machine = kind.qemu.at("machine");
      o.firmware = AgentPath(kind);
      o.instance_id = inst.id;
      o.link = inst.transport.empty() ? kind.transport : inst.transport;
      if (kind.qemu.contains("icount_shift")) o.icount_shift = std::atoi(kind.qemu.at("icount_shift").c_str());
      if (kind.qemu.contains("uart_index")) o.uart_index = std::atoi(kind.qemu.at("uart_index").c_str());
      o.baud_rate = kind.baud_rate;
      o.session = SessionFor();
      o.wrap_link = *wrap;
      auto b = board::QemuBoard::Start(o);
      if (!b) return std::unexpected(b.error());
      const auto& h = (*b)->hello();
      SetEnvironment({{"firmware." + inst.id, fmt::format("{} engine v{} protocol v{} {} sha256:{}", h.agent_name, h.engine_version,
                                                          h.protocol_version, o.firmware, (*b)->firmware_build_id().substr(0, 16))},
                      {"link." + inst.id, (*b)->Describe()}});
      return std::unique_ptr<board::Board>(std::move(*b));
    }
    if (IsPhysical(inst)) {
      // A physical board: flashed and reset through its probe, reached over its UART or RTT.
      auto probe = MakeProbe(inst, kind);
      if (!probe) return Wrap(probe.error(), "board " + inst.id);
      board::PhysicalBoardOptions o;
      o.instance_id = inst.id;
      o.firmware = AgentPath(kind);
      o.link = inst.transport == "rtt" ? "rtt" : "uart";
      o.serial_port = inst.serial_port;
      o.baud_rate = kind.baud_rate;
      o.probe = std::move(*probe);
      o.hub_location = inst.hub.location;
      o.hub_port = inst.hub.port;
      o.session = SessionFor();
      o.wrap_link = *wrap;
      auto b = board::PhysicalBoard::Start(std::move(o));
      if (!b) return std::unexpected(b.error());
      const auto& h = (*b)->hello();
      SetEnvironment({{"firmware." + inst.id, fmt::format("{} engine v{} protocol v{} {} sha256:{}", h.agent_name, h.engine_version,
                                                          h.protocol_version, AgentPath(kind), (*b)->firmware_build_id().substr(0, 16))},
                      {"link." + inst.id, (*b)->Describe()}});
      return std::unique_ptr<board::Board>(std::move(*b));
    }
    if (kind.platform != "posix")
      return Fail(Status::kUnknownMessage, "board " + inst.id + ": no driver yet for platform '" + kind.platform + "' (kind " +
                                               kind.name + " in " + kind.file + ")");
    board::PosixBoardOptions o;
    o.agent_path = AgentPath(kind);
    o.instance_id = inst.id;
    o.transport = inst.transport.empty() ? kind.transport : inst.transport;
    o.baud_rate = kind.baud_rate;
    o.extra_args = kind.agent_args;
    o.extra_args.insert(o.extra_args.end(), inst.args.begin(), inst.args.end());
    o.session = SessionFor();
    o.wrap_link = *wrap;
    auto b = board::PosixBoard::Start(o);
    if (!b) return std::unexpected(b.error());
    const auto& h = (*b)->hello();
    std::string agent_hash;
    {
      auto bytes = ReadRegularFile(o.agent_path, uint64_t{1} << 30);
      agent_hash = bytes ? Sha256Hex(std::span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size())).substr(0, 16)
                         : "unreadable";
    }
    SetEnvironment({{"firmware." + inst.id, fmt::format("{} engine v{} protocol v{} sha256:{}", h.agent_name, h.engine_version,
                                                        h.protocol_version, agent_hash)},
                    {"link." + inst.id, (*b)->Describe()}});
    return std::unique_ptr<board::Board>(std::move(*b));
  }

  // The link a job asks for on an instance: the suite's `link:` setting, else the farm instance's
  // transport, else the kind's. For a POSIX agent `uart` means its pty, the UART it stands in for.
  Result<std::string> LinkFor(const board::BoardInstance& inst, const Settings& settings) const {
    const board::BoardKind& kind = kinds_.at(inst.kind);
    if (IsPhysical(inst)) {
      // A physical board: the suite's link, else the farm's `link:`, else the kind's transport.
      if (!settings.link.empty()) return settings.link;
      if (!inst.link.empty()) return inst.link;
      return kind.transport == "rtt" ? std::string("rtt") : std::string("uart");
    }
    const std::string base = inst.transport.empty() ? kind.transport : inst.transport;
    if (settings.link.empty()) return base;
    if (kind.qemu.contains("machine")) return settings.link;
    if (settings.link == "uart") return base == "unix" || base == "tcp" ? base : std::string("pty");
    return Fail(Status::kBadArgument, "board " + inst.id + ": link '" + settings.link + "' is not offered by a POSIX agent (uart)");
  }

  // The started board for the instance on `link`, reusing a live one on the same link. Called only
  // by the instance's worker.
  Result<board::Board*> BoardFor(const board::BoardInstance& inst, const std::string& link) {
    std::unique_ptr<board::Board>& slot = boards_.at(inst.id);
    if (slot && slot->link_kind() == link && slot->CheckAlive()) return slot.get();
    if (slot) RecordLinkStats(*slot);
    slot.reset();
    board::BoardInstance on_link = inst;
    on_link.transport = link;
    auto b = Time(timing_.board_start, [&] { return StartBoard(on_link, kinds_.at(inst.kind)); });
    if (!b) return std::unexpected(b.error());
    slot = std::move(*b);
    return slot.get();
  }

  void SetEnvironment(const std::vector<std::pair<std::string, std::string>>& facts) {
    std::lock_guard<std::mutex> lock(mu_);
    (void)store_.SetEnvironment(run_id_, facts);
  }

  // A job stored as an error without a board: its kind has no healthy instance left.
  Result<void> StoreUnrunnable(const Job& job, const std::string& why) {
    const ModelSpec& spec = suite_.models[job.model_index];
    store::JobInfo info;
    info.ordinal = job.ordinal;
    info.model_name = spec.name;
    info.model_sha256 = blobs_[job.model_index].sha256;
    info.model_bytes = blobs_[job.model_index].bytes.size();
    info.board_kind = job.board_kind;
    info.warmup = job.settings.warmup;
    info.iterations = job.settings.iterations;
    info.repetitions = job.settings.repetitions;
    info.kernel = job.settings.kernel;
    info.engine = EngineOf(job.settings);
    auto id = store_.BeginJob(run_id_, info);
    if (!id) return std::unexpected(id.error());
    store::JobResult r;
    r.status = store::kError;
    r.error = why;
    Progress(fmt::format("[-] {} on {}: error: {}", spec.name, job.board_kind, why));
    return store_.FinishJob(*id, r);
  }

  // Link health for the environment table: how much retransmission the results cost.
  void RecordLinkStats(board::Board& b) {
    const link::SessionStats& st = b.session().stats();
    SetEnvironment({{"link_stats." + b.instance_id(), fmt::format("{} requests, {} retransmissions, {} bad frames, {} stale replies",
                                                                  st.requests, st.retransmissions, st.bad_frames, st.stale_responses)}});
  }

  // Progress lines; on a terminal (options_.progress_tty) they scroll above a status line redrawn in
  // place: jobs done of total, elapsed time, ETA, and what each board is doing.
  void Progress(const std::string& line) {
    if (!options_.progress) return;
    std::lock_guard<std::mutex> lock(progress_mu_);
    if (!options_.progress_tty || status_ended_) {
      *options_.progress << line << std::endl;
      return;
    }
    *options_.progress << "\r\x1b[K" << line << "\n" << StatusLine() << std::flush;
  }

  void BoardState(const std::string& instance, const std::string& state, bool finished_a_job) {
    if (!options_.progress) return;
    std::lock_guard<std::mutex> lock(progress_mu_);
    board_state_[instance] = state;
    if (finished_a_job) ++done_here_;
    if (options_.progress_tty && !status_ended_) *options_.progress << "\r\x1b[K" << StatusLine() << std::flush;
  }

  // Called with progress_mu_ held.
  std::string StatusLine() const {
    using namespace std::chrono;
    const double elapsed = duration<double>(steady_clock::now() - started_).count();
    auto mmss = [](double sec) { return fmt::format("{}m{:02}s", static_cast<int>(sec) / 60, static_cast<int>(sec) % 60); };
    const size_t finished = done_before_ + done_here_;
    std::string line = fmt::format("[{}/{}] {}", finished, total_jobs_, mmss(elapsed));
    if (done_here_ > 0 && finished < total_jobs_)
      line += " ETA " + mmss(elapsed / static_cast<double>(done_here_) * static_cast<double>(total_jobs_ - finished));
    for (const auto& [id, state] : board_state_) line += " | " + id + " " + state;
    if (line.size() > 200) line = line.substr(0, 197) + "...";
    return line;
  }

  void EndStatus() {
    if (!options_.progress || !options_.progress_tty) return;
    std::lock_guard<std::mutex> lock(progress_mu_);
    *options_.progress << "\r\x1b[K" << std::flush;
    status_ended_ = true;  // later lines (regressions, timing) print plainly
  }

  // Runs one job and stores it. Returns its status; an Error only when the store fails.
  // Runs one job on `instance` and stores it. Returns its status; an Error only when the store
  // fails. Sets `unhealthy` when the board could not be recovered.
  // Runs a job on the instance's board, recovering a board that hangs or dies once (reset, then
  // restart where the board can; otherwise it is started anew) and retrying; a board that cannot be
  // brought back, or fails again, sets `unhealthy`. The result is complete but not stored.
  store::JobResult ExecuteWithRecovery(const Job& job, const board::BoardInstance& instance, bool& unhealthy) {
    const ModelBlob& blob = blobs_[job.model_index];
    const board::BoardInstance* inst = &instance;
    const board::BoardKind& kind = kinds_.at(job.board_kind);
    store::JobResult result;
    auto ok = Execute(job, *inst, kind, blob, result);
    if (!ok && IsBoardFault(ok.error().code)) {
      // The board hung, died or garbled the link: recover it (reset, then restart where the board
      // can; otherwise start it anew) and give the job one more try. A board that cannot be brought
      // back, or fails again, is marked unhealthy and takes no more jobs.
      std::string cause = ok.error().message;
      auto& b = boards_.at(inst->id);
      Result<void> recovered = Fail(Status::kBadState, "board " + inst->id + " is gone");
      if (b) {
        if (auto alive = b->CheckAlive(); !alive) cause += "; " + alive.error().message;
        RecordLinkStats(*b);
        recovered = b->Recover();
        if (!recovered) b.reset();
      }
      result = store::JobResult{};
      ok = Execute(job, *inst, kind, blob, result);  // starts the board anew when it was dropped
      if (!ok) {
        unhealthy = IsBoardFault(ok.error().code);
        ok = Fail(ok.error().code, ok.error().message + " (after recovery from: " + cause + ")");
      } else {
        SetEnvironment({{"recovered." + inst->id + "." + std::to_string(job.ordinal), cause}});
      }
    }
    if (!ok) {
      result.status = store::kError;
      result.error = ok.error().message;
      // Name the cause when the agent died rather than answered badly, and start afresh next job.
      if (auto& b = boards_.at(inst->id)) {
        if (auto alive = b->CheckAlive(); !alive) result.error += "; " + alive.error().message;
        RecordLinkStats(*b);
        b.reset();
      }
      if (unhealthy) result.error += "; board " + inst->id + " marked unhealthy";
    }
    return result;
  }

  store::JobInfo InfoFor(const Job& job, const board::BoardInstance& inst) const {
    return JobInfoFor(suite_, blobs_, kinds_, job, inst.id);
  }

  Result<std::string> RunJob(const Job& job, const board::BoardInstance& instance, size_t total, size_t& done, bool& unhealthy) {
    const ModelSpec& spec = suite_.models[job.model_index];
    const board::BoardInstance* inst = &instance;
    const store::JobInfo info = InfoFor(job, instance);
    Result<int64_t> job_id = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_id = Time(timing_.store, [&] { return store_.BeginJob(run_id_, info); });
    }
    if (!job_id) return std::unexpected(job_id.error());

    store::JobResult result = ExecuteWithRecovery(job, instance, unhealthy);
    CheckBudget(suite_, info, result);
    std::lock_guard<std::mutex> lock(mu_);
    if (auto r = Time(timing_.store, [&] { return store_.FinishJob(*job_id, result); }); !r) return std::unexpected(r.error());
    ++done;
    std::string line = fmt::format("[{}/{}] {} on {}: {}", done, total, spec.name, inst->id, result.status);
    if (!result.samples.empty()) {
      std::vector<uint64_t> v;
      for (const auto& s : result.samples) v.push_back(s.value);
      line += fmt::format(" (median {:.0f} {})", Summarize(v).median, result.unit);
    }
    if (!result.error.empty()) line += ": " + result.error;
    else if (!result.check_detail.empty()) line += ": " + result.check_detail;
    if (result.check.find("budget: FAIL") != std::string::npos) line += ": " + result.check.substr(result.check.find("budget: FAIL"));
    Progress(line);
    return result.status;
  }

  // checks.auc: whether labelled input `input` is anomalous (label 1) or normal (0); any other label
  // is refused, naming the sample.
  Result<bool> Anomalous(int input) const {
    const int label = suite_.inputs.labels[input];
    if (label != 0 && label != 1)
      return Fail(Status::kBadArgument, fmt::format("checks.auc: input {} ({}) has label {}; expected 0 (normal) or 1 (anomalous)",
                                                    input, suite_.inputs.files[input], label));
    return label == 1;
  }

  // checks.auc: the ROC AUC of the anomaly scores against the labels (1 anomalous) must reach `min`.
  static Result<void> AucVerdict(store::JobResult& result, const std::vector<double>& scores, const std::vector<bool>& anomalous,
                                 double min) {
    std::unique_ptr<bool[]> positive(new bool[anomalous.size()]);
    size_t n_anomalous = 0;
    for (size_t k = 0; k < anomalous.size(); ++k) n_anomalous += (positive[k] = anomalous[k]) ? 1 : 0;
    const auto auc = RocAuc(scores, std::span<const bool>(positive.get(), anomalous.size()));
    if (!auc)
      return Fail(Status::kBadArgument, fmt::format("checks.auc: needs normal (0) and anomalous (1) samples; the labels have {} and {}",
                                                    anomalous.size() - n_anomalous, n_anomalous));
    const bool pass = *auc >= min;
    AddCheck(result, pass,
             fmt::format("auc: {} ({:.3f} over {} samples: {} normal, {} anomalous; needs {:.3f})", pass ? "pass" : "FAIL", *auc,
                         anomalous.size(), anomalous.size() - n_anomalous, n_anomalous, min));
    return {};
  }

  // A board whose firmware speaks MLPerf Tiny's DUT text protocol (kind protocol: mlperf-tiny): a
  // third party's submission on a serial port, or our POSIX agent's MLPerf personality started with
  // the job's model. Per input: db load + hex, then per repetition `infer iterations warmup`; the
  // outputs are its printed m-results, checked against the host reference dequantized to the 3
  // decimals the protocol prints.
  // Latency, stored as ns per inference:
  //   mlperf_mode: performance  the DUT's own m-lap-us span over the runs (source mlperf-lap-us);
  //   mlperf_mode: energy       the firmware prints no m-lap-us: the power monitor's timestamp window
  //                             of each infer, over its runs (source mlperf-gpio-window).
  // Energy (either mode) from the instance's power_monitor, one window per infer. With an
  // interface_port the DUT is reached through that interface board's `dut` passthrough, as in
  // MLPerf Tiny's energy setup.
  Result<void> ExecuteMlperf(const Job& job, const board::BoardInstance& inst, const board::BoardKind& kind, const ModelBlob& blob,
                             store::JobResult& result) {
    const ModelSpec& spec = suite_.models[job.model_index];
    const bool energy_mode = kind.mlperf_mode == "energy";
    if (energy_mode && inst.power_monitor.empty())
      return Fail(Status::kBadArgument, "board " + inst.id + ": kind " + kind.name +
                                            " is mlperf_mode: energy (its firmware prints no m-lap-us), so its farm entry needs a "
                                            "power_monitor to time the runs");
    board::Subprocess agent;
    std::string model_file;
    std::string tty = inst.serial_port;
    struct RemoveFile {
      std::string path;
      ~RemoveFile() {
        if (!path.empty()) std::filesystem::remove(path);
      }
    } cleanup;
    if (kind.platform == "posix") {
      model_file = board::UniqueTempPath(inst.id, ".tflite");
      cleanup.path = model_file;
      std::ofstream(model_file, std::ios::binary).write(reinterpret_cast<const char*>(blob.bytes.data()),
                                                         static_cast<std::streamsize>(blob.bytes.size()));
      // The benchmark's own id for the zoo's MLPerf Tiny shapes (it sets the input format), else the name.
      const bool benchmark = spec.source == ModelSpec::Source::kGenerate &&
                             (spec.generator == "kws" || spec.generator == "vww" || spec.generator == "ic" || spec.generator == "ad");
      std::vector<std::string> argv = {AgentPath(kind), "--pty", "--mlperf", model_file, "--mlperf-model-id",
                                       benchmark ? spec.generator + "01" : spec.name};
      if (energy_mode) argv.push_back("--mlperf-energy");
      argv.insert(argv.end(), kind.agent_args.begin(), kind.agent_args.end());
      argv.insert(argv.end(), inst.args.begin(), inst.args.end());
      if (auto s = agent.Start(argv, "", true); !s) return Wrap(s.error(), "board " + inst.id);
      auto line = agent.WaitForLine([](const std::string& l) { return l.rfind("PTY ", 0) == 0; }, Deadline::After(options_.execute_timeout));
      if (!line) return Wrap(line.error(), "board " + inst.id);
      tty = line->substr(4);
    }
    // MLPerf Tiny DUT firmware under QEMU (a kind with qemu.machine; its `agent` is the firmware):
    // its model is compiled in, so the job's model must be the one the kind names (qemu.mlperf_model,
    // "kws:1" = zoo kws, seed 1). Under -icount the DUT's microseconds count instructions exactly.
    int icount_shift = -1;
    if (kind.platform != "posix" && kind.qemu.contains("machine") && inst.serial_port.empty()) {
      const std::string holds = kind.qemu.contains("mlperf_model") ? kind.qemu.at("mlperf_model") : "";
      const std::string wanted = spec.source == ModelSpec::Source::kGenerate ? spec.generator + ":" + std::to_string(spec.seed) : "";
      if (holds.empty() || holds != wanted)
        return Fail(Status::kBadArgument, "board " + inst.id + ": kind " + kind.name + "'s MLPerf Tiny firmware holds model " +
                                              (holds.empty() ? "(unnamed: qemu.mlperf_model)" : "'" + holds + "'") + ", not " + spec.name +
                                              (wanted.empty() ? "" : " ('" + wanted + "')"));
      board::QemuBoardOptions q;
      q.machine = kind.qemu.at("machine");
      q.firmware = AgentPath(kind);
      q.icount_shift = kind.qemu.contains("icount_shift") ? std::atoi(kind.qemu.at("icount_shift").c_str()) : -1;
      q.uart_index = kind.qemu.contains("uart_index") ? std::atoi(kind.qemu.at("uart_index").c_str()) : 0;
      q.start_timeout = options_.execute_timeout;
      icount_shift = q.icount_shift;
      auto pty = board::LaunchQemu(agent, q);
      if (!pty) return Wrap(pty.error(), "board " + inst.id);
      tty = *pty;
    }
    const bool via_interface = !inst.interface_port.empty();
    if (via_interface) tty = inst.interface_port;  // the DUT's UART is wired to the interface board
    if (tty.empty()) return Fail(Status::kBadArgument, "board " + inst.id + ": an mlperf-tiny board needs a serial_port in the farm");
    auto port = board::ResolveSerialPort(tty);
    if (!port) return Wrap(port.error(), "board " + inst.id);
    // The interface board's USB serial runs at 115200; it talks to the DUT at the DUT's rate.
    auto link = link::OpenTty(*port, via_interface ? 115200 : kind.baud_rate);
    if (!link) return Wrap(link.error(), "board " + inst.id);
    link::MlperfSession dut(**link, "board " + inst.id, options_.execute_timeout);
    std::string interface_name;
    if (via_interface) {
      auto lines = dut.InterfaceCommand("name");
      if (!lines) return Wrap(lines.error(), "board " + inst.id + " (" + *port + ")");
      interface_name = lines->empty() ? "?" : lines->front();
      dut.UseInterfaceBoard();
    }
    auto name = dut.Name();  // the first reply also skips a banner printed at reset
    if (!name) return std::unexpected(name.error());
    auto model_id = dut.ModelId();
    if (!model_id) return std::unexpected(model_id.error());
    SetEnvironment({{"firmware." + inst.id,
                     fmt::format("MLPerf Tiny DUT {} (model {}, {} mode) {}", *name, *model_id, kind.mlperf_mode,
                                 via_interface ? "through interface board '" + interface_name + "' on " + *port : "on " + *port)}});
    EnergyMeter meter = MeterFor(inst, kind, "");
    // The host engine on the suite's model: its quantization turns our int8 inputs into what the
    // runner sends (and back), and its outputs are the reference the DUT's results are checked against.
    auto loaded_reference = Time(timing_.reference, [&] { return HostReference::Load(blob.bytes, spec.name); });
    if (!loaded_reference) return std::unexpected(loaded_reference.error());
    const std::unique_ptr<HostReference> reference = std::move(*loaded_reference);
    const auto format = link::MlperfInputFormatFor(*model_id);
    const auto qi = reference->input_quant(0), qo = reference->output_quant(0);
    std::vector<double> anomaly_scores;  // checks.auc
    std::vector<bool> anomalous;
    result.unit = icount_shift >= 0 ? "instructions" : "ns";
    result.source = energy_mode ? "mlperf-gpio-window" : icount_shift >= 0 ? "mlperf-lap-us/qemu-icount" : "mlperf-lap-us";
    // Per inference, in the unit above: ns, or instructions (1 us of virtual time = 1000 / 2^shift).
    auto per_inference = [&](double us) {
      return static_cast<uint64_t>(std::llround(icount_shift >= 0 ? us * 1000.0 / std::ldexp(1.0, icount_shift) : us * 1000.0));
    };
    int mismatches = 0, compared = 0, top1_hits = 0, top1_total = 0;
    for (int input = 0; input < suite_.inputs.count; ++input) {
      std::vector<uint8_t> tensor;
      if (suite_.inputs.source != InputSpec::Source::kRandom) tensor = input_blobs_[input];
      else tensor = RandomInputBytes(suite_.inputs.seed, static_cast<uint64_t>(input) * 16, reference->input_bytes(0));
      // The input as MLPerf Tiny's runner sends this benchmark's data (int8, uint8 pixels, float32).
      const std::vector<uint8_t> wire = link::MlperfWireInput(format, tensor, qi.scale, qi.zero_point);
      // MLPerf Tiny's runner sends 26 bytes per db line through an interface board, 31 direct.
      if (auto r = Time(timing_.upload, [&] { return dut.LoadInput(wire, via_interface ? 26 : 128); }); !r)
        return std::unexpected(r.error());
      std::vector<double> printed;
      meter.Arm();
      for (int rep = 0; rep < job.settings.repetitions; ++rep) {
        auto inf = Time(timing_.invoke, [&] {
          return dut.Infer(static_cast<uint64_t>(job.settings.iterations), static_cast<uint64_t>(job.settings.warmup));
        });
        if (!inf) return std::unexpected(inf.error());
        if (!energy_mode) {
          if (!inf->lap_us)
            return Fail(Status::kBadFrame, "board " + inst.id + ": infer printed no m-lap-us lines: is it energy-mode firmware? (kind " +
                                               kind.name + " says mlperf_mode: performance)");
          result.samples.push_back({input, rep, 0, per_inference(inf->us_per_inference())});
        }
        printed = inf->results;
      }
      const auto windows = meter.Collect(static_cast<size_t>(job.settings.repetitions), static_cast<uint32_t>(job.settings.iterations),
                                         "infer");
      if (energy_mode && windows) {
        for (size_t rep = 0; rep < windows->size(); ++rep)
          result.samples.push_back({input, static_cast<int>(rep), 0,
                                    static_cast<uint64_t>(std::llround(static_cast<double>((*windows)[rep]) / job.settings.iterations))});
      }
      // Stored as the DUT printed them: the text of m-results, one line per input.
      std::string text;
      for (size_t k = 0; k < printed.size(); ++k) text += fmt::format("{}{:.3f}", k ? "," : "", printed[k]);
      result.outputs.push_back({input, 0, std::vector<uint8_t>(text.begin(), text.end())});
      // The mean squared error between the dequantized input and `reconstruction` (ad01's score).
      auto mse = [&](auto&& value_at) {
        double sum = 0;
        for (size_t k = 0; k < tensor.size(); ++k) {
          const double x = static_cast<float>(static_cast<int8_t>(tensor[k]) - qi.zero_point) * qi.scale;
          sum += (value_at(k) - x) * (value_at(k) - x);
        }
        return tensor.empty() ? 0.0 : sum / static_cast<double>(tensor.size());
      };
      const bool score_only = format == link::MlperfInputFormat::kFloat32;  // ad01 prints its score
      if (suite_.checks.min_auc) {
        auto is_anomalous = Anomalous(input);
        if (!is_anomalous) return std::unexpected(is_anomalous.error());
        if (!score_only && printed.size() != tensor.size())
          return Fail(Status::kBadArgument, fmt::format("checks.auc: model {} on {} prints {} results for an input of {} values: "
                                                        "neither an anomaly score (ad01) nor a reconstruction",
                                                        spec.name, inst.id, printed.size(), tensor.size()));
        if (score_only && printed.size() != 1)
          return Fail(Status::kBadFrame, fmt::format("board {}: ad01 printed {} results, expected one anomaly score", inst.id, printed.size()));
        anomaly_scores.push_back(score_only ? printed[0] : mse([&](size_t k) { return printed[k]; }));
        anomalous.push_back(*is_anomalous);
      }
      if (suite_.checks.min_top1 && printed.size() > 1) {
        const size_t best = static_cast<size_t>(std::max_element(printed.begin(), printed.end()) - printed.begin());
        if (static_cast<int>(best) == suite_.inputs.labels[input]) ++top1_hits;
        ++top1_total;
      }
      if (suite_.checks.outputs_equal_reference) {
        auto expected = Time(timing_.reference, [&] { return reference->Run({tensor}); });
        if (!expected) return std::unexpected(expected.error());
        const auto& want = (*expected)[0];
        auto real = [&](size_t k) { return (static_cast<int8_t>(want[k]) - qo.zero_point) * static_cast<double>(qo.scale); };
        ++compared;
        bool same;
        if (score_only) {
          // Printed to 3 decimals from a float sum on the DUT: half a unit of the last digit, plus float error.
          const double score = mse(real);
          same = printed.size() == 1 && std::abs(printed[0] - score) <= 0.0005 + 1e-5 * std::max(1.0, std::abs(score));
        } else {
          same = want.size() == printed.size();
          for (size_t k = 0; same && k < want.size(); ++k) same = std::abs(real(k) - printed[k]) <= 0.0005 + 1e-9;
        }
        if (!same && mismatches++ == 0)
          result.check_detail = fmt::format("input {}: the DUT's m-results differ from the host reference's {}", input,
                                            score_only ? "anomaly score" : "output 0");
      }
    }
    OutputsVerdict(result, suite_.checks.outputs_equal_reference, "outputs==host-reference (3 decimals)", compared, mismatches);
    if (suite_.checks.min_top1) Top1Verdict(result, top1_hits, top1_total, *suite_.checks.min_top1);
    if (suite_.checks.min_auc) {
      if (auto a = AucVerdict(result, anomaly_scores, anomalous, *suite_.checks.min_auc); !a) return a;
    }
    if (!meter.configured()) EstimateEnergy(kind, result);  // the kind's energy model, on instructions
    meter.Apply(result);  // in energy mode a failed monitor also leaves the job without latency
    return {};
  }

  Result<void> Execute(const Job& job, const board::BoardInstance& inst, const board::BoardKind& kind, const ModelBlob& blob,
                       store::JobResult& result) {
    if (kind.protocol == "mlperf-tiny") return ExecuteMlperf(job, inst, kind, blob, result);
    const ModelSpec& spec = suite_.models[job.model_index];
    std::unique_ptr<HostReference> reference;
    if (suite_.checks.outputs_equal_reference || suite_.checks.min_auc) {  // AUC needs the tensors' quantization
      auto ref = Time(timing_.reference, [&] { return HostReference::Load(blob.bytes, spec.name); });
      if (!ref) return std::unexpected(ref.error());
      reference = std::move(*ref);
    }
    // An engine the agent was built without fails here, with the build's reason, before any board
    // starts; the agent's own refusal (SET_ENGINE) covers agents without the build's record.
    if (const std::string engine = EngineOf(job.settings); engine != "tinyhil") {
      const board::AgentEngines engines = board::ReadAgentEngines(kind, options_.build_dir);
      if (std::find(engines.built.begin(), engines.built.end(), engine) == engines.built.end()) {
        const auto why = engines.why_not.find(engine);
        return Fail(Status::kNotFound, "engine " + engine + " is not built into the " + kind.name + " agent" +
                                           (why == engines.why_not.end() ? std::string() : ": " + why->second));
      }
    }
    auto link_kind = LinkFor(inst, job.settings);
    if (!link_kind) return std::unexpected(link_kind.error());
    auto board = BoardFor(inst, *link_kind);
    if (!board) return std::unexpected(board.error());
    link::AgentSession& s = (*board)->session();
    // The engine and its kernel variant first: the agent keeps both across models, so every job says
    // which it wants (ours with its reference kernels when the suite is silent; TFLM's kernels are
    // fixed when it is built, so its default is what it has). An agent or core without them refuses
    // by name.
    const bool tflm = EngineOf(job.settings) == "tflm";
    if (auto engine = s.SetEngine(static_cast<uint8_t>(tflm ? protocol::EngineId::kTflm : protocol::EngineId::kTinyHil)); !engine)
      return std::unexpected(engine.error());
    {
      const std::string want = !job.settings.kernel.empty() ? job.settings.kernel : tflm ? "auto" : "ref";
      const uint8_t code = want == "dsp" ? 1 : want == "mve" ? 2 : want == "auto" ? 3 : 0;
      auto in_effect = s.SetKernel(code);
      if (!in_effect) return Wrap(in_effect.error(), "kernel " + want);
      result.kernel = agent::engine::KernelVariantName(static_cast<agent::engine::KernelVariant>(*in_effect));
    }
    auto loaded = Time(timing_.upload, [&] { return s.LoadModel(blob.bytes); });
    if (!loaded) return Wrap(loaded.error(), "model " + spec.name);
    if (reference && (loaded->input_bytes.size() != static_cast<size_t>(reference->input_count()) ||
                      loaded->output_bytes.size() != static_cast<size_t>(reference->output_count())))
      return Fail(Status::kModelInvalid, fmt::format("model {}: board reports {} inputs/{} outputs, host reference {}/{}", spec.name,
                                                     loaded->input_bytes.size(), loaded->output_bytes.size(),
                                                     reference->input_count(), reference->output_count()));
    int mismatches = 0;
    int compared = 0;
    int top1_hits = 0, top1_total = 0;
    std::vector<double> anomaly_scores;  // checks.auc: reconstruction error per labelled input
    std::vector<bool> anomalous;
    board::CycleScale scale;
    // Measured energy: the instance's power monitor captures each input's timed INVOKEs, one window
    // per INVOKE (the agent's timestamp GPIO).
    const link::AgentInfo* hello = s.info();
    EnergyMeter meter = MeterFor(inst, kind, !hello || !(hello->capabilities & protocol::kCapTimestampGpio)
                                                 ? "power monitor " + inst.power_monitor + ": the agent on " + inst.id +
                                                       " drives no timestamp GPIO, so the inference windows cannot be told apart"
                                                 : std::string());
    for (int input = 0; input < suite_.inputs.count; ++input) {
      std::vector<std::vector<uint8_t>> tensors;
      for (size_t t = 0; t < loaded->input_bytes.size(); ++t) {
        if (suite_.inputs.source != InputSpec::Source::kRandom) {
          const std::string& file = suite_.inputs.files[input];
          if (loaded->input_bytes.size() != 1)
            return Fail(Status::kBadArgument, fmt::format("model {}: has {} inputs; input files feed single-input models", spec.name,
                                                          loaded->input_bytes.size()));
          if (input_blobs_[input].size() != loaded->input_bytes[0])
            return Fail(Status::kBadArgument, fmt::format("input {}: {} bytes, but model {} takes {} bytes in input 0", file,
                                                          input_blobs_[input].size(), spec.name, loaded->input_bytes[0]));
          tensors.push_back(input_blobs_[input]);
        } else {
          tensors.push_back(RandomInputBytes(suite_.inputs.seed, static_cast<uint64_t>(input) * 16 + t, loaded->input_bytes[t]));
        }
        if (auto r = Time(timing_.io, [&] { return s.SetInput(static_cast<int>(t), tensors.back()); }); !r) return std::unexpected(r.error());
      }
      // The check run comes first, on freshly set inputs: the engine's plan may reuse a model
      // input's memory for later tensors, so after one inference the input bytes are gone and
      // repeated runs compute on whatever is left there.
      if (auto r = Time(timing_.invoke, [&] { return s.Invoke(0, 1); }); !r) return std::unexpected(r.error());
      std::vector<std::vector<uint8_t>> outputs;
      for (size_t o = 0; o < loaded->output_bytes.size(); ++o) {
        auto out = Time(timing_.io, [&] { return s.GetOutput(static_cast<int>(o)); });
        if (!out) return std::unexpected(out.error());
        outputs.push_back(std::move(*out));
        result.outputs.push_back({input, static_cast<int>(o), outputs.back()});  // kept per sample (accuracy mode)
      }
      if (suite_.checks.min_auc) {
        // An autoencoder's anomaly score: the mean squared error of its reconstruction (output 0)
        // of input 0, both dequantized.
        auto is_anomalous = Anomalous(input);
        if (!is_anomalous) return std::unexpected(is_anomalous.error());
        if (outputs.empty() || outputs[0].size() != tensors[0].size())
          return Fail(Status::kBadArgument, fmt::format("checks.auc: model {} is not an autoencoder: output 0 has {} bytes, input 0 {}",
                                                        spec.name, outputs.empty() ? 0 : outputs[0].size(), tensors[0].size()));
        const auto qi = reference->input_quant(0), qo = reference->output_quant(0);
        double sum = 0;
        for (size_t k = 0; k < tensors[0].size(); ++k) {
          const double x = (static_cast<int8_t>(tensors[0][k]) - qi.zero_point) * static_cast<double>(qi.scale);
          const double y = (static_cast<int8_t>(outputs[0][k]) - qo.zero_point) * static_cast<double>(qo.scale);
          sum += (x - y) * (x - y);
        }
        anomaly_scores.push_back(sum / static_cast<double>(tensors[0].size()));
        anomalous.push_back(*is_anomalous);
      }
      if (suite_.checks.min_top1 && !outputs.empty() && !outputs[0].empty()) {
        // Top-1: the class with the highest int8 score (the first of equals) against the label.
        size_t best = 0;
        for (size_t k = 1; k < outputs[0].size(); ++k)
          if (static_cast<int8_t>(outputs[0][k]) > static_cast<int8_t>(outputs[0][best])) best = k;
        if (static_cast<int>(best) == suite_.inputs.labels[input]) ++top1_hits;
        ++top1_total;
      }
      meter.Arm();
      for (int rep = 0; rep < job.settings.repetitions; ++rep) {
        for (size_t t = 0; t < tensors.size(); ++t)
          if (auto r = Time(timing_.io, [&] { return s.SetInput(static_cast<int>(t), tensors[t]); }); !r) return std::unexpected(r.error());
        auto inv = Time(timing_.invoke, [&] { return s.Invoke(job.settings.warmup, job.settings.iterations); });
        if (!inv) return std::unexpected(inv.error());
        scale = (*board)->Scale(inv->cycle_source);
        result.unit = scale.unit;
        result.source = scale.source;
        for (size_t k = 0; k < inv->cycles.size(); ++k)
          result.samples.push_back({input, rep, static_cast<int>(k), Scaled(inv->cycles[k], scale)});
      }
      meter.Collect(static_cast<size_t>(job.settings.repetitions), static_cast<uint32_t>(job.settings.iterations), "INVOKE");
      if (suite_.checks.outputs_equal_reference) {  // (with only checks.auc the reference just lends its quantization)
        auto expected = Time(timing_.reference, [&] { return reference->Run(tensors); });
        if (!expected) return std::unexpected(expected.error());
        for (size_t o = 0; o < outputs.size(); ++o) {
          ++compared;
          if (outputs[o] != (*expected)[o]) {
            if (mismatches++ == 0) result.check_detail = Mismatch(input, static_cast<int>(o), outputs[o], (*expected)[o]);
          }
        }
      }
    }
    auto profile = Time(timing_.io, [&] { return s.GetProfile(); });
    if (!profile) return std::unexpected(profile.error());
    for (size_t i = 0; i < profile->size(); ++i) {
      const auto& e = (*profile)[i];
      result.ops.push_back({static_cast<int>(i), e.opcode, agent::engine::OpcodeName(e.opcode), e.calls, Scaled(e.cycles, scale)});
    }
    result.flash_bytes = (*board)->firmware_flash_bytes();
    if (!meter.configured()) EstimateEnergy(kind, result);
    auto mem = Time(timing_.io, [&] { return s.GetMemory(); });
    if (!mem) return std::unexpected(mem.error());
    result.memory = store::MemoryRow{mem->arena_bytes, mem->arena_used, mem->stack_bytes, mem->stack_used, mem->static_bytes};
    OutputsVerdict(result, suite_.checks.outputs_equal_reference, "outputs==host-reference", compared, mismatches);
    if (suite_.checks.min_top1) Top1Verdict(result, top1_hits, top1_total, *suite_.checks.min_top1);
    if (suite_.checks.min_auc) {
      if (auto a = AucVerdict(result, anomaly_scores, anomalous, *suite_.checks.min_auc); !a) return a;
    }
    if (!meter.configured()) EstimateEnergy(kind, result);  // the kind's energy model, on instructions
    meter.Apply(result);  // latency, memory and the checks stay stored when the energy figure is missing
    return {};
  }

  // The instance's power monitor for one job, opened on first use and kept in the pool; `refusal`
  // (when not empty) says why this board cannot be measured, and becomes the job's error.
  EnergyMeter MeterFor(const board::BoardInstance& inst, const board::BoardKind& kind, std::string refusal) {
    if (inst.power_monitor.empty()) return {};
    auto& slot = monitors_.at(inst.id);
    if (refusal.empty() && !slot) {
      auto m = Time(timing_.board_start, [&] { return OpenPowerMonitor(inst, kind); });
      if (m) slot = std::move(*m);
      else refusal = m.error().message;
    }
    return EnergyMeter(&slot, std::move(refusal));
  }

  const RunOptions& options_;
  const Suite& suite_;
  std::vector<ModelBlob> blobs_;
  std::vector<std::vector<uint8_t>> input_blobs_;  // inputs from files, in suite order
  std::map<std::string, board::BoardKind> kinds_;
  board::Farm farm_;
  store::Store& store_;
  int64_t run_id_ = 0;
  std::string git_branch_;
  BoardPool own_pool_;
  BoardPool& pool_;  // own_pool_, or a daemon's (its boards outlive each run)
  std::map<std::string, std::unique_ptr<board::Board>>& boards_;
  // The power monitor of each instance whose farm entry names one; opened by its worker on first
  // use and dropped after a failure (the next job opens it again).
  std::map<std::string, std::unique_ptr<power::PowerMonitor>>& monitors_;
  std::mutex mu_;  // the store and the run's counters
  Timing timing_;
  std::mutex progress_mu_;  // the progress stream and the status line's state
  std::map<std::string, std::string> board_state_;
  size_t total_jobs_ = 0, done_before_ = 0, done_here_ = 0;
  bool status_ended_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::set<std::string> unhealthy_;
};

namespace internal {

Runner::Runner(const RunOptions& options, const Suite& suite, std::vector<ModelBlob> blobs, std::vector<std::vector<uint8_t>> inputs,
               std::map<std::string, board::BoardKind> kinds, board::Farm farm, store::Store& store, BoardPool* pool)
    : impl_(std::make_unique<Impl>(options, suite, std::move(blobs), std::move(inputs), std::move(kinds), std::move(farm), store, pool)) {}
Runner::~Runner() = default;
Result<RunOutcome> Runner::Run() { return impl_->Run(); }
std::vector<std::pair<std::string, std::string>> Runner::SuiteFacts() { return impl_->SuiteFacts(); }
Result<int> Runner::CheckRegressionsOf(int64_t run_id) { return impl_->CheckRegressionsOf(run_id); }
store::JobResult Runner::ExecuteClaimed(int64_t run_id, const Job& job, const board::BoardInstance& inst, bool& unhealthy) {
  return impl_->ExecuteClaimed(run_id, job, inst, unhealthy);
}

}  // namespace internal

std::vector<std::pair<std::string, std::string>> HostEnvironment() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return {
      {"host", host},
      {"tool", std::string("hil ") + HIL_VERSION},
      {"compiler", std::string("gcc ") + __VERSION__},
      {"git_commit", HIL_GIT_COMMIT},
      {"engine_version", std::to_string(agent::engine::kEngineVersion)},
  };
}

Result<RunOutcome> RunSuite(const RunOptions& given) {
  RunOptions options = given;
  options.started = std::chrono::steady_clock::now();
  if (!options.inject_faults.empty()) {
    if (auto f = link::testing::ParseFaultOptions(options.inject_faults); !f) return std::unexpected(f.error());
  }
  auto suite = LoadSuite(options.suite_path);
  if (!suite) return std::unexpected(suite.error());
  std::vector<Error> broken;
  auto kinds = board::LoadBoardKinds(options.boards_dir, &broken);
  if (!kinds) return std::unexpected(kinds.error());
  const std::string farm_path = options.farm_path.empty() ? options.boards_dir + "/farms/default.yaml" : options.farm_path;
  const bool remote = store::IsPostgres(farm_path);  // a farm across hosts: its daemons run the jobs
  board::Farm local_farm;
  if (!remote) {
    auto f = board::LoadFarm(farm_path, *kinds);
    if (!f) return std::unexpected(f.error());
    local_farm = std::move(*f);
  }
  const board::Farm* farm = &local_farm;
  for (size_t i = 0; i < suite->boards.size(); ++i) {
    const BoardRef& b = suite->boards[i];
    const std::string where = suite->file + ":" + std::to_string(b.line) + ": boards[" + std::to_string(i) + "]";
    for (const Error& e : broken)
      if (e.message.find("/" + b.kind + ".yaml:") != std::string::npos)
        return Fail(e.code, where + ": board kind '" + b.kind + "' is defined badly: " + e.message);
    if (!kinds->contains(b.kind))
      return Fail(Status::kNotFound, where + ": unknown board kind '" + b.kind + "' (known: " + Known(*kinds) + "; " +
                                         options.boards_dir + "/<kind>.yaml)");
    bool have = remote;  // which host has which kind is the daemons' business
    for (const auto& inst : farm->instances) have = have || inst.kind == b.kind;
    if (!have) return Fail(Status::kNotFound, where + ": board kind '" + b.kind + "' has no instance in the farm " + farm_path);
  }
  auto data = ResolveSuiteData(*suite);
  if (!data) return std::unexpected(data.error());
  if (remote) return SubmitAndFollow(options, *suite, data->blobs, data->inputs, *kinds, farm_path);

  auto store = store::OpenStore(options.db_path);  // an SQLite file, or postgresql://...
  if (!store) return std::unexpected(store.error());
  if (!suite->regressions.baseline.empty()) {
    auto base = (*store)->BaselineRun(suite->regressions.baseline);
    if (!base) return std::unexpected(base.error());
    if (!*base)
      return Fail(Status::kNotFound, suite->file + ":" + std::to_string(suite->regressions.line) + ": regressions.against: no baseline '" +
                                         suite->regressions.baseline + "' in " + options.db_path + " (set one with `hil baseline set " +
                                         suite->regressions.baseline + " RUN`)");
  }
  if (options.resume_run_id > 0) {
    // Only the same suite file may finish a run: the plan's ordinals must mean the same jobs.
    auto env = (*store)->Environment(options.resume_run_id);
    if (!env) return std::unexpected(env.error());
    std::string recorded;
    for (const auto& [k, v] : *env)
      if (k == "suite_sha256") recorded = v;
    if (!recorded.empty() && recorded != suite->sha256)
      return Fail(Status::kBadState, "run " + std::to_string(options.resume_run_id) + ": suite " + suite->file +
                                         " changed since the run began (sha256 " + recorded.substr(0, 12) + " then, " +
                                         suite->sha256.substr(0, 12) + " now); start a new run");
  }
  Runner runner(options, *suite, std::move(data->blobs), std::move(data->inputs), std::move(*kinds), std::move(local_farm), **store);
  return runner.Run();
}

}  // namespace hil::cli
