// hil-modelgen: writes the project's synthetic .tflite models until `hil model gen` exists.
//   hil-modelgen NAME|SPEC [--seed N] -o out.tflite
//   hil-modelgen --list
//   hil-modelgen --info FILE.tflite      (operators, shapes and MACs of any .tflite)
//   hil-modelgen --specs NAME|FILE       (kernel specs of its weighted layers, for sweeps)
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"
#include "hil/model/zoo.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: hil-modelgen NAME|SPEC [--seed N] -o OUT.tflite\n"
               "       hil-modelgen --list\n"
               "       hil-modelgen --info FILE.tflite\n"
               "       hil-modelgen --specs NAME|FILE.tflite\n"
               "SPEC: conv2d:HxWxC,oc=N,k=3x3,s=1,pad=same|valid,act=none|relu|relu6\n"
               "      depthwise:HxWxC,k=3x3,s=2,pad=same,act=relu,dm=1\n"
               "      fc:IN,units=N,act=relu\n"
               "      avgpool:HxWxC,k=3x3,s=2,pad=same,act=none\n"
               "      add:HxWxC[,b=1x1xC|Hx1x1|C|1|...],act=relu   (two inputs; b broadcasts)\n");
  return 2;
}

int List() {
  for (const auto& m : hil::model::ZooModels())
    std::printf("%-5s %s -> %s  %llu MACs  %s\n      %s\n", m.name.c_str(),
                hil::model::ShapeString(m.input_shape).c_str(), hil::model::ShapeString(m.output_shape).c_str(),
                static_cast<unsigned long long>(m.macs), m.operators.c_str(), m.description.c_str());
  return 0;
}

int Info(const std::string& path) {
  auto bytes = hil::model::ReadFileBytes(path);
  if (!bytes) {
    std::fprintf(stderr, "hil-modelgen: %s\n", bytes.error().c_str());
    return 1;
  }
  auto model = hil::model::ReadTflite(*bytes);
  if (!model) {
    std::fprintf(stderr, "hil-modelgen: %s: %s\n", path.c_str(), model.error().c_str());
    return 1;
  }
  auto stats = hil::model::AnalyzeModel(*model);
  if (!stats) {
    std::fprintf(stderr, "hil-modelgen: %s: %s\n", path.c_str(), stats.error().c_str());
    return 1;
  }
  std::printf("%s: %zu bytes, %s\n", path.c_str(), bytes->size(), model->description.c_str());
  for (const auto& op : stats->ops)
    std::printf("  %3d %-18s %-14s -> %-14s %10llu MACs  %s\n", op.index, op.name.c_str(),
                hil::model::ShapeString(op.input_shape).c_str(), hil::model::ShapeString(op.output_shape).c_str(),
                static_cast<unsigned long long>(op.macs), op.detail.c_str());
  std::printf("total %llu MACs, %llu constant bytes, %llu bytes of activations at peak\n",
              static_cast<unsigned long long>(stats->total_macs),
              static_cast<unsigned long long>(stats->constant_bytes),
              static_cast<unsigned long long>(stats->activation_bytes_peak));
  return 0;
}

int Specs(const std::string& what) {
  std::expected<hil::model::ModelDef, std::string> model;
  if (what.ends_with(".tflite")) {
    auto bytes = hil::model::ReadFileBytes(what);
    if (!bytes) {
      std::fprintf(stderr, "hil-modelgen: %s\n", bytes.error().c_str());
      return 1;
    }
    model = hil::model::ReadTflite(*bytes);
  } else {
    model = hil::model::MakeZooModel(what, 1);
  }
  if (!model) {
    std::fprintf(stderr, "hil-modelgen: %s: %s\n", what.c_str(), model.error().c_str());
    return 1;
  }
  auto specs = hil::model::KernelSpecsOf(*model);
  if (!specs) {
    std::fprintf(stderr, "hil-modelgen: %s: %s\n", what.c_str(), specs.error().c_str());
    return 1;
  }
  for (const auto& s : *specs) std::printf("%s\n", hil::model::KernelSpecString(s).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string name, out;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--list") return List();
    if (arg == "--info" && i + 1 < argc) return Info(argv[i + 1]);
    if (arg == "--specs" && i + 1 < argc) return Specs(argv[i + 1]);
    if (arg == "--seed" && i + 1 < argc) {
      char* end = nullptr;
      seed = std::strtoull(argv[++i], &end, 0);
      if (end == nullptr || *end != '\0') return Usage();
    } else if ((arg == "-o" || arg == "--output") && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else if (!arg.empty() && arg[0] != '-' && name.empty()) {
      name = arg;
    } else {
      return Usage();
    }
  }
  if (name.empty() || out.empty()) return Usage();
  auto bytes = hil::model::GenerateModel(name, seed);
  if (!bytes) {
    std::fprintf(stderr, "hil-modelgen: %s\n", bytes.error().c_str());
    return 1;
  }
  if (auto ok = hil::model::WriteFileBytes(out, *bytes); !ok) {
    std::fprintf(stderr, "hil-modelgen: %s\n", ok.error().c_str());
    return 1;
  }
  std::printf("%s: %zu bytes (%s, seed %llu)\n", out.c_str(), bytes->size(), name.c_str(),
              static_cast<unsigned long long>(seed));
  return 0;
}
