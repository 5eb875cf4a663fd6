#include "harness/scenario/case_parser.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "harness/codec/base64_malform.h"
#include "harness/sasl/registry.h"
#include "harness/scenario/conditions.h"
#include "harness/scenario/syntax.h"
#include "harness/scenario/template.h"
#include "harness/server/faults.h"

namespace sah::scenario {
namespace {

using namespace syntax;  // NOLINT(google-build-using-namespace): the grammar's vocabulary

class CaseParser {
 public:
  using Report = std::function<void(const MappedLine&, std::size_t, std::string)>;

  CaseParser(const std::string& file, const ParseOptions& options, const std::set<std::string>& table_vars, Report report)
      : file_(file), options_(options), report_(std::move(report)) {
    known_ = builtin_variable_names();
    for (const auto& v : table_vars) known_.insert(v);
  }

  // false when the block had errors.
  bool parse(const std::vector<MappedLine>& lines, Case& out) {
    for (const auto& line : lines) parse_line(line);
    finish(lines.front());
    out = std::move(case_);
    return errors_ == 0;
  }

 private:
  void error(const MappedLine& l, std::size_t offset, std::string m) {
    ++errors_;
    report_(l, offset, std::move(m));
  }
  Location loc(const MappedLine& l, std::size_t offset) const { return {file_, l.number, l.column(offset)}; }

  Template make_template(const MappedLine& l, std::size_t begin, std::size_t end) {
    Template t{l.text.substr(begin, end - begin), loc(l, begin)};
    // Checked in the coordinates of the substituted line, reported in those of the file.
    Template probe{t.source, {file_, l.number, begin + 1}};
    for (auto& d : check_template(probe, known_)) error(l, d.at.col - 1, std::move(d.message));
    return t;
  }

  // Where a ` #` comment starts (or the end of the line), for lines that allow one.
  static std::size_t comment_start(const std::string& s, std::size_t from) {
    for (std::size_t i = from; i < s.size(); ++i)
      if (s[i] == '#' && i > 0 && is_blank(s[i - 1])) return i;
    return s.size();
  }
  static std::size_t trim_end(const std::string& s, std::size_t begin, std::size_t end) {
    while (end > begin && is_blank(s[end - 1])) --end;
    return end;
  }

  std::optional<Fields> fields_of(const MappedLine& l, std::size_t from) {
    Fields f = split_fields(l.text, from, true);
    if (f.error) {
      error(l, f.error->offset, f.error->message);
      return std::nullopt;
    }
    return f;
  }

  void parse_line(const MappedLine& l) {
    const std::string& s = l.text;
    std::size_t kb = 0;
    while (kb < s.size() && is_blank(s[kb])) ++kb;
    if (kb >= s.size() || s[kb] == '#') return;
    std::size_t ke = kb;
    while (ke < s.size() && !is_blank(s[ke])) ++ke;
    const std::string kw = s.substr(kb, ke - kb);

    if (std::find(header_keywords().begin(), header_keywords().end(), kw) != header_keywords().end()) {
      if (kw != "case" && first_step_line_ != 0)
        error(l, kb, "'" + kw + "' is a header: headers come before the first step (line " +
                         std::to_string(first_step_line_) + ")");
      header(l, kw, kb, ke);
      return;
    }
    if (kw == "end" && open_repeat_) {
      end_repeat(l, ke);
      return;
    }
    auto step = step_keywords().find(kw);
    if (step == step_keywords().end() && kw != "expect") {
      std::string lower = kw;
      for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (lower != kw && (step_keywords().count(lower) != 0 || lower == "expect" ||
                          std::find(header_keywords().begin(), header_keywords().end(), lower) != header_keywords().end()))
        error(l, kb, "keywords are lower case: write '" + lower + "'");
      else if (kw == "end")
        error(l, kb, "'end' without 'foreach' or 'repeat'");
      else if (kw == "foreach")
        error(l, kb, "only one 'foreach' table per case");
      else
        error(l, kb, "unknown keyword '" + kw + "' (headers: title, req, rfc, tags, needs, fault, level, mechanism, "
                     "timeout, foreach; steps: " + std::string(kReplySteps) +
                     ", alive, closed, silent, quit, reconnect, wait, check, expect, repeat)");
      return;
    }
    if (first_step_line_ == 0) first_step_line_ = l.number;
    if (kw == "expect") {
      expect(l, kb, ke);
      return;
    }
    if (step->second != Step::Kind::check) check_group_ = std::nullopt;
    Step st;
    st.kind = step->second;
    st.at = loc(l, kb);
    bool ok = true;
    switch (st.kind) {
      case Step::Kind::connect: {
        // `connect TEXT`: TEXT is sent as is before the greeting is read (an early talker,
        // LIM-09); like send-raw, everything after the blanks is data.
        std::size_t b = ke;
        while (b < s.size() && is_blank(s[b])) ++b;
        if (b < s.size() && s[b] != '#') st.text = make_template(l, b, s.size());
        else ok = no_arguments(l, kw, ke);
        break;
      }
      case Step::Kind::starttls: case Step::Kind::read: case Step::Kind::alive:
      case Step::Kind::closed: case Step::Kind::quit: case Step::Kind::reconnect:
        ok = no_arguments(l, kw, ke);
        break;
      case Step::Kind::handshake:
        ok = tls_versions(l, ke, st);
        break;
      case Step::Kind::ehlo: case Step::Kind::ehlo_clear: case Step::Kind::helo: {
        std::size_t b = ke;
        while (b < s.size() && is_blank(s[b])) ++b;
        const std::size_t e = trim_end(s, b, comment_start(s, b));
        if (e > b) st.text = make_template(l, b, e);
        break;
      }
      case Step::Kind::send: case Step::Kind::send_raw: {
        // Everything after the keyword and its separating blanks is data (no comments).
        // The blanks after the keyword separate (leading data blanks are written \x20).
        std::size_t b = ke;
        while (b < s.size() && is_blank(s[b])) ++b;
        if (st.kind == Step::Kind::send_raw && b >= s.size()) {
          error(l, s.size(), "expected TEXT after 'send-raw' (it sends exactly TEXT: write \\r\\n yourself)");
          ok = false;
          break;
        }
        st.text = make_template(l, b, s.size());
        break;
      }
      case Step::Kind::silent: case Step::Kind::wait:
        ok = millis(l, kw, ke, st);
        break;
      case Step::Kind::auth:
        ok = auth(l, ke, st);
        break;
      case Step::Kind::check:
        check(l, kb, ke);
        judged_ = true;
        return;
      case Step::Kind::repeat:
        ok = repeat(l, kw, ke, st);
        break;
    }
    if (judged_by_itself(st.kind)) judged_ = true;
    broken_target_ = !ok && produces_reply(st.kind);
    if (!ok && st.kind == Step::Kind::repeat && !open_repeat_) {
      // Reported; the block still opens, so that its steps are checked and its `end` is not
      // reported again as a stray one.
      case_.steps.push_back(std::move(st));
      open_repeat_ = case_.steps.size() - 1;
      repeat_line_ = l;
      repeat_col_ = kb;
      expect_target_ = std::nullopt;
      last_step_kw_ = kw;
      return;
    }
    if (!ok) {
      expect_target_ = std::nullopt;
      last_step_kw_ = kw;
      return;
    }
    steps().push_back(std::move(st));
    last_step_kw_ = kw;
    expect_target_ = produces_reply(step->second) ? std::optional<std::size_t>(steps().size() - 1) : std::nullopt;
    if (step->second == Step::Kind::repeat) {
      // The block's steps go into its body until `end`.
      open_repeat_ = case_.steps.size() - 1;
      repeat_line_ = l;
      repeat_col_ = kb;
    }
    if (step->second == Step::Kind::auth)
      for (std::size_t n = 1; n <= kMaxChallengeVariables; ++n) {
        known_.insert("challenge" + std::to_string(n));
        known_.insert("response" + std::to_string(n));
      }
  }

  // Where the next step goes: the open `repeat` block's body, else the case.
  std::vector<Step>& steps() { return open_repeat_ ? case_.steps[*open_repeat_].body : case_.steps; }

  // `repeat N`: N from 1 to kMaxRepeatRounds; blocks do not nest.
  bool repeat(const MappedLine& l, const std::string& kw, std::size_t ke, Step& st) {
    if (open_repeat_) {
      error(l, ke - kw.size(), "'repeat' blocks do not nest (the block at line " + std::to_string(repeat_line_.number) +
                                   " is still open: close it with 'end')");
      return false;
    }
    auto f = fields_of(l, ke);
    if (!f) return false;
    const std::string expected = "expected a count (1 to " + std::to_string(kMaxRepeatRounds) + ") after 'repeat'";
    if (f->fields.empty()) {
      error(l, l.text.size(), expected);
      return false;
    }
    const auto n = f->fields[0].quoted ? std::nullopt : parse_number(f->fields[0].text, kMaxRepeatRounds);
    if (!n || *n == 0) {
      error(l, f->fields[0].begin, expected + ", found '" + f->fields[0].text + "'");
      return false;
    }
    if (f->fields.size() > 1) {
      error(l, f->fields[1].begin, "unexpected '" + f->fields[1].text + "' after the count");
      return false;
    }
    st.count = static_cast<unsigned>(*n);
    return true;
  }

  // `end` of a repeat block.
  void end_repeat(const MappedLine& l, std::size_t ke) {
    if (auto f = fields_of(l, ke); f && !f->fields.empty()) error(l, f->fields[0].begin, "'end' takes no arguments");
    if (case_.steps[*open_repeat_].body.empty())
      error(repeat_line_, repeat_col_, "the 'repeat' block has no steps");
    open_repeat_ = std::nullopt;
    expect_target_ = std::nullopt;
    check_group_ = std::nullopt;
    broken_target_ = false;
    last_step_kw_ = "end";
  }

  bool no_arguments(const MappedLine& l, const std::string& kw, std::size_t ke) {
    auto f = fields_of(l, ke);
    if (!f) return false;
    if (!f->fields.empty()) {
      error(l, f->fields.front().begin, "'" + kw + "' takes no arguments");
      return false;
    }
    return true;
  }

  bool millis(const MappedLine& l, const std::string& kw, std::size_t ke, Step& st) {
    auto f = fields_of(l, ke);
    if (!f) return false;
    const bool optional_case = std::any_of(case_.needs.begin(), case_.needs.end(),
                                           [](const Need& n) { return !n.negated && n.what == "optional"; });
    const unsigned max = st.kind == Step::Kind::wait ? (optional_case ? kMaxOptionalWaitMs : kMaxWaitMs) : kMaxSilentMs;
    const std::string expected = "expected milliseconds (1 to " + std::to_string(max) + ") after '" + kw + "'";
    if (f->fields.empty()) {
      error(l, l.text.size(), expected);
      return false;
    }
    auto v = parse_number(f->fields[0].text, max);
    if (!v || *v == 0) {
      error(l, f->fields[0].begin, expected + ", found '" + f->fields[0].text + "'");
      return false;
    }
    if (f->fields.size() > 1) {
      error(l, f->fields[1].begin, "unexpected '" + f->fields[1].text + "' after the milliseconds");
      return false;
    }
    st.millis = static_cast<unsigned>(*v);
    return true;
  }

  // ---- headers ------------------------------------------------------------------------
  void header(const MappedLine& l, const std::string& kw, std::size_t kb, std::size_t ke) {
    if (kw == "title") {
      if (!once(l, kw, kb)) return;
      std::size_t b = ke;
      while (b < l.text.size() && is_blank(l.text[b])) ++b;
      const std::size_t e = trim_end(l.text, b, comment_start(l.text, b));
      if (e <= b) {
        error(l, b, "expected a title after 'title'");
        return;
      }
      case_.title = l.text.substr(b, e - b);
      return;
    }
    auto f = fields_of(l, ke);
    if (!f) return;
    auto& fs = f->fields;
    if (fs.empty()) {
      error(l, f->end, "expected " + std::string(kw == "case" ? "an id" : "a value") + " after '" + kw + "'");
      if (kw == "case") case_.at = loc(l, kb);
      return;
    }
    auto single = [&]() {
      if (fs.size() > 1) {
        error(l, fs[1].begin, "'" + kw + "' takes one value; unexpected '" + fs[1].text + "'");
        return false;
      }
      return true;
    };
    if (kw == "case") {
      case_.at = loc(l, kb);
      if (!single()) return;
      // Values a foreach row puts into the id are lower-cased (`auth.$mech` with CRAM-MD5 is
      // auth.cram-md5): one column can then serve both the id and the protocol text.
      for (std::size_t i = fs[0].begin; i < fs[0].end && !fs[0].quoted; ++i)
        if (l.from_value(i) && fs[0].text[i - fs[0].begin] >= 'A' && fs[0].text[i - fs[0].begin] <= 'Z')
          fs[0].text[i - fs[0].begin] = static_cast<char>(fs[0].text[i - fs[0].begin] - 'A' + 'a');
      if (!valid_case_id(fs[0].text))
        error(l, fs[0].begin, "expected a case id of lower-case words, digits and '-' joined by '.', found '" +
                                  fs[0].text + "'");
      case_.id = fs[0].text;
    } else if (kw == "req") {
      seen_.insert(kw);
      for (const auto& x : fs) {
        if (!is_requirement_id(x.text)) {
          error(l, x.begin, "expected a requirement id like 'B64-02', found '" + x.text + "'");
        } else if (options_.requirements != nullptr && options_.requirements->find(x.text) == nullptr) {
          error(l, x.begin, "unknown requirement id '" + x.text + "' (not in scenarios/requirements.tsv)");
        } else {
          case_.requirements.push_back(x.text);
        }
      }
    } else if (kw == "rfc") {
      seen_.insert(kw);
      for (const auto& x : fs) {
        if (!valid_rfc_ref(x.text))
          error(l, x.begin, "expected a clause like RFC4954#4 or MS-NLMP#3.2.5, found '" + x.text + "'");
        else
          case_.rfc.push_back(x.text);
      }
    } else if (kw == "tags") {
      for (const auto& x : fs) {
        if (!valid_tag(x.text))
          error(l, x.begin, "expected a tag of lower-case letters, digits, '-' or '_', found '" + x.text + "'");
        else
          case_.tags.push_back(x.text);
      }
    } else if (kw == "needs") {
      for (const auto& x : fs) need(l, x);
    } else if (kw == "fault") {
      seen_.insert(kw);
      std::size_t names = fs.size();
      std::optional<Verdict> verdict;
      if (const auto ar = arrow(fs)) {
        names = *ar;
        if (names == 0) error(l, fs[0].begin, "expected fault switch names before '=>'");
        const std::string expected = "expected the verdict under these faults (" + std::string(kVerdicts) + ") after '=>'";
        if (*ar + 1 >= fs.size()) {
          error(l, fs[*ar].end, expected);
        } else {
          verdict = fs[*ar + 1].quoted ? std::nullopt : parse_verdict(fs[*ar + 1].text);
          if (!verdict || !judging_verdict(*verdict)) {
            error(l, fs[*ar + 1].begin, expected + ", found '" + fs[*ar + 1].text + "'");
            verdict = std::nullopt;
          } else if (*ar + 2 < fs.size()) {
            error(l, fs[*ar + 2].begin, "unexpected '" + fs[*ar + 2].text + "' after the verdict");
          }
        }
      }
      for (std::size_t i = 0; i < names; ++i) {
        const Field& x = fs[i];
        const bool known = options_.fault_known ? options_.fault_known(x.text) : server::find_fault(x.text) != nullptr;
        if (!known) {
          error(l, x.begin, "unknown fault switch '" + x.text + "' (see: smtp-auth-harness list --faults)");
        } else if (std::find(case_.faults.begin(), case_.faults.end(), x.text) != case_.faults.end()) {
          error(l, x.begin, "fault switch '" + x.text + "' listed twice");
        } else {
          case_.faults.push_back(x.text);
          if (verdict && *verdict != Verdict::fail) case_.fault_verdicts[x.text] = *verdict;
        }
      }
    } else if (kw == "level") {
      if (!once(l, kw, kb) || !single()) return;
      const auto s = parse_severity(fs[0].text);
      if (!s || *s == Severity::critical)
        error(l, fs[0].begin, "expected a level (must, should, practice) after 'level', found '" + fs[0].text + "'");
      else
        explicit_level_ = *s;
    } else if (kw == "mechanism") {
      if (!once(l, kw, kb) || !single()) return;
      if (!valid_mechanism_name(fs[0].text))
        error(l, fs[0].begin, "expected a SASL mechanism name (RFC 4422 §3.1), found '" + fs[0].text + "'");
      else
        case_.mechanism = fs[0].text;
    } else if (kw == "timeout") {
      if (!once(l, kw, kb) || !single()) return;
      auto v = parse_number(fs[0].text, kMaxSilentMs);
      if (!v || *v == 0)
        error(l, fs[0].begin, "expected milliseconds (1 to " + std::to_string(kMaxSilentMs) + ") after 'timeout', found '" +
                                  fs[0].text + "'");
      else
        case_.timeout_ms = static_cast<unsigned>(*v);
    }
  }

  bool once(const MappedLine& l, const std::string& kw, std::size_t kb) {
    auto [it, fresh] = once_.emplace(kw, l.number);
    if (!fresh) {
      error(l, kb, "duplicate '" + kw + "' line (first at line " + std::to_string(it->second) + ")");
      return false;
    }
    seen_.insert(kw);
    return true;
  }

  void need(const MappedLine& l, const Field& x) {
    Need n;
    std::string_view what = x.text;
    if (!what.empty() && what.front() == '!') {
      n.negated = true;
      what.remove_prefix(1);
    }
    static const std::set<std::string_view> plain = {"account", "account2", "token", "tls", "starttls", "implicit", "enh",
                                                     "pipelining", "chunking", "submission", "txn", "optional", "tls-required", "auth"};
    bool ok = plain.count(what) != 0;
    if (!ok && what.starts_with("mech:")) {
      ok = valid_mechanism_name(what.substr(5));
      if (!ok) {
        error(l, x.begin, "expected a mechanism name after 'mech:', found '" + x.text + "'");
        return;
      }
    }
    if (!ok) {
      error(l, x.begin, "unknown condition '" + x.text + "' (known: " + std::string(kNeeds) + "; '!' negates)");
      return;
    }
    n.what = std::string(what);
    case_.needs.push_back(std::move(n));
  }

  // ---- expect and check ------------------------------------------------------------------
  // VERDICT [SEVERITY] ["why"] from fields[i] on; `arrow_end` is where '=>' ends.
  bool verdict_part(const MappedLine& l, const std::vector<Field>& fs, std::size_t i, std::size_t arrow_end, Alternative& a) {
    const std::string expected = "expected a verdict (" + std::string(kVerdicts) + ") after '=>'";
    if (i >= fs.size()) {
      error(l, arrow_end, expected);
      return false;
    }
    const auto v = fs[i].quoted ? std::nullopt : parse_verdict(fs[i].text);
    if (!v || !judging_verdict(*v)) {
      error(l, fs[i].begin, expected + ", found '" + fs[i].text + "'");
      return false;
    }
    a.verdict = *v;
    ++i;
    if (i < fs.size() && !fs[i].quoted) {
      const auto s = parse_severity(fs[i].text);
      if (s && a.verdict != Verdict::fail) {
        error(l, fs[i].begin, "a severity is only allowed after 'fail'");
        return false;
      }
      if (!s) {
        error(l, fs[i].begin,
              a.verdict == Verdict::fail
                  ? "expected a severity (critical, must, should, practice) or a quoted reason after 'fail', found '" +
                        fs[i].text + "'"
                  : "expected a quoted reason (\"why\") after the verdict, found '" + fs[i].text + "'");
        return false;
      }
      a.severity = *s;
      ++i;
    }
    if (i < fs.size()) {
      if (!fs[i].quoted) {
        error(l, fs[i].begin, "expected a quoted reason (\"why\"), found '" + fs[i].text + "'");
        return false;
      }
      a.why = fs[i].text;
      ++i;
    }
    if (i < fs.size()) {
      error(l, fs[i].begin, "unexpected '" + fs[i].text + "' after the reason (a comment starts with ' #')");
      return false;
    }
    return true;
  }


  void expect(const MappedLine& l, std::size_t kb, std::size_t ke) {
    if (!expect_target_) {
      if (broken_target_) {  // the step is already reported; its expect lines still judge
        judged_ = true;
        return;
      }
      error(l, kb, last_step_kw_.empty()
                       ? "'expect' before any step: it must follow a step that produces a reply (" + std::string(kReplySteps) + ")"
                       : "'expect' must follow a step that produces a reply (" + std::string(kReplySteps) + "); '" +
                             last_step_kw_ + "' is " +
                             (last_step_kw_ == "check" ? "followed by more 'check' lines instead" : "not one"));
      return;
    }
    judged_ = true;
    auto f = fields_of(l, ke);
    if (!f) return;
    const auto& fs = f->fields;
    const auto ar = arrow(fs);
    if (!ar) {
      error(l, f->end, "expected '=> VERDICT' at the end of the expect line");
      return;
    }
    if (*ar == 0) {
      error(l, fs[0].begin, "expected a reply pattern (CODE [ENHANCED] [TEXT], closed or timeout) before '=>'");
      return;
    }
    Alternative a;
    a.at = loc(l, kb);
    bool ok = true;
    const std::string& first = fs[0].text;
    if (!fs[0].quoted && (first == "closed" || first == "timeout")) {
      a.kind = first == "closed" ? Alternative::Kind::closed : Alternative::Kind::timeout;
      if (*ar > 1) {
        error(l, fs[1].begin, "nothing may follow '" + first + "' before '=>'");
        ok = false;
      }
    } else {
      a.kind = Alternative::Kind::reply;
      if (fs[0].quoted || !valid_code_pattern(first)) {
        error(l, fs[0].begin, "expected a reply code pattern (three of 0-9 or x, e.g. 535, 5xx) or '*', found '" + first + "'");
        ok = false;
      }
      a.code = first;
      std::size_t i = 1;
      if (i < *ar && !fs[i].quoted && looks_enhanced(fs[i].text)) {
        if (!valid_enhanced_pattern(fs[i].text)) {
          error(l, fs[i].begin, "malformed enhanced code pattern '" + fs[i].text + "' (e.g. 5.7.8, 5.7.*, 5.*, or - for none)");
          ok = false;
        }
        a.enhanced = fs[i].text;
        ++i;
      }
      if (i < *ar) {
        // TEXT: one quoted string, or the text as written from its first to its last field.
        std::size_t text_begin = fs[i].begin;
        if (*ar - i == 1 && fs[i].quoted) {
          a.text = fs[i].text;
          ++text_begin;
        } else {
          a.text = l.text.substr(fs[i].begin, fs[*ar - 1].end - fs[i].begin);
        }
        for (const auto& [name, off] : captures_of(*a.text)) {
          if (builtin_variable_names().count(name) != 0) {
            error(l, text_begin + off, "the capture '$" + name + "' would replace a built-in variable: choose another name");
            ok = false;
          } else if (!is_variable_name(name)) {
            error(l, text_begin + off, "expected a variable name in the capture '$" + name + "'");
            ok = false;
          } else {
            known_.insert(name);
          }
        }
      }
    }
    if (!verdict_part(l, fs, *ar + 1, fs[*ar].end, a)) ok = false;
    if (ok) steps()[*expect_target_].expect.push_back(std::move(a));
  }

  void check(const MappedLine& l, std::size_t kb, std::size_t ke) {
    last_step_kw_ = "check";
    broken_target_ = false;
    expect_target_ = std::nullopt;
    if (!check_group_) {
      Step st;
      st.kind = Step::Kind::check;
      st.at = loc(l, kb);
      steps().push_back(std::move(st));
      check_group_ = steps().size() - 1;
    }
    auto f = fields_of(l, ke);
    if (!f) return;
    const auto& fs = f->fields;
    const auto ar = arrow(fs);
    if (!ar) {
      error(l, f->end, "expected '=> VERDICT' at the end of the check line");
      return;
    }
    Alternative a;
    a.kind = Alternative::Kind::condition;
    a.at = loc(l, kb);
    const std::string expected = "expected a condition (" + std::string(kConditions) + ")";
    bool ok = true;
    if (*ar == 1 && !fs[0].quoted) {
      std::string_view c = fs[0].text;
      const bool negated = !c.empty() && c.front() == '!';
      if (negated) c.remove_prefix(1);
      // Conditions over a text operand: the prefix, then a template (variables, macros).
      std::size_t text_prefix = 0;
      for (std::string_view p : {std::string_view("b64-canonical:"), std::string_view("json-object:")})
        if (c.starts_with(p)) text_prefix = p.size();
      for (const ChallengeCondition& cc : challenge_conditions())
        if (c.starts_with(cc.prefix)) text_prefix = cc.prefix.size();
      const bool known = (c == "*" && !negated) || c == "tls" || c == "mechs-valid" || c == "mechs-upper" ||
                         c == "auth-mechs" || c == "auth-form:legacy" || c == "auth-form:standard" || c == "lines-512" ||
                         (c.starts_with("cap:") && c.size() > 4) ||
                         (c.starts_with("mech:") && valid_mechanism_name(c.substr(5))) ||
                         (text_prefix > 0 && c.size() > text_prefix);
      if (known && text_prefix > 0) {
        const std::size_t text_at = fs[0].begin + (negated ? 1 : 0) + text_prefix;
        make_template(l, text_at, fs[0].end);
      }
      if (!known) {
        error(l, fs[0].begin, expected + ", found '" + fs[0].text + "'");
        ok = false;
      }
      a.condition = fs[0].text;
    } else if (*ar == 3 && (fs[1].text == "==" || fs[1].text == "!=") && !fs[1].quoted) {
      make_template(l, fs[0].begin, fs[0].end);
      make_template(l, fs[2].begin, fs[2].end);
      a.condition = fs[0].text + " " + fs[1].text + " " + fs[2].text;
      if (fs[0].quoted || fs[2].quoted) {
        error(l, fs[0].quoted ? fs[0].begin : fs[2].begin, "operands of '" + fs[1].text + "' are not quoted");
        ok = false;
      }
    } else {
      error(l, *ar == 0 ? fs[0].begin : fs[0].begin, expected + " before '=>'");
      ok = false;
    }
    if (!verdict_part(l, fs, *ar + 1, fs[*ar].end, a)) ok = false;
    if (ok) steps()[*check_group_].expect.push_back(std::move(a));
  }

  // ---- auth -------------------------------------------------------------------------------
  // `handshake [min=V] [max=V]`, V one of TLSv1.0 … TLSv1.3 (TLS-14 probes).
  bool tls_versions(const MappedLine& l, std::size_t ke, Step& st) {
    auto f = fields_of(l, ke);
    if (!f) return false;
    bool ok = true;
    for (const Field& x : f->fields) {
      const auto eq = x.text.find('=');
      const std::string key = x.text.substr(0, eq);
      if (x.quoted || eq == std::string::npos || (key != "min" && key != "max")) {
        error(l, x.begin, "'handshake' takes only min=VERSION and max=VERSION (TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)");
        ok = false;
        continue;
      }
      auto& slot = key == "min" ? st.tls_versions.min : st.tls_versions.max;
      if (slot) {
        error(l, x.begin, "duplicate handshake option '" + key + "'");
        ok = false;
        continue;
      }
      const auto v = net::parse_tls_version(x.text.substr(eq + 1));
      if (!v) {
        error(l, x.begin + key.size() + 1,
              "unknown TLS version '" + x.text.substr(eq + 1) + "' (TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)");
        ok = false;
        continue;
      }
      slot = *v;
    }
    if (ok && st.tls_versions.lowest() > st.tls_versions.highest()) {
      error(l, f->fields.front().begin, "min= is above max=: the handshake would offer no version");
      ok = false;
    }
    return ok;
  }

  bool auth(const MappedLine& l, std::size_t ke, Step& st) {
    auto f = fields_of(l, ke);
    if (!f) return false;
    const auto& fs = f->fields;
    if (fs.empty()) {
      error(l, l.text.size(), "expected a mechanism after 'auth' (known: " + known_mechanisms() + ")");
      return false;
    }
    bool ok = true;
    AuthOptions& o = st.auth;
    o.mechanism = fs[0].text;
    const sasl::MechanismInfo* mech = nullptr;
    if (!o.mechanism.empty() && o.mechanism.front() == '$') {
      make_template(l, fs[0].begin, fs[0].end);
    } else {
      mech = sasl::find_mechanism(o.mechanism);
      if (mech == nullptr) {
        error(l, fs[0].begin, "unknown mechanism '" + o.mechanism + "' (known: " + known_mechanisms() + ")");
        ok = false;
      } else if (case_.mechanism.empty() && !auth_mechanism_) {
        auth_mechanism_ = std::string(mech->name);
      }
    }
    std::set<std::string> used;
    for (std::size_t i = 1; i < fs.size(); ++i) {
      const Field& x = fs[i];
      const auto eq = x.text.find('=');
      const std::string key = x.text.substr(0, eq);
      const std::size_t value_at = x.begin + key.size() + 1;
      const std::string value = eq == std::string::npos ? std::string() : x.text.substr(eq + 1);
      if (x.quoted) {
        error(l, x.begin, "auth options are not quoted (write a blank as \\x20)");
        ok = false;
        continue;
      }
      if (!used.insert(key == "no-ir" ? "ir" : key).second) {
        error(l, x.begin, key == "ir" || key == "no-ir" ? "'ir' and 'no-ir' given more than once together"
                                                         : "duplicate auth option '" + key + "'");
        ok = false;
        continue;
      }
      auto need_value = [&](bool has) {
        if (!has) error(l, x.end, "expected '" + key + "=VALUE'");
        return has;
      };
      if (key == "ir" || key == "no-ir") {
        if (eq != std::string::npos) {
          error(l, x.begin + key.size(), "'" + key + "' takes no value");
          ok = false;
        }
        o.initial_response = key == "ir";
      } else if (key == "user" || key == "password" || key == "authzid" || key == "token") {
        if (!need_value(eq != std::string::npos)) { ok = false; continue; }
        Template t = make_template(l, value_at, x.end);
        (key == "user" ? o.user : key == "password" ? o.password : key == "authzid" ? o.authzid : o.token) = std::move(t);
      } else if (key == "corrupt") {
        if (!need_value(eq != std::string::npos && !value.empty())) { ok = false; continue; }
        o.corruption = value;
        if (mech != nullptr && sasl::find_corruption(*mech, value) == nullptr) {
          std::string names;
          for (const auto& c : mech->corruptions) names += (names.empty() ? "" : ", ") + std::string(c.name);
          error(l, value_at, "mechanism " + std::string(mech->name) + " has no corruption '" + value + "'" +
                                 (names.empty() ? std::string(" (it has none)") : " (known: " + names + ")"));
          ok = false;
        }
      } else if (key == "malform" || key == "raw" || key == "cancel") {
        if (!need_value(eq != std::string::npos && !value.empty())) { ok = false; continue; }
        const auto colon = value.find(':');
        const std::string step_text = key == "cancel" ? value : value.substr(0, colon);
        const auto step = parse_number(step_text, kMaxAuthStep);
        if (!step) {
          error(l, value_at, "expected a client message number (0 to " + std::to_string(kMaxAuthStep) + ") in '" + key +
                                 (key == "cancel" ? "=STEP'" : key == "raw" ? "=STEP:TEXT'" : "=STEP:MALFORMER'") +
                                 ", found '" + step_text + "'");
          ok = false;
          continue;
        }
        if (key == "cancel") {
          o.cancel_step = *step;
          continue;
        }
        if (colon == std::string::npos) {
          error(l, value_at + step_text.size(), std::string("expected ':' then ") +
                                                    (key == "raw" ? "TEXT" : "a Base64 malformer") + " after the step");
          ok = false;
          continue;
        }
        const std::size_t rest_at = value_at + colon + 1;
        if (key == "raw") {
          o.raw_step = *step;
          o.raw_text = make_template(l, rest_at, x.end);
        } else {
          o.malform_step = *step;
          o.malformer = value.substr(colon + 1);
          if (codec::find_base64_malformer(o.malformer) == nullptr) {
            error(l, rest_at, "unknown Base64 malformer '" + o.malformer + "' (see: smtp-auth-harness list --malformers)");
            ok = false;
          }
        }
      } else {
        error(l, x.begin, "unknown auth option '" + x.text +
                              "' (known: ir, no-ir, user=, password=, authzid=, token=, corrupt=, malform=, cancel=, raw=)");
        ok = false;
      }
    }
    return ok;
  }

  // ---- end of the block ---------------------------------------------------------------------
  void finish(const MappedLine& case_line) {
    if (open_repeat_) error(repeat_line_, repeat_col_, "'repeat' block not closed by 'end'");
    std::size_t kb = 0;
    while (kb < case_line.text.size() && is_blank(case_line.text[kb])) ++kb;
    const std::string name = case_.id.empty() ? std::string("this case") : "case '" + case_.id + "'";
    for (const char* h : {"title", "req", "rfc", "fault"}) {
      if (seen_.count(h) == 0)
        error(case_line, kb, name + " has no '" + h + "' line" +
                                 (std::string(h) == "fault"
                                      ? " (the built-in server fault under which it must fail)"
                                      : ""));
    }
    if (seen_.count("fault") != 0 && !case_.faults.empty() &&
        std::all_of(case_.faults.begin(), case_.faults.end(),
                    [&](const std::string& f) { return case_.fault_verdicts.count(f) != 0; }))
      error(case_line, kb, name + " has no fault it fails under: every fault line names another verdict (a case "
                                  "that cannot fail is a defect)");
    if (!judged_)
      error(case_line, kb, name + " judges nothing: add an 'expect' or 'check' line, or one of alive, closed, silent, "
                                  "quit, handshake");
    if (explicit_level_) {
      case_.level = *explicit_level_;
    } else {
      Severity level = Severity::none;
      if (options_.requirements != nullptr)
        for (const auto& id : case_.requirements)
          if (const auto* r = options_.requirements->find(id)) level = stronger(level, r->severity);
      case_.level = level == Severity::none ? Severity::must : level;
    }
    if (case_.mechanism.empty() && auth_mechanism_) case_.mechanism = *auth_mechanism_;
  }

  const std::string& file_;
  const ParseOptions& options_;
  Report report_;
  Case case_;
  std::set<std::string> known_;
  std::set<std::string> seen_;
  bool broken_target_ = false;  // the last reply step had errors: its expects are not judged again
  std::map<std::string, std::size_t> once_;
  std::optional<Severity> explicit_level_;
  std::optional<std::string> auth_mechanism_;
  std::optional<std::size_t> expect_target_;
  std::optional<std::size_t> check_group_;
  std::string last_step_kw_;
  std::size_t first_step_line_ = 0;
  std::optional<std::size_t> open_repeat_;  // index in case_.steps of the open `repeat`
  MappedLine repeat_line_;                  // its line and keyword offset, for errors
  std::size_t repeat_col_ = 0;
  bool judged_ = false;
  std::size_t errors_ = 0;
};

}  // namespace

bool parse_case(const std::vector<MappedLine>& lines, const std::string& file, const ParseOptions& options,
                const std::set<std::string>& table_vars, CaseErrorReport report, Case& out) {
  CaseParser parser(file, options, table_vars, std::move(report));
  return parser.parse(lines, out);
}

}  // namespace sah::scenario
