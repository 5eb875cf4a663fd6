#include "harness/scenario/glob.h"

#include <cstddef>
#include <vector>

namespace sah::scenario {

namespace {

struct Token {
  enum class Kind { literal, one, run };
  Kind kind = Kind::literal;
  char c = 0;
  std::string capture;  // run: the variable name, empty for `*`
};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::vector<Token> tokenize(std::string_view p) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out.push_back({Token::Kind::literal, p[++i], {}});
    } else if (c == '*') {
      out.push_back({Token::Kind::run, 0, {}});
    } else if (c == '?') {
      out.push_back({Token::Kind::one, 0, {}});
    } else if (c == '$' && i + 1 < p.size() && p[i + 1] == '{') {
      const std::size_t close = p.find('}', i + 2);
      if (close == std::string_view::npos) {
        out.push_back({Token::Kind::literal, c, {}});
        continue;
      }
      out.push_back({Token::Kind::run, 0, std::string(p.substr(i + 2, close - i - 2))});
      i = close;
    } else if (c == '$' && i + 1 < p.size() && name_char(p[i + 1])) {
      std::size_t j = i + 1;
      while (j < p.size() && name_char(p[j])) ++j;
      out.push_back({Token::Kind::run, 0, std::string(p.substr(i + 1, j - i - 1))});
      i = j - 1;
    } else {
      out.push_back({Token::Kind::literal, c, {}});
    }
  }
  return out;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::optional<Captures> glob_match(std::string_view pattern, std::string_view text) {
  const std::vector<Token> tokens = tokenize(pattern);
  // The classic single-backtrack-point algorithm: on a mismatch only the most recent run grows
  // by one octet; earlier runs keep their spans, which is correct for existence and gives each
  // earlier run its shortest successful span. begin/end record the span of every run token.
  std::vector<std::size_t> begin(tokens.size(), 0), end(tokens.size(), 0);
  std::size_t ti = 0, pi = 0;
  std::size_t star = tokens.size();  // index of the last run token seen; size(): none
  std::size_t star_text = 0;
  while (ti < text.size()) {
    if (pi < tokens.size() && tokens[pi].kind == Token::Kind::run) {
      star = pi;
      star_text = ti;
      begin[pi] = end[pi] = ti;
      ++pi;
    } else if (pi < tokens.size() &&
               (tokens[pi].kind == Token::Kind::one || lower(tokens[pi].c) == lower(text[ti]))) {
      ++pi;
      ++ti;
    } else if (star < tokens.size()) {
      pi = star + 1;
      ti = ++star_text;
      end[star] = ti;
    } else {
      return std::nullopt;
    }
  }
  while (pi < tokens.size() && tokens[pi].kind == Token::Kind::run) {
    begin[pi] = end[pi] = ti;
    ++pi;
  }
  if (pi != tokens.size()) return std::nullopt;
  Captures captures;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == Token::Kind::run && !tokens[i].capture.empty())
      captures[tokens[i].capture] = std::string(text.substr(begin[i], end[i] - begin[i]));
  }
  return captures;
}

}  // namespace sah::scenario
