// The report page bundled at build time (generated web_assets.cc from reports/build.mjs).
#pragma once

#include <string_view>

namespace hil::web::assets {

// index.html with uPlot's CSS and JS and the renderer inlined; "<!--HIL_DATA-->" marks where the
// data's <script type="application/json"> goes.
std::string_view ReportPage();

}  // namespace hil::web::assets
