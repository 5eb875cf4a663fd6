// The scenario parser (harness/scenario/parser.h) on arbitrary text. Properties: it returns
// (no throw, no crash, bounded work); every diagnostic names the file, a line of the text (or
// the line after the last) and a column >= 1, has a message, and they come sorted by line and
// column; every case it returns has an id and a location inside the text; ok() means no
// diagnostic at all.
#include <algorithm>
#include <string>

#include "fuzz/fuzz_common.h"
#include "harness/scenario/parser.h"

using sah::fuzz::require;
namespace scenario = sah::scenario;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in = sah::fuzz::input(data, size);
  const std::string file = "fuzz.scn";
  const scenario::ParseResult r = scenario::parse_text(in, file);
  const std::size_t lines = static_cast<std::size_t>(std::count(in.begin(), in.end(), '\n')) + 1;
  for (std::size_t i = 0; i < r.diagnostics.size(); ++i) {
    const auto& d = r.diagnostics[i];
    require(d.at.file == file, "diagnostic names another file");
    require(d.at.line >= 1 && d.at.line <= lines + 1, "diagnostic line outside the text");
    require(d.at.col >= 1, "diagnostic column is 0");
    require(!d.message.empty(), "diagnostic without a message");
    if (i > 0) {
      const auto& p = r.diagnostics[i - 1].at;
      require(p.line < d.at.line || (p.line == d.at.line && p.col <= d.at.col), "diagnostics not sorted");
    }
  }
  for (const auto& c : r.cases) {
    require(!c.id.empty(), "a case without an id");
    require(c.at.file == file && c.at.line >= 1 && c.at.line <= lines, "case location outside the text");
  }
  require(r.ok() == r.diagnostics.empty(), "ok() disagrees with the diagnostics");
  return 0;
}
