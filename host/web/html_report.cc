#include "hil/web/html_report.h"

#include <filesystem>
#include <fstream>

#include "hil/store/open_store.h"
#include "web_assets.h"

namespace hil::web {

std::string RenderReportHtml(std::string_view report_json, bool live) {
  // The page was bundled at build time (reports/build.mjs) with one marker where the data go.
  constexpr std::string_view kMarker = "<!--HIL_DATA-->";
  const std::string_view page = assets::ReportPage();
  const size_t at = page.find(kMarker);
  std::string out;
  out.reserve(page.size() + report_json.size() + 128);
  out.append(page.substr(0, at));
  out.append("<script type=\"application/json\" id=\"hil-data\"");
  if (live) out.append(" data-live=\"1\"");
  out.append(">");
  out.append(report_json);
  out.append("</script>");
  if (at != std::string_view::npos) out.append(page.substr(at + kMarker.size()));
  return out;
}

Result<void> WriteReport(const ReportOptions& options, const std::string& out_path) {
  std::error_code ec;
  if (!store::IsPostgres(options.db_path) && !std::filesystem::exists(options.db_path, ec))
    return Fail(Status::kNotFound, "store " + options.db_path + ": no such file (run `hil run` first)");
  auto store = store::OpenStore(options.db_path);
  if (!store) return std::unexpected(store.error());
  auto json = ReportJson(**store, options);
  if (!json) return std::unexpected(json.error());
  const std::string html = RenderReportHtml(*json);
  const std::string tmp = out_path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Fail(Status::kNotFound, "cannot write " + tmp);
    f.write(html.data(), static_cast<std::streamsize>(html.size()));
    if (!f.flush()) return Fail(Status::kInternal, "cannot write " + tmp);
  }
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return Fail(Status::kInternal, "cannot write " + out_path + ": " + ec.message());
  return {};
}

}  // namespace hil::web
