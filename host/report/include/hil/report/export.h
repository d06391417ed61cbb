// Machine-readable forms of a stored run: JSON (one document: run, environment, jobs with their
// statistics and kernel variant, summary), CSV (one row per job, with its kernel variant) and JUnit XML for CI (one testcase per job and one per
// check of the job; failures and errors carry the message). tests/junit.xsd describes the XML.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hil/store/store.h"

namespace hil::report {

using Environment = std::vector<std::pair<std::string, std::string>>;

std::string RunJson(const store::RunRow& run, const Environment& env, const std::vector<store::JobRow>& jobs);

// Header line, then one line per job; fields with commas, quotes or newlines are quoted (RFC 4180).
std::string JobsCsv(const store::RunRow& run, const std::vector<store::JobRow>& jobs);

std::string JUnitXml(const store::RunRow& run, const Environment& env, const std::vector<store::JobRow>& jobs);

}  // namespace hil::report
