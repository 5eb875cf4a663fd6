#include "harness/scenario/template.h"

#include <algorithm>
#include <utility>

#include "harness/codec/base64.h"
#include "harness/codec/base64_malform.h"

namespace sah::scenario {
namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
bool malformer_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The template as a tree, built once by Parser and walked by check_template and expand.
struct Node {
  enum class Kind { text, variable, b64, hex, repeat, swapcase };
  Kind kind = Kind::text;
  std::string text;              // text: the octets; variable: the name; b64: the malformer
  std::size_t count = 0;         // repeat
  std::size_t offset = 0;        // where it starts in the source (for messages)
  std::size_t name_offset = 0;   // variable name / malformer name
  std::vector<Node> body;        // macros: TEXT
};

struct Error {
  std::size_t offset = 0;
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::string_view src) : s_(src) {}

  // The whole template. `fatal` parse errors (macro structure) stop the walk; escape and
  // `$` errors are recorded and skipped so that one template reports all of them.
  std::vector<Node> parse() {
    std::vector<Node> out = sequence(0);
    if (!fatal_ && i_ < s_.size()) fail(i_, "unexpected '" + std::string(1, s_[i_]) + "'");
    return out;
  }
  const std::vector<Error>& errors() const { return errors_; }
  bool failed() const { return !errors_.empty(); }

 private:
  void fail(std::size_t at, std::string m) { errors_.push_back({at, std::move(m)}); }
  void fatal(std::size_t at, std::string m) {
    fail(at, std::move(m));
    fatal_ = true;
  }
  bool at_close() const { return i_ + 1 < s_.size() && s_[i_] == ']' && s_[i_ + 1] == '%'; }

  static void append_text(std::vector<Node>& out, char c, std::size_t at) {
    if (out.empty() || out.back().kind != Node::Kind::text) {
      Node n;
      n.offset = at;
      out.push_back(std::move(n));
    }
    out.back().text.push_back(c);
  }

  // Text up to the end, or inside a macro (depth > 0) up to a top-level `|` or `]%`.
  std::vector<Node> sequence(std::size_t depth) {
    std::vector<Node> out;
    while (i_ < s_.size() && !fatal_) {
      const char c = s_[i_];
      if (depth > 0 && (c == '|' || at_close())) break;
      if (c == '\\') {
        escape(out);
      } else if (c == '$') {
        variable(out);
      } else if (c == '%') {
        macro(out, depth);
      } else {
        append_text(out, c, i_);
        ++i_;
      }
    }
    return out;
  }

  void escape(std::vector<Node>& out) {
    const std::size_t at = i_;
    if (i_ + 1 >= s_.size()) {
      fail(at, "'\\' at the end of the text: write '\\\\' for a backslash");
      ++i_;
      return;
    }
    const char e = s_[i_ + 1];
    char value = 0;
    std::size_t len = 2;
    switch (e) {
      case 'r': value = '\r'; break;
      case 'n': value = '\n'; break;
      case 't': value = '\t'; break;
      case '0': value = '\0'; break;
      case '\\': value = '\\'; break;
      case '$': value = '$'; break;
      case '%': value = '%'; break;
      case 'x': {
        const int hi = i_ + 2 < s_.size() ? hex_value(s_[i_ + 2]) : -1;
        const int lo = i_ + 3 < s_.size() ? hex_value(s_[i_ + 3]) : -1;
        if (hi < 0 || lo < 0) {
          fail(at, "expected two hex digits after '\\x'");
          i_ += 2;
          return;
        }
        value = static_cast<char>(hi * 16 + lo);
        len = 4;
        break;
      }
      default:
        fail(at, "unknown escape '\\" + std::string(1, e) +
                     "' (known: \\r \\n \\t \\0 \\\\ \\$ \\% \\xHH)");
        i_ += 2;
        return;
    }
    append_text(out, value, at);
    i_ += len;
  }

  void variable(std::vector<Node>& out) {
    const std::size_t at = i_;
    Node n;
    n.kind = Node::Kind::variable;
    n.offset = at;
    if (i_ + 1 < s_.size() && s_[i_ + 1] == '{') {
      const std::size_t start = i_ + 2;
      std::size_t j = start;
      while (j < s_.size() && name_char(s_[j])) ++j;
      if (j >= s_.size() || s_[j] != '}' || !is_variable_name(s_.substr(start, j - start))) {
        fail(at, "expected a variable name and '}' after '${'");
        i_ = j < s_.size() && s_[j] == '}' ? j + 1 : j;
        return;
      }
      n.text = std::string(s_.substr(start, j - start));
      n.name_offset = start;
      i_ = j + 1;
    } else {
      std::size_t j = i_ + 1;
      if (j >= s_.size() || !name_start(s_[j])) {
        fail(at, "expected a variable name after '$' (write '\\$' for a literal '$')");
        ++i_;
        return;
      }
      while (j < s_.size() && name_char(s_[j])) ++j;
      n.text = std::string(s_.substr(i_ + 1, j - i_ - 1));
      n.name_offset = i_ + 1;
      i_ = j;
    }
    out.push_back(std::move(n));
  }

  void macro(std::vector<Node>& out, std::size_t depth) {
    const std::size_t at = i_;
    const std::string_view rest = s_.substr(i_ + 1);
    Node n;
    n.offset = at;
    std::string_view name;
    if (rest.starts_with("b64[")) {
      name = "b64";
      n.kind = Node::Kind::b64;
      i_ += 5;
    } else if (rest.starts_with("hex[")) {
      name = "hex";
      n.kind = Node::Kind::hex;
      i_ += 5;
    } else if (rest.starts_with("repeat[")) {
      name = "repeat";
      n.kind = Node::Kind::repeat;
      i_ += 8;
    } else if (rest.starts_with("swapcase[")) {
      name = "swapcase";
      n.kind = Node::Kind::swapcase;
      i_ += 10;
    } else {
      fatal(at, "expected a macro (%b64[, %hex[, %repeat[, %swapcase[) after '%' (write '\\%' for a literal '%')");
      return;
    }
    if (depth + 1 > kMaxMacroDepth) {
      fatal(at, "macros nested deeper than " + std::to_string(kMaxMacroDepth));
      return;
    }
    if (n.kind == Node::Kind::repeat && !repeat_count(n)) return;
    n.body = sequence(depth + 1);
    if (fatal_) return;
    if (n.kind == Node::Kind::b64 && i_ < s_.size() && s_[i_] == '|') {
      ++i_;
      const std::size_t start = i_;
      while (i_ < s_.size() && malformer_char(s_[i_])) ++i_;
      n.name_offset = start;
      n.text = std::string(s_.substr(start, i_ - start));
      if (n.text.empty()) {
        fatal(start, "expected a Base64 malformer name after '|' (see: smtp-auth-harness list --malformers)");
        return;
      }
    }
    if (i_ < s_.size() && s_[i_] == '|') {
      fatal(i_, "too many '|' in the macro (write '\\x7c' for a literal '|')");
      return;
    }
    if (!at_close()) {
      fatal(i_, "expected ']%' to close the %" + std::string(name) + "[ macro");
      return;
    }
    i_ += 2;
    out.push_back(std::move(n));
  }

  bool repeat_count(Node& n) {
    const std::size_t start = i_;
    std::size_t value = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      value = value * 10 + static_cast<std::size_t>(s_[i_] - '0');
      ++i_;
      if (value > kMaxRepeat) {
        fatal(start, "repeat count over " + std::to_string(kMaxRepeat));
        return false;
      }
    }
    if (i_ == start || i_ >= s_.size() || s_[i_] != '|') {
      fatal(i_ == start ? start : i_,
            "expected a count (0 to " + std::to_string(kMaxRepeat) + ") then '|' in %repeat[N|TEXT]%");
      return false;
    }
    ++i_;
    n.count = value;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  bool fatal_ = false;
  std::vector<Error> errors_;
};

void collect_variables(const std::vector<Node>& nodes, std::vector<const Node*>& out) {
  for (const auto& n : nodes) {
    if (n.kind == Node::Kind::variable) out.push_back(&n);
    collect_variables(n.body, out);
  }
}

void check_malformers(const std::vector<Node>& nodes, std::vector<Error>& out) {
  for (const auto& n : nodes) {
    if (n.kind == Node::Kind::b64 && !n.text.empty() && codec::find_base64_malformer(n.text) == nullptr)
      out.push_back({n.name_offset, "unknown Base64 malformer '" + n.text +
                                        "' (see: smtp-auth-harness list --malformers)"});
    check_malformers(n.body, out);
  }
}

class Expander {
 public:
  explicit Expander(const std::map<std::string, std::string>& vars) : vars_(vars) {}

  // Appends the expansion of `nodes` to `out`, keeping out.size() <= kMaxExpansion.
  bool run(const std::vector<Node>& nodes, Bytes& out) {
    for (const auto& n : nodes) {
      switch (n.kind) {
        case Node::Kind::text:
          if (!append(out, n.text)) return false;
          break;
        case Node::Kind::variable: {
          auto it = vars_.find(n.text);
          if (it == vars_.end()) return error("variable $" + n.text + " is not set");
          if (!append(out, it->second)) return false;
          break;
        }
        case Node::Kind::b64: {
          Bytes inner;
          if (!run(n.body, inner)) return false;
          if (codec::base64_encoded_size(inner.size()) > kMaxExpansion) return too_large();
          Bytes encoded = codec::base64_encode(inner);
          if (!n.text.empty()) {
            const auto* m = codec::find_base64_malformer(n.text);
            if (m == nullptr) return error("unknown Base64 malformer '" + n.text + "'");
            auto bad = m->apply(encoded);
            if (!bad) return error("the malformer '" + n.text + "' " + std::string(kMalformerNotApplicable));
            encoded = std::move(*bad);
          }
          if (!append(out, encoded)) return false;
          break;
        }
        case Node::Kind::hex: {
          Bytes inner;
          if (!run(n.body, inner)) return false;
          if (inner.size() > kMaxExpansion / 2) return too_large();
          if (!append(out, codec::hex_encode(inner))) return false;
          break;
        }
        case Node::Kind::swapcase: {
          // PLAIN-12: the same octets with the case of every ASCII letter swapped.
          Bytes inner;
          if (!run(n.body, inner)) return false;
          for (char& ch : inner) {
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
            else if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
          }
          if (!append(out, inner)) return false;
          break;
        }
        case Node::Kind::repeat: {
          Bytes inner;
          if (!run(n.body, inner)) return false;
          // Checked before the loop: count * size must fit what is left.
          if (!inner.empty() && n.count > (kMaxExpansion - out.size()) / inner.size()) return too_large();
          for (std::size_t k = 0; k < n.count; ++k) out += inner;
          break;
        }
      }
    }
    return true;
  }
  const std::string& message() const { return message_; }

 private:
  bool error(std::string m) {
    message_ = std::move(m);
    return false;
  }
  bool too_large() {
    return error("the expansion is larger than " + std::to_string(kMaxExpansion) + " octets");
  }
  bool append(Bytes& out, std::string_view s) {
    if (s.size() > kMaxExpansion - out.size()) return too_large();
    out += s;
    return true;
  }

  const std::map<std::string, std::string>& vars_;
  std::string message_;
};

}  // namespace

bool is_variable_name(std::string_view name) {
  if (name.empty() || !name_start(name.front())) return false;
  for (char c : name)
    if (!name_char(c)) return false;
  return true;
}

Result<Bytes, std::string> expand(const Template& t, const std::map<std::string, std::string>& vars) {
  Parser p(t.source);
  const auto nodes = p.parse();
  if (p.failed()) return unexpected(p.errors().front().message);
  Expander e(vars);
  Bytes out;
  if (!e.run(nodes, out)) return unexpected(e.message());
  return out;
}

std::vector<Diagnostic> check_template(const Template& t, const std::set<std::string>& known_vars) {
  Parser p(t.source);
  const auto nodes = p.parse();
  std::vector<Error> errors = p.errors();
  check_malformers(nodes, errors);
  std::vector<const Node*> vars;
  collect_variables(nodes, vars);
  for (const Node* v : vars)
    if (known_vars.count(v->text) == 0)
      errors.push_back({v->offset, "unknown variable '$" + v->text +
                                            "' (not built in, not a foreach variable, not captured by an earlier step)"});
  std::vector<Diagnostic> out;
  out.reserve(errors.size());
  for (const auto& e : errors) out.push_back({{t.at.file, t.at.line, t.at.col + e.offset}, e.message});
  std::stable_sort(out.begin(), out.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.at.col < b.at.col; });
  return out;
}

std::vector<std::string> template_variables(std::string_view source) {
  Parser p(source);
  const auto nodes = p.parse();
  std::vector<const Node*> vars;
  collect_variables(nodes, vars);
  std::vector<std::string> out;
  for (const Node* v : vars) out.push_back(v->text);
  return out;
}

}  // namespace sah::scenario
