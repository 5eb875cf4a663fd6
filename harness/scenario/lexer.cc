#include "harness/scenario/lexer.h"


namespace sah::scenario {

Fields split_fields(std::string_view line, std::size_t from, bool trailing_comment) {
  Fields out;
  std::size_t i = from;
  while (true) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i >= line.size()) {
      out.end = line.size();
      return out;
    }
    if (trailing_comment && line[i] == '#') {
      out.end = i;
      return out;
    }
    Field f;
    f.begin = i;
    if (line[i] == '"') {
      f.quoted = true;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i];
        if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
          f.text.push_back(line[i + 1]);
          i += 2;
        } else if (c == '"') {
          ++i;
          closed = true;
          break;
        } else {
          f.text.push_back(c);
          ++i;
        }
      }
      if (!closed) {
        out.error = LexError{f.begin, "unterminated quoted string: expected a closing '\"'"};
        out.end = line.size();
        return out;
      }
      if (i < line.size() && !is_blank(line[i])) {
        out.error = LexError{i, "expected a blank after the closing '\"'"};
        out.end = line.size();
        return out;
      }
    } else {
      while (i < line.size() && !is_blank(line[i])) f.text.push_back(line[i++]);
    }
    f.end = i;
    out.fields.push_back(std::move(f));
  }
}

MappedLine identity_line(std::size_t number, std::string_view text) {
  MappedLine m;
  m.number = number;
  m.text = std::string(text);
  return m;
}

MappedLine substitute(const MappedLine& line, const std::map<std::string, std::string>& values) {
  MappedLine out;
  out.number = line.number;
  const std::string& s = line.text;
  auto push = [&](char c, std::size_t column, bool from_value) {
    out.text.push_back(c);
    out.col.push_back(column);
    out.substituted.push_back(from_value);
  };
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\\' && i + 1 < s.size()) {  // keep escapes (`\$user` is not a variable)
      push(s[i], line.column(i), line.from_value(i));
      push(s[i + 1], line.column(i + 1), line.from_value(i + 1));
      i += 2;
      continue;
    }
    if (s[i] == '$') {
      std::size_t name_begin = i + 1, name_end = i + 1, next = i + 1;
      if (i + 1 < s.size() && s[i + 1] == '{') {
        const auto close = s.find('}', i + 2);
        if (close != std::string::npos) {
          name_begin = i + 2;
          name_end = close;
          next = close + 1;
        }
      } else {
        // The longest run of name octets, as the template and glob scanners read it.
        auto start_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
        if (name_end < s.size() && start_char(s[name_end])) {
          ++name_end;
          while (name_end < s.size() && (start_char(s[name_end]) || (s[name_end] >= '0' && s[name_end] <= '9')))
            ++name_end;
        }
        next = name_end;
      }
      if (name_end > name_begin) {
        auto it = values.find(s.substr(name_begin, name_end - name_begin));
        if (it != values.end()) {
          if (it->second.size() > kMaxSubstitutedLineLength - out.text.size()) {
            out.too_long = true;
            break;
          }
          const std::size_t column = line.column(i);
          for (char c : it->second) push(c, column, true);
          i = next;
          continue;
        }
      }
    }
    if (out.text.size() >= kMaxSubstitutedLineLength) {
      out.too_long = true;
      break;
    }
    push(s[i], line.column(i), line.from_value(i));
    ++i;
  }
  out.col.push_back(line.column(s.size()));
  return out;
}

}  // namespace sah::scenario
