// Reads our own HTML output back for the tests: every '<' in a page starts markup we wrote,
// since escaped text holds none; script and style bodies are skipped as raw text.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace sah::report::testing {

struct Tag {
  std::string name;  // lowercase, "/x" for an end tag
  std::string text;  // everything between < and >
  std::vector<std::pair<std::string, std::string>> attrs;  // name="value" or a bare name
  bool well_formed = true;  // every attribute is name="value" (our writer's only form) or a bare name
};

// Attributes as our writer emits them: name="value" with no raw quote inside the value.
inline void parse_attributes(Tag& t) {
  std::size_t i = t.name.size();
  const std::string& s = t.text;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size() || s[i] == '/') break;
    std::size_t n = i;
    while (n < s.size() && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '-')) ++n;
    if (n == i) {
      t.well_formed = false;
      return;
    }
    std::string name = s.substr(i, n - i);
    if (n < s.size() && s[n] == '=') {
      if (n + 1 >= s.size() || s[n + 1] != '"') {
        t.well_formed = false;
        return;
      }
      const std::size_t close = s.find('"', n + 2);
      if (close == std::string::npos) {
        t.well_formed = false;
        return;
      }
      t.attrs.emplace_back(name, s.substr(n + 2, close - n - 2));
      i = close + 1;
    } else {
      t.attrs.emplace_back(name, "");
      i = n;
    }
  }
}

inline std::vector<Tag> tags_of(const std::string& page) {
  std::vector<Tag> out;
  std::size_t pos = 0;
  while ((pos = page.find('<', pos)) != std::string::npos) {
    const std::size_t end = page.find('>', pos);
    if (end == std::string::npos) break;
    Tag t;
    t.text = page.substr(pos + 1, end - pos - 1);
    std::size_t n = 0;
    while (n < t.text.size() && !std::isspace(static_cast<unsigned char>(t.text[n]))) ++n;
    t.name = t.text.substr(0, n);
    std::transform(t.name.begin(), t.name.end(), t.name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (t.name.rfind('/', 0) != 0 && t.name.rfind('!', 0) != 0) parse_attributes(t);
    out.push_back(t);
    pos = end + 1;
    if (t.name == "script" || t.name == "style") {
      const std::size_t close = page.find("</" + t.name + ">", pos);
      if (close == std::string::npos) break;
      pos = close;
    }
  }
  return out;
}

// The body of the first <name>…</name> element.
inline std::string element_body(const std::string& page, const std::string& name) {
  const std::size_t open = page.find("<" + name + ">");
  if (open == std::string::npos) return {};
  const std::size_t start = open + name.size() + 2;
  const std::size_t close = page.find("</" + name + ">", start);
  return page.substr(start, close - start);
}

inline std::size_t count_of(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace sah::report::testing
