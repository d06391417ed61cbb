// hil-link-bench: upload throughput of an emulated board's links (`make` builds it; not a test).
//   hil-link-bench FIRMWARE_DIR MACHINE LINK MODEL [REPEATS]
// Starts the board, uploads a zoo model (seed 1) REPEATS times through LOAD_BEGIN/CHUNK/END and
// prints bytes per second of each upload and their median.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "hil/board/qemu_board.h"
#include "hil/model/zoo.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: hil-link-bench FIRMWARE_DIR MACHINE uart|rtt MODEL [REPEATS]\n");
    return 2;
  }
  const std::string dir = argv[1], machine = argv[2], link = argv[3], model_name = argv[4];
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 3;
  auto model = hil::model::GenerateModel(model_name, 1);
  if (!model) {
    fprintf(stderr, "hil-link-bench: %s\n", model.error().c_str());
    return 2;
  }
  hil::board::QemuBoardOptions o;
  o.machine = machine;
  o.firmware = dir + "/" + machine + "/ports/cortex-m/hil-agent-" + machine + ".elf";
  o.instance_id = machine + "#bench";
  o.link = link;
  o.session.execute_timeout = std::chrono::milliseconds(60000);
  auto b = hil::board::QemuBoard::Start(o);
  if (!b) {
    fprintf(stderr, "hil-link-bench: %s\n", b.error().message.c_str());
    return 1;
  }
  std::vector<double> rates;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto loaded = (*b)->session().LoadModel(*model);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!loaded) {
      fprintf(stderr, "hil-link-bench: %s\n", loaded.error().message.c_str());
      return 1;
    }
    rates.push_back(static_cast<double>(model->size()) / s);
    printf("%s %s %s: %zu bytes in %.3f s = %.0f B/s\n", machine.c_str(), link.c_str(), model_name.c_str(), model->size(), s,
           rates.back());
  }
  // Round trips of the other requests after the last upload, for a view of the link's latency.
  auto timed = [&](const char* what, auto&& call) {
    const auto start = std::chrono::steady_clock::now();
    const bool ok = call();
    printf("  %s: %.1f ms%s\n", what, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
           ok ? "" : " (failed)");
  };
  auto& s = (*b)->session();
  std::vector<uint8_t> input(64, 1);
  timed("GET_MEMORY", [&] { return s.GetMemory().has_value(); });
  timed("SET_INPUT 64 B", [&] { return s.SetInput(0, input).has_value(); });
  timed("INVOKE 1", [&] { return s.Invoke(0, 1).has_value(); });
  timed("GET_OUTPUT", [&] { return s.GetOutput(0).has_value(); });
  timed("GET_PROFILE", [&] { return s.GetProfile().has_value(); });
  std::sort(rates.begin(), rates.end());
  printf("median %.0f B/s (max payload %u bytes, %llu retransmissions)\n", rates[rates.size() / 2], (*b)->hello().max_payload,
         static_cast<unsigned long long>((*b)->session().stats().retransmissions));
  return 0;
}
