// TensorFlow Lite Micro behind the agent's engine interface (tflm_engine.h).
#include "hil/agent/tflm_engine.h"

#include "hil/agent/tflm_operators.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>

#include "flatbuffers/flatbuffers.h"
#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"
#include "tensorflow/lite/micro/micro_resource_variable.h"
#include "tensorflow/lite/schema/schema_generated.h"

// target-agent/tflm/platform/debug_log.cc: where TFLM's log text goes.
extern "C" void hil_tflm_set_log_sink(void (*sink)(const char* text, void* context), void* context);

namespace hil::agent {
namespace {

// Resource variables (VAR_HANDLE) one model may hold; TFLM allocates their table in the arena.
constexpr int kResourceVariables = 16;
// The kernels this build of TFLM runs, in our engine's terms (cmake/tflm.cmake defines CMSIS_NN
// when CMSIS-NN's kernels replace the reference ones; CMSIS-NN picks MVE or DSP code by the core).
engine::KernelVariant BuiltVariant() {
#if defined(CMSIS_NN) && defined(__ARM_FEATURE_MVE)
  return engine::KernelVariant::kMve;
#elif defined(CMSIS_NN) && defined(__ARM_FEATURE_DSP)
  return engine::KernelVariant::kDsp;
#else
  return engine::KernelVariant::kRef;
#endif
}

// TFLM's profiler interface on the port's counter: the operators of subgraph 0 in execution order,
// each event at depth 0 being the next operator's. Events nested in one (a WHILE's body, a kernel's
// own scopes) count as that operator's, as our engine counts them.
class OpCycles final : public tflite::MicroProfilerInterface {
 public:
  void Start(engine::OpProfile* profile, const uint16_t* opcodes, int operator_count) {
    profile_ = profile;
    opcodes_ = opcodes;
    operator_count_ = operator_count;
    depth_ = 0;
    next_op_ = 0;
  }
  uint32_t BeginEvent(const char*) override {
    if (profile_ == nullptr) return 0;
    if (depth_++ == 0) {
      op_ = next_op_++;
      start_ = engine::PortCycles();
    }
    return 0;
  }
  void EndEvent(uint32_t) override {
    if (profile_ == nullptr || depth_ == 0) return;
    if (--depth_ == 0 && op_ < operator_count_) {
      const uint64_t end = engine::PortCycles();
      profile_->opcode[op_] = opcodes_[op_];
      profile_->calls[op_] += 1;
      profile_->cycles[op_] += end - start_;
    }
  }

 private:
  engine::OpProfile* profile_ = nullptr;
  const uint16_t* opcodes_ = nullptr;
  int operator_count_ = 0;
  int depth_ = 0;
  int next_op_ = 0;
  int op_ = 0;
  uint64_t start_ = 0;
};

class Tflm final : public InferenceEngine {
 public:
  Tflm() { registered_ = AddEveryTflmOperator(resolver_); }

  const char* name() const override { return "tflm"; }

  Status Load(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes) override {
    Reset();
    error_[0] = '\0';
    if (!registered_) return Fail(Status::kInternal, "TFLM's op resolver is too small for its operators");
    if (model == nullptr || arena == nullptr) return Fail(Status::kBadArgument, "no model or no arena");
    // TFLM trusts the flatbuffer; the agent must not, so the flatbuffers verifier reads every offset
    // first (what the engine's own verifier does for ours).
    flatbuffers::Verifier verifier(model, model_bytes);
    if (!tflite::VerifyModelBuffer(verifier)) {
      return Fail(Status::kModelInvalid, "not a valid TFLite model: the flatbuffers verifier refuses it");
    }
    const tflite::Model* m = tflite::GetModel(model);
    if (m->version() != TFLITE_SCHEMA_VERSION) {
      return Fail(Status::kModelInvalid, "TFLite schema version %lu, this TFLM reads version %d",
                  static_cast<unsigned long>(m->version()), TFLITE_SCHEMA_VERSION);
    }
    if (m->subgraphs() == nullptr || m->subgraphs()->size() == 0 || m->subgraphs()->Get(0)->operators() == nullptr) {
      return Fail(Status::kModelInvalid, "the model has no subgraph with operators");
    }
    const tflite::SubGraph* main = m->subgraphs()->Get(0);
    const auto* operators = main->operators();
    if (operators->size() > static_cast<size_t>(engine::kMaxOperators)) {
      return Fail(Status::kTooLarge, "%lu operators, more than the %d the agent profiles",
                  static_cast<unsigned long>(operators->size()), engine::kMaxOperators);
    }
    operator_count_ = static_cast<int>(operators->size());
    for (int i = 0; i < operator_count_; ++i) {
      opcodes_[i] = OpcodeOf(m, operators->Get(i));
    }
    main_ = main;

    hil_tflm_set_log_sink(&Tflm::Log, this);
    Status status = Status::kOk;
    allocator_ = tflite::MicroAllocator::Create(arena, arena_bytes);
    if (allocator_ == nullptr) {
      status = Fail(Status::kArenaTooSmall, "TFLM cannot set up its allocator in an arena of %lu bytes",
                    static_cast<unsigned long>(arena_bytes));
    } else {
      tflite::MicroResourceVariables* variables = tflite::MicroResourceVariables::Create(allocator_, kResourceVariables);
      interpreter_ = new (interpreter_storage_) tflite::MicroInterpreter(m, resolver_, allocator_, variables, &profiler_);
      if (interpreter_->AllocateTensors() != kTfLiteOk) {
        status = FailFromLog();
      } else if (interpreter_->inputs_size() == 0 || interpreter_->outputs_size() == 0) {
        status = Fail(Status::kModelInvalid, "the model has no inputs or no outputs");
      }
    }
    hil_tflm_set_log_sink(nullptr, nullptr);
    if (status != Status::kOk) {
      const Status kept = status;
      char why[sizeof error_];
      memcpy(why, error_, sizeof why);
      Reset();
      memcpy(error_, why, sizeof why);
      return kept;
    }
    return Status::kOk;
  }

  void Reset() override {
    if (interpreter_ != nullptr) interpreter_->~MicroInterpreter();
    interpreter_ = nullptr;
    allocator_ = nullptr;  // it lives in the arena; TFLM never frees it
    main_ = nullptr;
    operator_count_ = 0;
  }

  bool loaded() const override { return interpreter_ != nullptr; }
  const char* ErrorDetail() const override { return error_; }
  int input_count() const override { return loaded() ? static_cast<int>(interpreter_->inputs_size()) : 0; }
  int output_count() const override { return loaded() ? static_cast<int>(interpreter_->outputs_size()) : 0; }
  engine::TensorView input(int index) const override {
    return View(interpreter_->input(static_cast<size_t>(index)), main_->inputs()->Get(index));
  }
  engine::TensorView output(int index) const override {
    return View(interpreter_->output(static_cast<size_t>(index)), main_->outputs()->Get(index));
  }
  size_t arena_used() const override { return loaded() ? interpreter_->arena_used_bytes() : 0; }

  void ResetVariables() override {
    if (loaded()) (void)interpreter_->Reset();
  }

  Status Invoke(engine::OpProfile* profile) override {
    if (!loaded()) return Fail(Status::kBadState, "no model loaded");
    error_[0] = '\0';
    profiler_.Start(profile, opcodes_, operator_count_);
    hil_tflm_set_log_sink(&Tflm::Log, this);
    const TfLiteStatus s = interpreter_->Invoke();
    hil_tflm_set_log_sink(nullptr, nullptr);
    profiler_.Start(nullptr, nullptr, 0);
    if (s != kTfLiteOk) {
      if (error_[0] == '\0') Append("TFLM's Invoke failed");
      return Status::kKernelFailed;
    }
    return Status::kOk;
  }

  int operator_count() const override { return operator_count_; }
  uint16_t opcode(int op_index) const override { return opcodes_[op_index]; }

  Status SetKernelVariant(engine::KernelVariant variant) override {
    if (variant == engine::KernelVariant::kAuto || variant == BuiltVariant()) return Status::kOk;
    if (static_cast<uint8_t>(variant) > static_cast<uint8_t>(engine::KernelVariant::kAuto)) {
      return Fail(Status::kBadArgument, "kernel variant %u does not exist", static_cast<unsigned>(variant));
    }
    return Fail(Status::kNotFound, "TFLM's kernels are chosen when it is built: this agent's TFLM runs %s kernels only",
                BuiltVariant() == engine::KernelVariant::kRef ? "its reference" : "CMSIS-NN's");
  }
  engine::KernelVariant kernel_variant_in_effect() const override { return BuiltVariant(); }

 private:
  static uint16_t OpcodeOf(const tflite::Model* m, const tflite::Operator* op) {
    const auto* codes = m->operator_codes();
    if (codes == nullptr || op->opcode_index() >= codes->size()) return 0xFFFF;
    const tflite::OperatorCode* code = codes->Get(op->opcode_index());
    // The schema's two fields: the larger one holds the code (deprecated_builtin_code stops at 127).
    const int32_t builtin = static_cast<int32_t>(code->builtin_code());
    const int32_t deprecated = static_cast<int32_t>(code->deprecated_builtin_code());
    return static_cast<uint16_t>(builtin > deprecated ? builtin : deprecated);
  }

  static engine::TensorView View(const TfLiteTensor* t, int32_t tensor_index) {
    engine::TensorView v;
    if (t == nullptr) return v;
    // Our TensorType holds the schema's codes; TfLiteType differs only for float32.
    v.type = t->type == kTfLiteFloat32 ? engine::TensorType::kFloat32 : static_cast<engine::TensorType>(t->type);
    v.rank = t->dims == nullptr ? 0 : t->dims->size;
    if (v.rank > engine::kMaxDims) v.rank = engine::kMaxDims;
    for (int d = 0; d < v.rank; ++d) v.dims[d] = t->dims->data[d];
    v.bytes = t->bytes;
    v.scale = t->params.scale;
    v.zero_point = t->params.zero_point;
    v.tensor = tensor_index;
    v.data = t->data.uint8;
    return v;
  }

  // TFLM's log while it loads or runs a model: the lines joined, for ErrorDetail().
  static void Log(const char* text, void* context) { static_cast<Tflm*>(context)->Append(text); }
  void Append(const char* text) {
    size_t at = strlen(error_);
    if (text[0] == '\r' || text[0] == '\n' || text[0] == '\0') return;
    if (at > 0 && at + 2 < sizeof error_) {
      memcpy(error_ + at, "; ", 2);
      at += 2;
    }
    for (; *text != '\0' && at + 1 < sizeof error_; ++text) {
      if (*text != '\r' && *text != '\n') error_[at++] = *text;
    }
    error_[at] = '\0';
  }

  Status FailFromLog() {
    // TFLM reports through its log only; its wording names the cause.
    if (strstr(error_, "Didn't find op") != nullptr || strstr(error_, "registration") != nullptr) {
      return Status::kUnsupportedOperator;
    }
    if (strstr(error_, "alloc") != nullptr || strstr(error_, "missing") != nullptr || strstr(error_, "Arena") != nullptr) {
      return Status::kArenaTooSmall;
    }
    if (error_[0] == '\0') Append("TFLM could not prepare the model");
    return Status::kModelInvalid;
  }

  Status Fail(Status status, const char* format, ...) __attribute__((format(printf, 3, 4))) {
    va_list args;
    va_start(args, format);
    vsnprintf(error_, sizeof error_, format, args);
    va_end(args);
    return status;
  }

  TflmResolver resolver_;
  bool registered_ = false;
  OpCycles profiler_;
  tflite::MicroAllocator* allocator_ = nullptr;
  tflite::MicroInterpreter* interpreter_ = nullptr;
  alignas(tflite::MicroInterpreter) unsigned char interpreter_storage_[sizeof(tflite::MicroInterpreter)];
  const tflite::SubGraph* main_ = nullptr;
  int operator_count_ = 0;
  uint16_t opcodes_[engine::kMaxOperators] = {};
  char error_[200] = {};
};

}  // namespace

InferenceEngine& TflmEngine() {
  // Placement into static storage: constructed on first use, never destroyed (no atexit entry).
  alignas(Tflm) static unsigned char storage[sizeof(Tflm)];
  static Tflm* engine = new (storage) Tflm();
  return *engine;
}

}  // namespace hil::agent
