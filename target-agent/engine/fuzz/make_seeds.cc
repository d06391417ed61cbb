// Writes the fuzzer's seed corpus: tiny valid models built by testing/model_builder (no shared
// models). Usage: hil_engine_make_seeds <dir>
#include <cstdio>
#include <string>

#include "testing/model_builder.h"

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  for (const auto& m : hil::agent::engine::testing::SeedModels()) {
    const std::string path = dir + "/" + m.name + ".tflite";
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return 1;
    std::fwrite(m.bytes.data(), 1, m.bytes.size(), f);
    std::fclose(f);
  }
  return 0;
}
