#include "harness/report/markup.h"

#include <stdexcept>
#include <vector>

#include "harness/report/escape.h"

namespace sah::report {
namespace {

void check_name(std::string_view name) {
  bool ok = !name.empty();
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) throw std::logic_error("report markup: bad tag or attribute name");
}

std::string open_tag(std::string_view tag, std::initializer_list<Attr> attrs) {
  check_name(tag);
  std::string s = "<";
  s += tag;
  for (const auto& a : attrs) {
    check_name(a.name);
    s += ' ';
    s += a.name;
    s += "=\"";
    s += html_escape(a.value);
    s += '"';
  }
  s += '>';
  return s;
}

}  // namespace

Html Html::text(std::string_view untrusted) { return Html(html_escape(untrusted)); }

Html asset_html(std::string_view asset) { return Html(std::string(asset)); }

Html element(std::string_view tag, std::initializer_list<Attr> attrs, const Html& children) {
  std::string s = open_tag(tag, attrs);
  s += children.str();
  s += "</";
  s += tag;
  s += '>';
  return asset_html(s);
}

Html void_element(std::string_view tag, std::initializer_list<Attr> attrs) {
  return asset_html(open_tag(tag, attrs));
}

Html fill(const Html& tmpl, std::initializer_list<std::pair<std::string_view, Html>> slots) {
  const std::string& t = tmpl.str();
  std::vector<bool> used(slots.size(), false);
  std::string out;
  out.reserve(t.size());
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = t.find("{{", pos);
    if (open == std::string::npos) break;
    const std::size_t close = t.find("}}", open + 2);
    if (close == std::string::npos) throw std::logic_error("report template: unclosed slot");
    const std::string_view name(t.data() + open + 2, close - open - 2);
    std::size_t i = 0;
    const Html* value = nullptr;
    for (const auto& [slot, html] : slots) {
      if (slot == name) {
        value = &html;
        used[i] = true;
      }
      ++i;
    }
    if (value == nullptr)
      throw std::logic_error("report template: no value for slot {{" + std::string(name) + "}}");
    out.append(t, pos, open - pos);
    out += value->str();
    pos = close + 2;
  }
  out.append(t, pos, std::string::npos);
  for (bool u : used)
    if (!u) throw std::logic_error("report template: a value was given for a slot it lacks");
  return asset_html(out);
}

}  // namespace sah::report
