// Cases written in C++ for the interpreter and runner tests (the parser has its own tests),
// and a small expander: $name / ${name} variables and the escapes \r \n \t \0 \\ \$.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/scenario/ast.h"
#include "harness/scenario/interpreter.h"

namespace sah::scenario::testing {

inline Result<Bytes, std::string> simple_expand(const Template& t, const Variables& vars) {
  Bytes out;
  const std::string& s = t.source;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      switch (n) {
        case 'r': out += '\r'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case '0': out += '\0'; break;
        default: out += n; break;
      }
    } else if (c == '$') {
      std::string name;
      if (i + 1 < s.size() && s[i + 1] == '{') {
        const auto close = s.find('}', i);
        if (close == std::string::npos) return unexpected(std::string("unclosed ${"));
        name = s.substr(i + 2, close - i - 2);
        i = close;
      } else {
        while (i + 1 < s.size() && (std::isalnum(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '_'))
          name += s[++i];
      }
      auto it = vars.find(name);
      if (it == vars.end()) return unexpected("unknown variable $" + name);
      out += it->second;
    } else {
      out += c;
    }
  }
  return out;
}

inline Template tpl(std::string s) { return Template{std::move(s), {}}; }

inline Alternative reply_alt(std::string code, Verdict v, std::optional<std::string> enhanced = std::nullopt,
                             std::optional<std::string> text = std::nullopt, Severity s = Severity::none,
                             std::string why = {}) {
  Alternative a;
  a.kind = Alternative::Kind::reply;
  a.code = std::move(code);
  a.enhanced = std::move(enhanced);
  a.text = std::move(text);
  a.verdict = v;
  a.severity = s;
  a.why = std::move(why);
  return a;
}

inline Alternative event_alt(Alternative::Kind k, Verdict v, Severity s = Severity::none) {
  Alternative a;
  a.kind = k;
  a.verdict = v;
  a.severity = s;
  return a;
}

inline Alternative cond_alt(std::string cond, Verdict v, Severity s = Severity::none) {
  Alternative a;
  a.kind = Alternative::Kind::condition;
  a.condition = std::move(cond);
  a.verdict = v;
  a.severity = s;
  return a;
}

inline Step step(Step::Kind k, std::vector<Alternative> expect = {}) {
  Step s;
  s.kind = k;
  s.expect = std::move(expect);
  return s;
}

inline Step send(std::string text, std::vector<Alternative> expect = {}, Step::Kind k = Step::Kind::send) {
  Step s = step(k, std::move(expect));
  s.text = tpl(std::move(text));
  return s;
}

inline Step auth(std::string mech, std::vector<Alternative> expect = {}) {
  Step s = step(Step::Kind::auth, std::move(expect));
  s.auth.mechanism = std::move(mech);
  return s;
}

inline Case make_case(std::vector<Step> steps, std::string id = "test.case") {
  Case c;
  c.id = std::move(id);
  c.title = "a test case";
  c.requirements = {"RPL-01"};
  c.rfc = {"RFC4954#4"};
  c.tags = {"test"};
  c.faults = {"b64-skip-illegal"};
  std::size_t line = 10;
  for (Step& s : steps) s.at.line = line++;
  c.steps = std::move(steps);
  return c;
}

inline InterpreterOptions test_interpreter_options() {
  InterpreterOptions o;
  o.credentials.user = "alice";
  o.credentials.password = "s3cret-pass";
  o.credentials.user2 = "bob";
  o.credentials.password2 = "other-s3cret";
  o.credentials.token = "tok-abcdef-123";
  o.expand = simple_expand;
  o.sleep = [](std::chrono::milliseconds) {};
  o.extra_reply_wait = std::chrono::milliseconds(1);
  o.timeout = std::chrono::milliseconds(200);
  return o;
}

}  // namespace sah::scenario::testing
