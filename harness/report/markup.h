// Markup that is safe by construction. An `Html` value can only be made from a string literal
// in our source, from the built-in assets, or from untrusted text through html_escape(), so a
// value that reached the page without escaping does not compile. Pages are filled templates
// of such values: there is no way to splice a raw std::string into a report.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace sah::report {

class Html {
 public:
  Html() = default;

  // Markup written in our source. Only arrays bind here, i.e. literals, not runtime strings.
  template <std::size_t N>
  static Html literal(const char (&markup)[N]) {
    return Html(std::string(markup, N - 1));
  }
  // Any text: escaped (see escape.h).
  static Html text(std::string_view untrusted);

  Html& operator+=(const Html& more) {
    s_ += more.s_;
    return *this;
  }
  friend Html operator+(Html a, const Html& b) { return a += b; }

  const std::string& str() const { return s_; }
  bool empty() const { return s_.empty(); }

 private:
  explicit Html(std::string s) : s_(std::move(s)) {}
  friend Html asset_html(std::string_view);
  std::string s_;
};

// A built-in asset (template, style, script), trusted as it is: compiled into the binary.
Html asset_html(std::string_view asset);

// An attribute: the name is ours (checked: ASCII letters, digits and '-'; SVG has viewBox),
// the value is escaped.
struct Attr {
  std::string_view name;
  std::string_view value;
};

// <tag attr="value"…>children</tag>; tag and attribute names must be ASCII names from our
// source (anything else is a programming error and throws std::logic_error).
Html element(std::string_view tag, std::initializer_list<Attr> attrs, const Html& children = {});
// <tag attr…> with no end tag (meta, br, input).
Html void_element(std::string_view tag, std::initializer_list<Attr> attrs);

// Fills {{name}} slots of a trusted template with Html values, in one pass (a value is never
// scanned for slots). A slot the template names but `slots` lacks, or a slot given but not
// used, is a programming error: std::logic_error.
Html fill(const Html& tmpl, std::initializer_list<std::pair<std::string_view, Html>> slots);

}  // namespace sah::report
