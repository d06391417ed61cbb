// The agent as a host process: the POSIX port. It serves the protocol on a pseudo-terminal (the
// same byte stream a board's UART gives), a Unix socket, TCP on loopback, or stdin/stdout.
//
// Cycle source: CLOCK_MONOTONIC in nanoseconds. Stack high-water mark: the command loop runs on a
// painted stack of its own (ucontext), measured exactly as a target port measures its main stack.
//
// Timestamp GPIO (--timestamp-gpio PATH): the pin a board pulses low at the start and at the end of
// its timed inferences (agent.h), as the pin's levels, one byte per change: '0' (low) then '1'
// (high) for each pulse, written to PATH: a FIFO a power-monitor emulator reads, or a regular file
// (appended). The pin idles high. A FIFO must have its reader open before the agent starts.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "hil/agent/agent.h"
#include "hil/agent/mlperf_dut.h"
#include "hil/common/host_file.h"
#if HIL_AGENT_TFLM
#include "hil/agent/tflm_engine.h"
#endif

namespace hil::agent::engine {
uint64_t PortCycles() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace hil::agent::engine

namespace {

constexpr uint32_t kMaxPayload = 4096;
constexpr size_t kStackBytes = 1u << 20;
constexpr uint8_t kStackPaint = 0xA5;

// Static like a target's .bss, so static_bytes below can be measured the same way.
alignas(16) uint8_t g_model[4u << 20];
alignas(16) uint8_t g_arena[4u << 20];
alignas(16) uint8_t g_stack[kStackBytes];
uint8_t g_rx[hil::agent::RxBytesFor(kMaxPayload)];
uint8_t g_tx[hil::agent::RxBytesFor(kMaxPayload)];
uint8_t g_scratch[hil::agent::ScratchBytesFor(kMaxPayload)];
uint8_t g_response[kMaxPayload];

struct Options {
  std::string mode = "pty";
  std::string path;
  int port = 0;
  std::string board_id = "posix";
  size_t arena_bytes = sizeof g_arena;
  size_t model_bytes = sizeof g_model;
  uint32_t max_payload = kMaxPayload;
  std::string timestamp_gpio;
  std::string mlperf_model;            // --mlperf: speak MLPerf Tiny's DUT protocol with this model
  std::string mlperf_model_id = "model";
  bool mlperf_energy = false;          // --mlperf-energy
  std::string pty_link;                // --pty-link
};

Options g_options;
int g_in = -1;
int g_out = -1;
int g_listen = -1;
ucontext_t g_main_context;
ucontext_t g_loop_context;
int g_exit_code = 0;
int g_timestamp_fd = -1;

void Timestamp(bool) {
  const char pulse[2] = {'0', '1'};
  // Non-blocking: a full FIFO (nobody reading) must not stall the inference loop; the pulse is lost.
  while (write(g_timestamp_fd, pulse, sizeof pulse) < 0 && errno == EINTR) {
  }
}

uint32_t StackBytes() { return kStackBytes; }

uint32_t StackUsed() {
  // The stack grows down from the end of g_stack; the first unpainted byte from the bottom marks the
  // deepest point reached.
  size_t i = 0;
  while (i < kStackBytes && g_stack[i] == kStackPaint) ++i;
  return static_cast<uint32_t>(kStackBytes - i);
}

void WriteAll(const uint8_t* bytes, size_t size, void*) {
  while (size > 0) {
    ssize_t n = write(g_out, bytes, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{g_out, POLLOUT, 0};
        poll(&p, 1, 100);
        continue;
      }
      return;  // the peer went away; the host will retransmit or give up
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
}

void MakeRaw(int fd, speed_t baud) {
  termios t;
  if (tcgetattr(fd, &t) == 0) {
    cfmakeraw(&t);
    cfsetispeed(&t, baud);
    cfsetospeed(&t, baud);
    tcsetattr(fd, TCSANOW, &t);
  }
}

int AcceptOne() {
  int fd = accept(g_listen, nullptr, nullptr);
  return fd;
}

void Loop() {
  hil::agent::Port port;
  port.agent_name = "tinyhil-agent-posix";
  port.board_id = g_options.board_id.c_str();
  port.clock_hz = 1000000000u;  // one "cycle" is one nanosecond of CLOCK_MONOTONIC
  port.cycle_source = hil::protocol::CycleSource::kHostMonotonicNs;
  port.capabilities = hil::protocol::kCapProfiling | hil::protocol::kCapStackPainting;
  port.write = WriteAll;
#if HIL_AGENT_TFLM
  port.tflm = &hil::agent::TflmEngine();
#endif
  port.stack_bytes = StackBytes;
  port.stack_used = StackUsed;
  port.static_bytes = 0;
  if (g_timestamp_fd >= 0) {
    port.timestamp = Timestamp;
    port.capabilities |= hil::protocol::kCapTimestampGpio;
  }

  hil::agent::Buffers b;
  b.model = g_model;
  b.model_bytes = g_options.model_bytes;
  b.arena = g_arena;
  b.arena_bytes = g_options.arena_bytes;
  b.rx = g_rx;
  b.rx_bytes = hil::agent::RxBytesFor(g_options.max_payload);
  b.tx = g_tx;
  b.tx_bytes = b.rx_bytes;
  b.scratch = g_scratch;
  b.scratch_bytes = hil::agent::ScratchBytesFor(g_options.max_payload);
  b.response = g_response;
  b.response_bytes = g_options.max_payload;
  b.max_payload = g_options.max_payload;
  static hil::agent::Agent agent(port, b);

  // The MLPerf Tiny personality (--mlperf MODEL): the model loaded from a file at start, the text
  // protocol of MLPerf Tiny's runner on the same link instead of our frames.
  static hil::agent::engine::Interpreter mlperf_engine;
  static hil::agent::MlperfDut* mlperf = nullptr;
  if (!g_options.mlperf_model.empty()) {
    std::vector<uint8_t> bytes;
    std::string why;
    const bool read = hil::host_file::ReadRegular(g_options.mlperf_model, sizeof g_model / 2, &bytes, &why) == hil::Status::kOk;
    const size_t n = read ? bytes.size() : 0;
    if (n > 0) memcpy(g_model, bytes.data(), n);
    if (n == 0) {
      fprintf(stderr, "hil-agent-posix: cannot read --mlperf model %s: %s\n", g_options.mlperf_model.c_str(), read ? "empty" : why.c_str());
      g_exit_code = 1;
      swapcontext(&g_loop_context, &g_main_context);
    }
    const hil::Status s = mlperf_engine.Load(g_model, n, g_arena, g_options.arena_bytes);
    if (s != hil::Status::kOk) {
      fprintf(stderr, "hil-agent-posix: --mlperf model %s: %s\n", g_options.mlperf_model.c_str(), mlperf_engine.ErrorDetail());
      g_exit_code = 1;
      swapcontext(&g_loop_context, &g_main_context);
    }
    hil::agent::MlperfDut::Config c;
    c.name = "tinyhil-posix";
    c.model_id = g_options.mlperf_model_id.c_str();
    c.clock_hz = 1000000000u;
    c.write = [](const char* text, size_t size, void*) { WriteAll(reinterpret_cast<const uint8_t*>(text), size, nullptr); };
    if (g_timestamp_fd >= 0) c.timestamp = Timestamp;
    c.energy_mode = g_options.mlperf_energy;
    // The loaded input lives in the upper half of the model buffer, after the model.
    static hil::agent::MlperfDut dut(c, mlperf_engine, g_model + sizeof g_model / 2, sizeof g_model / 2);
    mlperf = &dut;
    dut.Banner();
  }

  uint8_t buf[4096];
  for (;;) {
    pollfd p{g_in, POLLIN, 0};
    int pr = poll(&p, 1, 1000);
    if (pr < 0 && errno != EINTR) break;
    if (pr <= 0) continue;
    ssize_t n = read(g_in, buf, sizeof buf);
    if (n > 0) {
      for (ssize_t i = 0; i < n; ++i) {
        if (mlperf) mlperf->Push(buf[i]);
        else agent.Push(buf[i]);
      }
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (g_options.mode == "pty") {
      // EIO: no process has the slave open. A board keeps its UART up when the host disconnects, so
      // wait for the host to come back.
      usleep(20000);
      continue;
    }
    if (g_listen >= 0) {  // socket peer closed: serve the next connection
      close(g_in);
      g_in = g_out = AcceptOne();
      if (g_in < 0) break;
      continue;
    }
    break;  // stdin closed
  }
  swapcontext(&g_loop_context, &g_main_context);
}

int Usage() {
  fprintf(stderr,
          "usage: hil-agent-posix [--pty | --unix PATH | --tcp PORT | --stdio] [--board-id ID]\n"
          "                       [--arena-bytes N] [--model-bytes N] [--max-payload N]\n"
          "                       [--timestamp-gpio PATH] [--pty-link PATH]\n"
          "                       [--mlperf MODEL.tflite [--mlperf-model-id ID] [--mlperf-energy]]\n"
          "  --pty        create a pseudo-terminal and print 'PTY <path>' on stdout (default)\n"
          "  --unix PATH  listen on a Unix socket\n"
          "  --tcp PORT   listen on 127.0.0.1:PORT (0 picks a port; 'TCP <port>' is printed)\n"
          "  --stdio      speak the protocol on stdin/stdout\n"
          "  --pty-link PATH  with --pty: also make PATH a symlink to the pty (a stable name for\n"
          "               whatever is wired to this 'UART', e.g. an interface-board emulator)\n"
          "  --mlperf MODEL  speak MLPerf Tiny's DUT text protocol (name%%, db load, infer ...) with MODEL\n"
          "  --mlperf-energy  MLPerf Tiny's energy mode: no m-lap-us lines, timestamps on the GPIO only\n"
          "               and a 9600-baud line (as set on the pty)\n"
          "  --timestamp-gpio PATH  write a pulse, '0' then '1', to PATH (a FIFO or a file)\n"
          "               when the timed inferences of an INVOKE start and when they end\n");
  return 2;
}

bool ParseSize(const char* s, size_t max, size_t* out) {
  char* end = nullptr;
  unsigned long long v = strtoull(s, &end, 0);
  if (!end || *end != '\0' || v == 0 || v > max) return false;
  *out = static_cast<size_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto need = [&](const char* what) -> const char* {
      if (i + 1 >= argc) {
        fprintf(stderr, "hil-agent-posix: %s needs %s\n", a.c_str(), what);
        exit(2);
      }
      return argv[++i];
    };
    size_t v = 0;
    if (a == "--pty") g_options.mode = "pty";
    else if (a == "--stdio") g_options.mode = "stdio";
    else if (a == "--unix") { g_options.mode = "unix"; g_options.path = need("a path"); }
    else if (a == "--tcp") { g_options.mode = "tcp"; g_options.port = atoi(need("a port")); }
    else if (a == "--board-id") g_options.board_id = need("an id");
    else if (a == "--timestamp-gpio") g_options.timestamp_gpio = need("a path");
    else if (a == "--mlperf") g_options.mlperf_model = need("a .tflite file");
    else if (a == "--mlperf-model-id") g_options.mlperf_model_id = need("an id (kws01, vww01, ic01, ad01)");
    else if (a == "--mlperf-energy") g_options.mlperf_energy = true;
    else if (a == "--pty-link") g_options.pty_link = need("a path");
    else if (a == "--arena-bytes") {
      if (!ParseSize(need("a size"), sizeof g_arena, &v)) { fprintf(stderr, "hil-agent-posix: bad --arena-bytes (1..%zu)\n", sizeof g_arena); return 2; }
      g_options.arena_bytes = v;
    } else if (a == "--model-bytes") {
      if (!ParseSize(need("a size"), sizeof g_model, &v)) { fprintf(stderr, "hil-agent-posix: bad --model-bytes (1..%zu)\n", sizeof g_model); return 2; }
      g_options.model_bytes = v;
    } else if (a == "--max-payload") {
      if (!ParseSize(need("a size"), kMaxPayload, &v) || v < 64) { fprintf(stderr, "hil-agent-posix: bad --max-payload (64..%u)\n", kMaxPayload); return 2; }
      g_options.max_payload = static_cast<uint32_t>(v);
    } else if (a == "-h" || a == "--help") return Usage();
    else { fprintf(stderr, "hil-agent-posix: unknown option %s\n", a.c_str()); return Usage(); }
  }

  if (!g_options.timestamp_gpio.empty()) {
    g_timestamp_fd = open(g_options.timestamp_gpio.c_str(), O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (g_timestamp_fd < 0) {
      fprintf(stderr, "hil-agent-posix: cannot open --timestamp-gpio %s: %s%s\n", g_options.timestamp_gpio.c_str(), strerror(errno),
              errno == ENXIO ? " (a FIFO with no reader: start the reader first)" : "");
      return 1;
    }
  }

  if (g_options.mode == "pty") {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
      fprintf(stderr, "hil-agent-posix: cannot create a pty: %s\n", strerror(errno));
      return 1;
    }
    const char* name = ptsname(master);
    // Raw mode on the slave side: with the default line discipline the pty would echo our own
    // replies back to us and translate CR/LF inside binary frames.
    int slave = open(name, O_RDWR | O_NOCTTY);
    if (slave >= 0) {
      // A pty moves bytes at any speed; the rate is set so the line reads as the board's would.
      MakeRaw(slave, g_options.mlperf_energy ? B9600 : B115200);
      close(slave);
    }
    g_in = g_out = master;
    if (!g_options.pty_link.empty()) {
      // Replaced atomically: an emulator wired to the link never sees it missing.
      const std::string tmp = g_options.pty_link + ".tmp";
      unlink(tmp.c_str());
      if (symlink(name, tmp.c_str()) != 0 || rename(tmp.c_str(), g_options.pty_link.c_str()) != 0) {
        fprintf(stderr, "hil-agent-posix: cannot link %s to the pty: %s\n", g_options.pty_link.c_str(), strerror(errno));
        return 1;
      }
    }
    printf("PTY %s\n", name);
  } else if (g_options.mode == "unix" || g_options.mode == "tcp") {
    if (g_options.mode == "unix") {
      g_listen = socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      if (g_options.path.size() >= sizeof addr.sun_path) { fprintf(stderr, "hil-agent-posix: socket path too long\n"); return 2; }
      strcpy(addr.sun_path, g_options.path.c_str());
      unlink(g_options.path.c_str());
      if (bind(g_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(g_listen, 1) != 0) {
        fprintf(stderr, "hil-agent-posix: cannot listen on %s: %s\n", g_options.path.c_str(), strerror(errno));
        return 1;
      }
      printf("UNIX %s\n", g_options.path.c_str());
    } else {
      g_listen = socket(AF_INET, SOCK_STREAM, 0);
      int one = 1;
      setsockopt(g_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(static_cast<uint16_t>(g_options.port));
      socklen_t len = sizeof addr;
      if (bind(g_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(g_listen, 1) != 0 ||
          getsockname(g_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        fprintf(stderr, "hil-agent-posix: cannot listen on 127.0.0.1:%d: %s\n", g_options.port, strerror(errno));
        return 1;
      }
      printf("TCP %d\n", ntohs(addr.sin_port));
    }
    fflush(stdout);
    g_in = g_out = AcceptOne();
    if (g_in < 0) return 1;
  } else {
    g_in = STDIN_FILENO;
    g_out = STDOUT_FILENO;
  }
  fflush(stdout);

  memset(g_stack, kStackPaint, sizeof g_stack);
  getcontext(&g_loop_context);
  g_loop_context.uc_stack.ss_sp = g_stack;
  g_loop_context.uc_stack.ss_size = sizeof g_stack;
  g_loop_context.uc_link = &g_main_context;
  makecontext(&g_loop_context, Loop, 0);
  swapcontext(&g_main_context, &g_loop_context);
  return g_exit_code;
}
