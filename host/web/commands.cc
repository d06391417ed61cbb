#include "hil/web/commands.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "hil/web/html_report.h"
#include "hil/web/server.h"

namespace hil::web {
namespace {

constexpr int kExitPass = 0;
constexpr int kExitError = 2;

[[noreturn]] void Exit(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::exit(code);
}

}  // namespace

void RegisterWebCommands(CLI::App& app, const std::string& default_boards_dir) {
  // Owned by the callbacks; the App outlives parsing.
  auto report = std::make_shared<ReportOptions>();
  auto out = std::make_shared<std::string>();
  report->db_path = "results/hil.db";
  report->boards_dir = default_boards_dir;
  auto* cmd_report = app.add_subcommand("report", "Write a self-contained HTML report (trends, cross-chip, per operator)");
  cmd_report->add_option("--db", report->db_path, "SQLite result store")->capture_default_str();
  cmd_report->add_option("--since", report->filter.since, "Only runs started on or after this UTC date (YYYY-MM-DD)");
  cmd_report->add_option("--suite", report->filter.suite, "Only runs of this suite name");
  cmd_report->add_option("--boards", report->boards_dir, "Folder of board kinds (for core names)")->capture_default_str();
  cmd_report->add_option("-o,--output", *out, "HTML file to write")->required();
  cmd_report->callback([report, out] {
    if (auto r = WriteReport(*report, *out); !r) {
      std::cerr << "hil: " << r.error().message << "\n";
      Exit(kExitError);
    }
    std::cout << "wrote " << *out << "\n";
    Exit(kExitPass);
  });

  auto serve = std::make_shared<ServeOptions>();
  serve->db_path = "results/hil.db";
  serve->boards_dir = default_boards_dir;
  auto* cmd_serve = app.add_subcommand("serve", "Serve the report's views live from the store, with a read-only JSON API");
  cmd_serve->add_option("--db", serve->db_path, "SQLite result store")->capture_default_str();
  cmd_serve->add_option("--port", serve->port, "TCP port (0: any free port)")->capture_default_str();
  cmd_serve->add_option("--bind", serve->bind, "Address to listen on")->capture_default_str();
  cmd_serve->add_option("--boards", serve->boards_dir, "Folder of board kinds (for core names)")->capture_default_str();
  cmd_serve->add_option("--tls-cert", serve->tls_cert_file, "Serve HTTPS with this PEM certificate (with --tls-key)");
  cmd_serve->add_option("--tls-key", serve->tls_key_file, "The PEM private key of --tls-cert");
  cmd_serve->callback([serve] {
    serve->on_listening = [](const std::string& url) { std::cout << "serving " << url << std::endl; };
    if (auto r = Serve(*serve); !r) {
      std::cerr << "hil: " << r.error().message << "\n";
      Exit(kExitError);
    }
    Exit(kExitPass);
  });
}

}  // namespace hil::web
