// The page template, style sheet and script from reports/, compiled into the binary by
// reports/CMakeLists.txt (reports/embed.cmake), so a report never looks for files at run time
// and every report of a build carries the same, hashable assets.
#pragma once

#include <string_view>

namespace sah::report::assets {

std::string_view template_html();  // reports/template.html: {{slot}} markers
std::string_view style_css();      // reports/style.css
std::string_view report_js();      // reports/report.js

}  // namespace sah::report::assets
