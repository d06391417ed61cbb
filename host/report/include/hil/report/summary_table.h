// The terminal summary of a run: one row per job with status, latency (median [min..max]) in the
// measured unit and in microseconds, arena and stack RAM, and the check result; failed jobs get their
// error on the next line.
#pragma once

#include <string>
#include <vector>

#include "hil/store/store.h"

namespace hil::report {

struct TableOptions {
  bool color = false;  // ANSI colours for status
};

std::string SummaryTable(const std::vector<store::JobRow>& jobs, const TableOptions& options = {});

// "3 jobs: 2 pass, 1 fail, 0 error".
std::string SummaryLine(const std::vector<store::JobRow>& jobs);

// Microseconds for `value` in `unit` ("ns", "cycles" at clock_hz, "instructions" at clock_hz);
// negative when unknown.
double ToMicroseconds(double value, const std::string& unit, uint64_t clock_hz);

// "1.5 KiB", "512 B".
std::string Bytes(uint64_t bytes);

// Per-operator figures of one job: index, operator, calls, total and per-call time in `unit`, share.
std::string OpProfileTable(const std::vector<store::OpProfileRow>& ops, const std::string& unit);

// The runs table of `hil results`.
std::string RunsTable(const std::vector<store::RunRow>& runs);

}  // namespace hil::report
