// Control flow and resource variables (ops/control_flow.cc and the interpreter's subgraphs): IF, WHILE and
// CALL_ONCE running other subgraphs, VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE keeping state across
// Invokes, ResetVariables, the profile of calling operators, and the models Load must refuse (recursion,
// nesting deeper than kMaxCallDepth, malformed subgraphs and calls). Values are int32 arithmetic (exact);
// the same models give the same bytes on TensorFlow Lite Micro (tools/tflite_ref/cases_control_flow.py's
// stateful models were run through TFLM's interpreter with its resource variables, several Invokes each).
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::AddChild;
using testing::AddScalar;
using testing::BuildModel;
using testing::BytesOf;
using testing::FbNodeP;
using testing::ModelSpec;
using testing::OpSpec;
using testing::SubgraphSpec;
using testing::TensorSpec;

enum Type : int { kF32 = 0, kI32 = 2, kBool = 6, kI16 = 7, kI8 = 9, kResource = 13 };
enum Code : int32_t {
  kAdd = 0, kSub = 41, kLess = 58, kIf = 118, kWhile = 119, kCallOnce = 129, kVarHandle = 142, kRead = 143,
  kAssign = 144, kLshProjection = 15,
};
enum Opt : uint8_t { kOptIf = 92, kOptWhile = 93, kOptCallOnce = 103, kOptVarHandle = 111 };

TensorSpec T(std::vector<int32_t> shape, int type, uint32_t buffer = 0) {
  TensorSpec t;
  t.shape = std::move(shape);
  t.type = type;
  t.buffer = buffer;
  return t;
}
TensorSpec Q(std::vector<int32_t> shape, int type, float scale, int64_t zp) {
  TensorSpec t = T(std::move(shape), type);
  t.scales = {scale};
  t.zero_points = {zp};
  return t;
}
// Appends a constant buffer; returns its index.
uint32_t Buffer(ModelSpec& m, std::vector<uint8_t> bytes) {
  if (m.buffers.empty()) m.buffers.push_back({});
  m.buffers.push_back(std::move(bytes));
  return static_cast<uint32_t>(m.buffers.size() - 1);
}
FbNodeP Two(int a, int b) {
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 4, static_cast<uint32_t>(a));
  AddScalar(o, 1, 4, static_cast<uint32_t>(b));
  return o;
}
FbNodeP One(int a) {
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 4, static_cast<uint32_t>(a));
  return o;
}
FbNodeP Names(const std::string& container, const std::string& name) {
  FbNodeP o = testing::Table();
  if (!container.empty()) AddChild(o, 0, testing::String(container));
  AddChild(o, 1, testing::String(name));
  return o;
}
OpSpec Op(int32_t code, std::vector<int32_t> in, std::vector<int32_t> out, uint8_t opt = 0, FbNodeP o = nullptr) {
  return OpSpec{code, std::move(in), std::move(out), opt, std::move(o), {}};
}

struct Engine {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(64 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  std::string detail() const { return interp.ErrorDetail(); }
  template <typename V>
  void Set(int i, const std::vector<V>& v) {
    const TensorView t = interp.input(i);
    ASSERT_EQ(t.bytes, v.size() * sizeof(V));
    std::memcpy(t.data, v.data(), t.bytes);
  }
  template <typename V>
  std::vector<V> Get(int i) const {
    const TensorView t = interp.output(i);
    std::vector<V> v(t.bytes / sizeof(V));
    std::memcpy(v.data(), t.data, t.bytes);
    return v;
  }
};

// IF(cond, x): then adds 10, else subtracts 10 (int32 [3]).
ModelSpec IfModel() {
  ModelSpec m;
  const uint32_t ten = Buffer(m, BytesOf(std::vector<int32_t>{10}));
  m.tensors = {T({1}, kBool), T({3}, kI32), T({3}, kI32)};
  m.inputs = {0, 1};
  m.outputs = {2};
  m.ops = {Op(kIf, {0, 1}, {2}, kOptIf, Two(1, 2))};
  for (int32_t code : {kAdd, kSub}) {
    SubgraphSpec g;
    g.tensors = {T({3}, kI32), T({1}, kI32, ten), T({3}, kI32)};
    g.inputs = {0};
    g.outputs = {2};
    g.ops = {Op(code, {0, 1}, {2})};
    m.subgraphs.push_back(g);
  }
  return m;
}

TEST(ControlFlowTest, IfRunsTheBranchTheConditionPicks) {
  Engine e;
  ASSERT_EQ(e.Load(IfModel()), Status::kOk) << e.detail();
  EXPECT_EQ(e.interp.operator_count(), 1);
  e.Set<int32_t>(1, {1, -2, 300});
  for (uint8_t cond : {uint8_t{1}, uint8_t{0}, uint8_t{2}}) {  // any non-zero byte is true
    e.Set<uint8_t>(0, {cond});
    ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();
    EXPECT_EQ(e.Get<int32_t>(0), cond != 0 ? (std::vector<int32_t>{11, 8, 310}) : (std::vector<int32_t>{-9, -12, 290}))
        << "cond " << static_cast<int>(cond);
  }
}

// WHILE(i, acc, k): while i < 5 { i += 1; acc += acc; } with k passed through unchanged (the body's
// output 2 is its input 2).
ModelSpec WhileModel() {
  ModelSpec m;
  const uint32_t five = Buffer(m, BytesOf(std::vector<int32_t>{5}));
  const uint32_t one = Buffer(m, BytesOf(std::vector<int32_t>{1}));
  m.tensors = {T({1}, kI32), T({2}, kI32), T({2}, kI32), T({1}, kI32), T({2}, kI32), T({2}, kI32)};
  m.inputs = {0, 1, 2};
  m.outputs = {3, 4, 5};
  m.ops = {Op(kWhile, {0, 1, 2}, {3, 4, 5}, kOptWhile, Two(1, 2))};
  SubgraphSpec cond;
  cond.tensors = {T({1}, kI32), T({2}, kI32), T({2}, kI32), T({1}, kI32, five), T({1}, kBool)};
  cond.inputs = {0, 1, 2};
  cond.outputs = {4};
  cond.ops = {Op(kLess, {0, 3}, {4})};
  SubgraphSpec body;
  body.tensors = {T({1}, kI32), T({2}, kI32), T({2}, kI32), T({1}, kI32, one), T({1}, kI32), T({2}, kI32)};
  body.inputs = {0, 1, 2};
  body.outputs = {4, 5, 2};
  body.ops = {Op(kAdd, {0, 3}, {4}), Op(kAdd, {1, 1}, {5})};
  m.subgraphs = {cond, body};
  return m;
}

TEST(ControlFlowTest, WhileLoopsUntilTheCondSubgraphSaysFalse) {
  Engine e;
  ASSERT_EQ(e.Load(WhileModel()), Status::kOk) << e.detail();
  e.Set<int32_t>(0, {0});
  e.Set<int32_t>(1, {1, -3});
  e.Set<int32_t>(2, {7, 8});
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();
  EXPECT_EQ(e.Get<int32_t>(0), std::vector<int32_t>{5});
  EXPECT_EQ(e.Get<int32_t>(1), (std::vector<int32_t>{32, -96}));
  EXPECT_EQ(e.Get<int32_t>(2), (std::vector<int32_t>{7, 8}));
  // Zero iterations: the outputs are the inputs.
  e.Set<int32_t>(0, {9});
  e.Set<int32_t>(1, {4, 5});
  e.Set<int32_t>(2, {-1, -2});
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();
  EXPECT_EQ(e.Get<int32_t>(0), std::vector<int32_t>{9});
  EXPECT_EQ(e.Get<int32_t>(1), (std::vector<int32_t>{4, 5}));
  EXPECT_EQ(e.Get<int32_t>(2), (std::vector<int32_t>{-1, -2}));
}

// A loop that would run 2^31 times is stopped after kMaxSubgraphRuns subgraph calls: Invoke fails,
// naming the operator and the limit, and the next Invoke (with an input that ends the loop) runs.
TEST(ControlFlowTest, ALoopThatDoesNotEndIsStoppedWithAnError) {
  ModelSpec m = WhileModel();
  m.buffers[1] = BytesOf(std::vector<int32_t>{INT32_MAX});  // cond: i < INT32_MAX
  Engine e;
  ASSERT_EQ(e.Load(m), Status::kOk) << e.detail();
  e.Set<int32_t>(0, {0});
  e.Set<int32_t>(1, {1, 1});
  e.Set<int32_t>(2, {0, 0});
  EXPECT_EQ(e.interp.Invoke(nullptr), Status::kKernelFailed);
  EXPECT_EQ(e.detail(), "WHILE at operator 0 failed: more than " + std::to_string(kMaxSubgraphRuns) +
                            " subgraph runs in one inference (a loop that never ends?)");
  e.Set<int32_t>(0, {INT32_MAX - 3});
  e.Set<int32_t>(1, {1, 1});
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();
  EXPECT_EQ(e.Get<int32_t>(0), std::vector<int32_t>{INT32_MAX});
  EXPECT_EQ(e.Get<int32_t>(1), (std::vector<int32_t>{8, 8}));
}

// The state pattern of TensorFlow's streaming models: CALL_ONCE runs an init subgraph that assigns
// {100, 200} to variable "acc"; every Invoke then reads it, adds the input and assigns the sum back.
ModelSpec StatefulModel() {
  ModelSpec m;
  const uint32_t init = Buffer(m, BytesOf(std::vector<int32_t>{100, 200}));
  m.tensors = {T({2}, kI32), T({}, kResource), T({2}, kI32), T({2}, kI32)};
  m.inputs = {0};
  m.outputs = {3};
  m.ops = {Op(kCallOnce, {}, {}, kOptCallOnce, One(1)), Op(kVarHandle, {}, {1}, kOptVarHandle, Names("", "acc")),
           Op(kRead, {1}, {2}), Op(kAdd, {2, 0}, {3}), Op(kAssign, {1, 3}, {})};
  SubgraphSpec g;
  g.tensors = {T({}, kResource), T({2}, kI32, init)};
  g.ops = {Op(kVarHandle, {}, {0}, kOptVarHandle, Names("", "acc")), Op(kAssign, {0, 1}, {})};
  m.subgraphs = {g};
  return m;
}

TEST(ControlFlowTest, CallOnceInitialisesAResourceVariableThatKeepsState) {
  Engine e;
  ASSERT_EQ(e.Load(StatefulModel()), Status::kOk) << e.detail();
  ASSERT_EQ(e.interp.operator_count(), 5);
  e.Set<int32_t>(0, {1, -2});
  OpProfile profile;
  for (int32_t run = 1; run <= 3; ++run) {
    ASSERT_EQ(e.interp.Invoke(&profile), Status::kOk) << e.detail();
    EXPECT_EQ(e.Get<int32_t>(0), (std::vector<int32_t>{100 + run, 200 - 2 * run})) << "run " << run;
  }
  // The profile has subgraph 0's operators only; CALL_ONCE ran every time (its init subgraph once).
  EXPECT_EQ(profile.opcode[0], kCallOnce);
  EXPECT_EQ(profile.calls[0], 3u);
  EXPECT_EQ(profile.opcode[4], kAssign);
  EXPECT_EQ(profile.calls[5], 0u);
  // The observer sees subgraph 0's operators that have outputs; VAR_HANDLE's is the variable's id.
  EXPECT_EQ(e.interp.operator_output_count(0), 0);
  EXPECT_EQ(e.interp.operator_output_count(1), 1);
  EXPECT_EQ(e.interp.operator_output_count(4), 0);
  std::vector<int> seen;
  e.interp.SetOpObserver(
      [](void* ctx, int op, int, const TensorView& v) {
        static_cast<std::vector<int>*>(ctx)->push_back(op);
        if (op == 1) EXPECT_TRUE(v.bytes == 4 && v.type == TensorType::kInt32 && v.data[0] == 0);
      },
      &seen);
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk);
  e.interp.SetOpObserver(nullptr, nullptr);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  // ResetVariables: as freshly loaded (the init subgraph runs again).
  e.interp.ResetVariables();
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();
  EXPECT_EQ(e.Get<int32_t>(0), (std::vector<int32_t>{101, 198}));
}

// Without an init subgraph a variable starts at the zero point of the tensor its first ASSIGN_VARIABLE
// writes (as int8 bytes); a READ_VARIABLE before that ASSIGN_VARIABLE sees it.
TEST(ControlFlowTest, AVariableStartsAtTheAssignedTensorsZeroPoint) {
  ModelSpec m;
  m.buffers = {{}};
  m.tensors = {Q({4}, kI8, 0.5f, -5), T({}, kResource), Q({4}, kI8, 0.5f, -5)};
  m.inputs = {0};
  m.outputs = {2};
  m.ops = {Op(kVarHandle, {}, {1}, kOptVarHandle, Names("c", "v")), Op(kRead, {1}, {2}), Op(kAssign, {1, 0}, {})};
  Engine e;
  ASSERT_EQ(e.Load(m), Status::kOk) << e.detail();
  e.Set<int8_t>(0, {1, 2, 3, 4});
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(e.Get<int8_t>(0), (std::vector<int8_t>{-5, -5, -5, -5}));
  e.Set<int8_t>(0, {9, 8, 7, 6});
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(e.Get<int8_t>(0), (std::vector<int8_t>{1, 2, 3, 4}));
  e.interp.ResetVariables();
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(e.Get<int8_t>(0), (std::vector<int8_t>{-5, -5, -5, -5}));
}

// A handle passed into a called subgraph reaches READ_VARIABLE / ASSIGN_VARIABLE as data (the id).
// Two handles with one shared_name are one variable; a handle without a container matches any.
TEST(ControlFlowTest, HandlesPassedIntoSubgraphsAndSharedNames) {
  ModelSpec m;
  m.buffers = {{}};
  m.tensors = {T({1}, kBool), Q({3}, kI16, 1.0f, 0), T({}, kResource), T({}, kResource), Q({3}, kI16, 1.0f, 0)};
  m.inputs = {0, 1};
  m.outputs = {4};
  m.ops = {Op(kVarHandle, {}, {2}, kOptVarHandle, Names("box", "s")), Op(kAssign, {2, 1}, {}),
           Op(kVarHandle, {}, {3}, kOptVarHandle, Names("", "s")), Op(kIf, {0, 3, 1}, {4}, kOptIf, Two(1, 2))};
  SubgraphSpec then_sg;  // reads the variable, adds x, assigns and returns the sum
  then_sg.tensors = {T({}, kResource), Q({3}, kI16, 1.0f, 0), Q({3}, kI16, 1.0f, 0), Q({3}, kI16, 1.0f, 0)};
  then_sg.inputs = {0, 1};
  then_sg.outputs = {3};
  then_sg.ops = {Op(kRead, {0}, {2}), Op(kAdd, {2, 1}, {3}), Op(kAssign, {0, 3}, {})};
  SubgraphSpec else_sg;  // returns x
  else_sg.tensors = {T({}, kResource), Q({3}, kI16, 1.0f, 0)};
  else_sg.inputs = {0, 1};
  else_sg.outputs = {1};
  m.subgraphs = {then_sg, else_sg};
  Engine e;
  ASSERT_EQ(e.Load(m), Status::kOk) << e.detail();
  e.Set<int16_t>(1, {5, -7, 100});
  e.Set<uint8_t>(0, {1});
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();  // variable = x, then x + x
  EXPECT_EQ(e.Get<int16_t>(0), (std::vector<int16_t>{10, -14, 200}));
  e.Set<uint8_t>(0, {0});
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();
  EXPECT_EQ(e.Get<int16_t>(0), (std::vector<int16_t>{5, -7, 100}));
}

// CALL_ONCE chains: subgraph k (k < depth) calls subgraph k + 1 once.
ModelSpec Chain(int depth) {
  ModelSpec m;
  m.buffers = {{}};
  m.tensors = {T({2}, kI32), T({2}, kI32)};
  m.inputs = {0};
  m.outputs = {1};
  m.ops = {Op(kCallOnce, {}, {}, kOptCallOnce, One(1)), Op(kAdd, {0, 0}, {1})};
  for (int k = 1; k <= depth; ++k) {
    SubgraphSpec g;
    if (k < depth) g.ops = {Op(kCallOnce, {}, {}, kOptCallOnce, One(k + 1))};
    m.subgraphs.push_back(g);
  }
  return m;
}

TEST(ControlFlowTest, NestingIsBoundedAndRecursionRefused) {
  Engine ok;
  ASSERT_EQ(ok.Load(Chain(kMaxCallDepth)), Status::kOk) << ok.detail();
  ok.Set<int32_t>(0, {3, 4});
  ASSERT_EQ(ok.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(ok.Get<int32_t>(0), (std::vector<int32_t>{6, 8}));
  Engine deep;
  EXPECT_EQ(deep.Load(Chain(kMaxCallDepth + 1)), Status::kTooLarge);
  EXPECT_NE(deep.detail().find("nest 9 deep"), std::string::npos) << deep.detail();

  ModelSpec self = Chain(2);  // subgraph 2 calls subgraph 1, which calls 2
  self.subgraphs[1].ops = {Op(kCallOnce, {}, {}, kOptCallOnce, One(1))};
  Engine e;
  EXPECT_EQ(e.Load(self), Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("recursive"), std::string::npos) << e.detail();
  ModelSpec to_main = IfModel();  // the then branch calls the model (an IF into subgraph 0, arities matching)
  to_main.subgraphs[0].tensors = {T({3}, kI32), T({1}, kBool, Buffer(to_main, {1})), T({3}, kI32)};
  to_main.subgraphs[0].ops = {Op(kIf, {1, 1, 0}, {2}, kOptIf, Two(0, 0))};
  EXPECT_EQ(e.Load(to_main), Status::kUnsupportedOperator) << e.detail();
  ModelSpec unused = Chain(1);  // a recursive subgraph nothing calls is refused too
  unused.subgraphs.push_back(SubgraphSpec{});
  unused.subgraphs[1].ops = {Op(kCallOnce, {}, {}, kOptCallOnce, One(2))};
  EXPECT_EQ(e.Load(unused), Status::kUnsupportedOperator);
}

TEST(ControlFlowTest, MalformedCallsAreModelInvalid) {
  Engine e;
  ModelSpec m = IfModel();
  m.ops[0].options = Two(1, 3);  // else subgraph beyond the model
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  EXPECT_NE(e.detail().find("else subgraph 3 is not in the model"), std::string::npos) << e.detail();
  m.ops[0].options = Two(-1, 2);
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  m = IfModel();
  m.subgraphs[1].tensors[0].shape = {4};  // the else branch takes 4 elements, IF passes 3
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  EXPECT_NE(e.detail().find("does not match input 0 of subgraph 2"), std::string::npos) << e.detail();
  m = IfModel();
  m.subgraphs[0].outputs = {2, 2};  // then branch gives two outputs
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  m = IfModel();
  m.tensors[0].type = kI8;  // the condition is not a bool
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  m = IfModel();
  m.subgraphs[0].ops[0].inputs = {0, 7};  // a tensor index past the callee's tensors
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  EXPECT_NE(e.detail().find("operator 0 of subgraph 1: input tensor 7 out of range"), std::string::npos) << e.detail();
  m = IfModel();
  m.subgraphs[0].outputs = {9};
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  m = IfModel();
  m.subgraphs[0].ops[0].inputs = {2, 1};  // reads its own output before anything writes it
  EXPECT_EQ(e.Load(m), Status::kModelInvalid);
  EXPECT_NE(e.detail().find("never written"), std::string::npos) << e.detail();

  ModelSpec w = WhileModel();
  w.subgraphs[0].tensors[4].type = kI32;  // the cond subgraph's verdict is not a bool
  w.subgraphs[0].ops[0].outputs = {4};
  EXPECT_EQ(e.Load(w), Status::kModelInvalid);
  w = WhileModel();
  w.ops[0].outputs = {3, 4};  // fewer outputs than loop variables
  EXPECT_EQ(e.Load(w), Status::kModelInvalid);

  ModelSpec s = StatefulModel();
  s.ops[0].inputs = {0};  // CALL_ONCE takes no inputs
  EXPECT_EQ(e.Load(s), Status::kModelInvalid);
  s = StatefulModel();
  s.subgraphs[0].inputs = {1};  // an init subgraph with inputs: CALL_ONCE passes none
  EXPECT_EQ(e.Load(s), Status::kModelInvalid);
}

TEST(ControlFlowTest, VariableSizesAreCheckedAtLoad) {
  Engine e;
  ModelSpec s = StatefulModel();
  s.subgraphs[0].ops.pop_back();  // nothing assigns "acc": the READ_VARIABLE has nothing to read
  s.ops.pop_back();
  s.outputs = {3};
  EXPECT_EQ(e.Load(s), Status::kModelInvalid);
  EXPECT_NE(e.detail().find("READ_VARIABLE at operator 2: reads a variable that no ASSIGN_VARIABLE"),
            std::string::npos)
      << e.detail();
  s = StatefulModel();
  s.buffers[1] = BytesOf(std::vector<int32_t>{1, 2, 3});  // the init value has 3 elements, the state 2
  s.subgraphs[0].tensors[1].shape = {3};
  EXPECT_EQ(e.Load(s), Status::kModelInvalid);
  EXPECT_NE(e.detail().find("assigns 12 bytes to a variable of 8 bytes"), std::string::npos) << e.detail();
  s = StatefulModel();
  s.tensors[1].type = kI8;  // the handle is not a resource (or int32)
  EXPECT_EQ(e.Load(s), Status::kModelInvalid);
  s = StatefulModel();
  s.subgraphs[0].ops[0].outputs = {};  // VAR_HANDLE without an output
  EXPECT_EQ(e.Load(s), Status::kModelInvalid);
}

TEST(ControlFlowTest, ModelLevelLimits) {
  Engine e;
  ModelSpec many = Chain(1);
  many.subgraphs.resize(kMaxSubgraphs);  // 17 subgraphs
  EXPECT_EQ(e.Load(many), Status::kTooLarge);
  ModelSpec ops = Chain(1);  // 2 + 255 operators
  for (int i = 0; i < kMaxOperators - 1; ++i) ops.subgraphs[0].ops.push_back(Op(kCallOnce, {}, {}, kOptCallOnce, One(2)));
  ops.subgraphs.push_back(SubgraphSpec{});
  EXPECT_EQ(e.Load(ops), Status::kTooLarge);
  ops.subgraphs[0].ops.pop_back();
  EXPECT_EQ(e.Load(ops), Status::kOk) << e.detail();
}

TEST(ControlFlowTest, UnsupportedOperatorsInCalledSubgraphsAreNamed) {
  ModelSpec m = IfModel();
  m.subgraphs[1].ops[0].builtin_code = kLshProjection;
  Engine e;
  EXPECT_EQ(e.Load(m), Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("LSH_PROJECTION (15) at operator 0 of subgraph 2"), std::string::npos) << e.detail();
  // Survey numbers operators after subgraph 0's: subgraph 2's operator 0 is operator 2.
  std::vector<int> ops;
  auto report = [](void* ctx, int op, uint16_t, Status, const char*) { static_cast<std::vector<int>*>(ctx)->push_back(op); };
  const std::vector<uint8_t> blob = BuildModel(m);
  EXPECT_EQ(e.interp.Survey(blob.data(), blob.size(), e.arena.data(), e.arena.size(), report, &ops),
            Status::kUnsupportedOperator);
  EXPECT_EQ(ops, std::vector<int>{2});
}

TEST(ControlFlowTest, OneSubgraphModelsPlanAsBefore) {
  // An unused extra subgraph changes nothing in the plan of subgraph 0.
  Engine a, b;
  ModelSpec m = testing::TinyConvNet();
  ASSERT_EQ(a.Load(m), Status::kOk);
  m.subgraphs.push_back(SubgraphSpec{});
  ASSERT_EQ(b.Load(m), Status::kOk) << b.detail();
  EXPECT_EQ(a.interp.arena_used(), b.interp.arena_used());
}

// Corrupted multi-subgraph models: an error code or a model that runs, never a fault (ASan builds make
// that observable). WHILE models are only loaded: a corrupted bound may loop for long.
TEST(ControlFlowTest, EveryByteCorruptionIsSafe) {
  for (const ModelSpec& spec : {IfModel(), StatefulModel(), WhileModel()}) {
    const bool run = spec.ops[0].builtin_code != kWhile;
    const std::vector<uint8_t> full = BuildModel(spec);
    for (size_t i = 0; i < full.size(); ++i) {
      for (uint8_t v : {uint8_t{0x00}, uint8_t{0xFF}, static_cast<uint8_t>(full[i] + 1)}) {
        std::vector<uint8_t> bad = full;
        bad[i] = v;
        std::vector<uint8_t> arena(16 * 1024);
        Interpreter interp;
        const Status st = interp.Load(bad.data(), bad.size(), arena.data(), arena.size());
        EXPECT_TRUE(st == Status::kOk || st == Status::kModelInvalid || st == Status::kUnsupportedOperator ||
                    st == Status::kArenaTooSmall || st == Status::kTooLarge)
            << "byte " << i << " status " << static_cast<int>(st);
        if (st != Status::kOk || !run) continue;
        for (int k = 0; k < interp.input_count(); ++k) std::memset(interp.input(k).data, 1, interp.input(k).bytes);
        for (int n = 0; n < 2; ++n) {
          const Status r = interp.Invoke(nullptr);
          EXPECT_TRUE(r == Status::kOk || r == Status::kKernelFailed);
        }
      }
    }
  }
}

}  // namespace
}  // namespace hil::agent::engine
