// The self-contained HTML report: one page with the chart library (uPlot), its CSS and the
// renderer bundled in at build time (reports/, see reports/README.md) and the data as a JSON blob.
// The page needs no network: it opens from file:// offline.
#pragma once

#include <string>
#include <string_view>

#include "hil/core/error.h"
#include "hil/web/report_data.h"

namespace hil::web {

// The page around `report_json` (text from ReportJson). `live` marks a page served by `hil serve`.
std::string RenderReportHtml(std::string_view report_json, bool live = false);

// Opens the store at options.db_path, renders the report and writes it to `out_path` (through a
// temporary file beside it, renamed at the end). Errors: kNotFound when the store file does not exist
// (it is never created) or `out_path` cannot be opened; the store's errors; kInternal when writing
// fails. Each names the file.
Result<void> WriteReport(const ReportOptions& options, const std::string& out_path);

}  // namespace hil::web
