#include "harness/scenario/fuzz/generator.h"

#include <algorithm>
#include <cstdio>

#include "harness/codec/base64_malform.h"
#include "harness/sasl/ntlm_messages.h"
#include "harness/sasl/registry.h"

namespace sah::scenario::fuzz {

std::uint32_t Dice::below(std::uint32_t n) {
  random_.fill(buffer_, 4);
  std::uint32_t v = 0;
  for (unsigned char c : buffer_) v = (v << 8) | c;
  return n == 0 ? 0 : v % n;
}

std::string escape_text(const std::string& octets) {
  // Letters, digits and a few punctuation octets stay; everything else (the template's own
  // syntax: \ $ % | ] among it) is written as \xHH, which is valid anywhere, inside macros too.
  static constexpr std::string_view kPlain = "-_.,:=+/@!?<>";
  std::string out;
  for (unsigned char c : octets) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        kPlain.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

namespace {

constexpr std::string_view kCrlf = "\\r\\n";

// Mechanisms whose server side needs what a fuzz run does not set up (a client certificate).
bool needs_setup(std::string_view name) { return name == "EXTERNAL"; }

// How many of a mechanism's client messages carry credentials, counted from 0: a message
// replaced past them (DIGEST-MD5's empty answer to rspauth) or one the exchange never reaches
// (a second message of PLAIN) leaves valid credentials in place, and 235 is then correct.
std::uint32_t credential_messages(std::string_view mech) {
  if (mech == "LOGIN" || mech == "NTLM" || mech.substr(0, 5) == "SCRAM") return 2;
  return 1;
}

std::vector<std::string> mechanism_names(const GeneratorOptions& o) {
  std::vector<std::string> out;
  for (const auto& m : sasl::mechanisms()) {
    if (needs_setup(m.name) || (m.needs_channel_binding && !o.tls)) continue;
    out.emplace_back(m.name);
  }
  return out;
}

// Corruptions after which a correct server must refuse the credentials (not merely a lenient
// parse of otherwise correct ones): 235 to them is a bypass. `downgrade-y-flag` depends on
// whether -PLUS is advertised, so it is never counted.
bool refuses_credentials(const sasl::CorruptionInfo& c) {
  if (c.name == "downgrade-y-flag") return false;
  return c.expected_rejection == sasl::Why::bad_credentials || c.expected_rejection == sasl::Why::not_authorized;
}

// Base64 malformers a correct server rejects (B64-05, missing padding, is a tolerated deviation).
std::vector<std::string> strict_malformers() {
  std::vector<std::string> out;
  for (const auto& m : codec::base64_malformers())
    if (m.name != "missing-padding") out.emplace_back(m.name);
  return out;
}

PlanStep line(std::string text, std::string layer = {}) {
  PlanStep s;
  s.kind = PlanStep::Kind::send;
  s.text = std::move(text);
  s.layer = std::move(layer);
  return s;
}

class Generator {
 public:
  Generator(Random& r, const GeneratorOptions& o) : dice_(r), options_(o), mechs_(usable_mechanisms(o)) {}

  Plan run() {
    Plan p;
    if (options_.starttls) {
      p.steps.push_back(line("EHLO fuzz.example" + std::string(kCrlf)));
      PlanStep tls;
      tls.kind = PlanStep::Kind::starttls;
      p.steps.push_back(tls);
    }
    p.steps.push_back(ehlo());
    const std::uint32_t exchanges = 1 + dice_.below(3);
    for (std::uint32_t i = 0; i < exchanges; ++i) {
      switch (dice_.below(10)) {
        case 0: case 1: case 2: case 3: add_auth_step(p); break;
        case 4: case 5: case 6: add_auth_lines(p); break;
        case 7: add_mechanism_message(p); break;
        default: add_command(p); break;
      }
    }
    if (dice_.one_in(3)) p.steps.push_back(line("QUIT" + std::string(kCrlf)));
    mutate_lines(p);
    return p;
  }

 private:
  PlanStep ehlo() {
    static const std::vector<std::string> forms = {"EHLO fuzz.example", "EHLO fuzz.example", "ehlo fuzz.example",
                                                   "EHLO [127.0.0.1]", "HELO fuzz.example"};
    return line(dice_.pick(forms) + std::string(kCrlf));
  }

  // A real SASL exchange through the client mechanism, honest or with one message changed.
  void add_auth_step(Plan& p) {
    PlanStep s;
    s.kind = PlanStep::Kind::auth;
    s.auth.mechanism = dice_.pick(mechs_);
    const sasl::MechanismInfo* info = sasl::find_mechanism(s.auth.mechanism);
    if (dice_.one_in(4)) s.auth.initial_response = dice_.one_in(2);
    switch (dice_.below(6)) {
      case 0: break;  // honest
      case 1: {       // a named corruption of one message, made by the mechanism itself
        if (info->corruptions.empty()) break;
        const auto& c = info->corruptions[dice_.below(static_cast<std::uint32_t>(info->corruptions.size()))];
        s.auth.corruption = std::string(c.name);
        s.bad_credentials = refuses_credentials(c);
        s.layer = "mechanism";
        break;
      }
      case 2: {  // a Base64 malformer on one client message that carries credentials
        static const std::vector<std::string> names = strict_malformers();
        s.auth.malform_step = dice_.below(credential_messages(s.auth.mechanism));
        s.auth.malformer = dice_.pick(names);
        // Only an exchange that needs a secret can be bypassed (ANONYMOUS needs none).
        s.bad_credentials = s.auth.mechanism != "ANONYMOUS";
        s.layer = "base64";
        break;
      }
      case 3:  // cancel the first 334
        s.auth.initial_response = false;
        s.auth.cancel_step = 0;
        s.cancel = true;
        s.layer = "exchange";
        break;
      case 4:  // a wrong password or an unknown user, through the real mechanism
        if (s.auth.mechanism == "ANONYMOUS" || s.auth.mechanism == "XOAUTH2" || s.auth.mechanism == "OAUTHBEARER") {
          s.auth.token = Template{"x$token", {}};
        } else if (dice_.one_in(2)) {
          s.auth.password = Template{"x$password", {}};
        } else {
          s.auth.user = Template{"$nouser", {}};
        }
        s.bad_credentials = s.auth.mechanism != "ANONYMOUS";
        s.layer = "mechanism";
        break;
      default: {  // a raw message in place of message 0 or 1: random octets, Base64'd or not
        s.auth.raw_step = dice_.below(credential_messages(s.auth.mechanism));
        std::string junk;
        const std::uint32_t n = dice_.below(40);
        for (std::uint32_t i = 0; i < n; ++i) junk += static_cast<char>(dice_.below(256));
        s.auth.raw_text = Template{dice_.one_in(2) ? "%b64[" + escape_text(junk) + "]%" : escape_text(junk), {}};
        if (s.auth.raw_text->source.empty()) s.auth.raw_text->source = "=";
        s.bad_credentials = s.auth.mechanism != "ANONYMOUS";
        s.layer = "mechanism";
        break;
      }
    }
    p.steps.push_back(std::move(s));
  }

  // AUTH written line by line: PLAIN NUL layouts, LOGIN prompts, cancels, Base64 malformers.
  void add_auth_lines(Plan& p) {
    static const std::vector<std::string> malformers = strict_malformers();
    switch (dice_.below(4)) {
      case 0: {  // PLAIN initial response, its NUL layout varied (RFC 4616 §2)
        struct Layout { std::string text; bool bad; };
        static const std::vector<Layout> layouts = {
            {"\\0$user\\0$password", false},        {"$user\\0$user\\0$password", false},
            {"\\0$user\\0x$password", true},        {"$user\\0$password", true},
            {"\\0$user\\0$password\\0", true},      {"\\0\\0$password", true},
            {"\\0$user", true},                     {"\\0$nouser\\0$password", true},
            {"postmaster\\0$user\\0$password", true},   {"\\0$user\\0$password\\xc0", true},
            // A binary response: 1100 NUL octets and nothing else (RFC 4648 §12: decoded data
            // is untrusted; B64-11).
            {"%repeat[1100|\\0]%", true},
        };
        const Layout& l = dice_.pick(layouts);
        std::string payload = "%b64[" + l.text;
        bool bad = l.bad;
        if (dice_.one_in(3)) {
          payload += "|" + dice_.pick(malformers);
          bad = true;
        }
        payload += "]%";
        PlanStep s = line("AUTH PLAIN " + payload + std::string(kCrlf), "base64");
        s.bad_credentials = bad;
        p.steps.push_back(std::move(s));
        break;
      }
      case 1: {  // LOGIN prompts answered line by line, maybe cancelled (RFC 4954 §4)
        p.steps.push_back(line("AUTH LOGIN" + std::string(kCrlf)));
        if (dice_.one_in(3)) {
          PlanStep c = line("*" + std::string(kCrlf), "exchange");
          c.cancel = true;
          p.steps.push_back(std::move(c));
          break;
        }
        p.steps.push_back(line("%b64[$user]%" + std::string(kCrlf)));
        const bool malformed = dice_.one_in(2);
        PlanStep pw = line("%b64[" + std::string(dice_.one_in(2) ? "x$password" : "$password") +
                               (malformed ? "|" + dice_.pick(malformers) : std::string()) + "]%" + std::string(kCrlf),
                           "base64");
        pw.bad_credentials = malformed || pw.text.find("x$password") != std::string::npos;
        if (!pw.bad_credentials && dice_.one_in(2)) {  // cancel at the password prompt instead
          pw = line("*" + std::string(kCrlf), "exchange");
          pw.cancel = true;
        }
        p.steps.push_back(std::move(pw));
        break;
      }
      case 2: {  // a client-first mechanism without IR, then a response line after the empty 334
        PlanStep a = line("AUTH PLAIN" + std::string(kCrlf));
        p.steps.push_back(std::move(a));
        PlanStep r = line("%b64[\\0$user\\0x$password]%" + std::string(kCrlf), "base64");
        r.bad_credentials = true;
        if (dice_.one_in(2)) {
          r = line("*" + std::string(kCrlf), "exchange");
          r.cancel = true;
        }
        p.steps.push_back(std::move(r));
        break;
      }
      default: {  // syntax around AUTH: no mechanism, unknown mechanism, "=", "*" as IR, extra args
        static const std::vector<std::string> forms = {
            "AUTH", "AUTH ", "AUTH NOSUCH-MECH", "AUTH PLAIN =", "AUTH PLAIN *", "AUTH PLAIN %b64[\\0a\\0b]% extra",
            "AUTH LOGIN %b64[$nouser]%", "AUTH CRAM-MD5 =", "AUTH PLAIN\\t%b64[\\0$nouser\\0x]%", "AUTH PLAIN ="};
        PlanStep s = line(dice_.pick(forms) + std::string(kCrlf), "smtp");
        s.bad_credentials = true;  // none of these carries the account's credentials
        p.steps.push_back(std::move(s));
        break;
      }
    }
  }

  // Hand-built mechanism messages with broken fields, sent as the initial response.
  void add_mechanism_message(Plan& p) {
    std::string mech, msg;
    switch (dice_.below(4)) {
      case 0: {  // NTLM NEGOTIATE whose security buffers point anywhere (MS-NLMP §2.2.1.1)
        sasl::ntlm::Negotiate n;
        n.flags = sasl::ntlm::kUnicode | sasl::ntlm::kNtlm | sasl::ntlm::kRequestTarget;
        if (dice_.one_in(2)) {
          n.flags |= sasl::ntlm::kOemDomainSupplied;
          n.domain = "DOMAIN";
        }
        if (dice_.one_in(2)) {
          n.flags |= sasl::ntlm::kOemWorkstationSupplied;
          n.workstation = "WS";
        }
        msg = sasl::ntlm::build_negotiate(n);
        // Len, MaxLen and Offset of DomainNameFields (16) or WorkstationFields (24).
        const std::size_t field = dice_.one_in(2) ? 16 : 24;
        const std::size_t at = field + (dice_.one_in(2) ? 0 : 4);
        static const std::vector<std::uint32_t> values = {0, 1, 7, 31, 32, 0xff, 0xffff, 0xfffffff0u, 0xffffffffu};
        const std::uint32_t v = dice_.pick(values);
        if (at + 4 <= msg.size())
          for (std::size_t i = 0; i < (at == field ? 2u : 4u); ++i) msg[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
        if (dice_.one_in(4) && msg.size() > 8) msg.resize(dice_.below(static_cast<std::uint32_t>(msg.size())));
        mech = "NTLM";
        break;
      }
      case 1: {  // SCRAM client-first with attributes missing, repeated or out of order (RFC 5802 §7)
        static const std::vector<std::string> forms = {
            "n,,n=$user", "n,,r=abc", "n,,r=abc,n=$user", "n,,n=$user,r=", "n,,n=$user,r=abc,r=def",
            "n,,n=,r=abc", "n,,n==ZZ,r=abc", "x,,n=$user,r=abc", "n,a,n=$user,r=abc", "n,,m=x,n=$user,r=abc",
            "p=tls-unique,,n=$user,r=abc", "n,,n=$user,r=a\\x2cb", "n,,", ",,n=$user,r=abc", "n,,n=$user,r=abc\\0"};
        mech = dice_.one_in(2) ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
        p.steps.push_back(raw_ir(mech, dice_.pick(forms)));
        return;
      }
      case 2: {  // XOAUTH2 key-value pairs (Google's XOAUTH2 format)
        static const std::vector<std::string> forms = {
            "user=$user\\x01auth=Bearer x$token\\x01\\x01", "user=$user\\x01auth=Bearer $token\\x01",
            "user=$user\\x01\\x01", "auth=Bearer x$token\\x01\\x01", "user=$user\\x01auth=$token\\x01\\x01",
            "user=$nouser\\x01auth=Bearer $token\\x01\\x01", "\\x01\\x01", "user=$user\\x01auth=Bearer \\x01\\x01"};
        p.steps.push_back(raw_ir("XOAUTH2", dice_.pick(forms)));
        return;
      }
      default: {  // OAUTHBEARER gs2 header and kvpairs (RFC 7628 §3.1)
        static const std::vector<std::string> forms = {
            "n,a=$user,\\x01auth=Bearer x$token\\x01\\x01", "n,a=$user,\\x01auth=Bearer $token\\x01",
            "n,a=$user,auth=Bearer x$token\\x01\\x01", "y,a=$user,\\x01auth=Bearer x$token\\x01\\x01",
            "n,a=$nouser,\\x01auth=Bearer $token\\x01\\x01", "n,,\\x01\\x01", "n,a=$user,\\x01host=x\\x01\\x01",
            "n,a=$user,\\x01auth=bearer x$token\\x01\\x01"};
        p.steps.push_back(raw_ir("OAUTHBEARER", dice_.pick(forms)));
        return;
      }
    }
    PlanStep s = line("AUTH " + mech + " %b64[" + escape_text(msg) + "]%" + std::string(kCrlf), "mechanism");
    s.bad_credentials = true;  // a NEGOTIATE never completes an exchange
    p.steps.push_back(std::move(s));
  }

  // Every hand-built form above is refused by a correct server (a missing or wrong token or
  // proof, a broken layout, another user).
  PlanStep raw_ir(const std::string& mech, const std::string& message) {
    PlanStep s = line("AUTH " + mech + " %b64[" + message + "]%" + std::string(kCrlf), "mechanism");
    // A form that still holds the account's token is a layout fault, not a wrong credential:
    // accepting it is lenient, not a bypass. SCRAM's client-first never completes on its own.
    const bool valid_token = message.find(" $token") != std::string::npos || message.find("=$token") != std::string::npos;
    s.bad_credentials = !valid_token || message.find("$nouser") != std::string::npos;
    return s;
  }

  void add_command(Plan& p) {
    static const std::vector<std::string> forms = {
        "NOOP", "RSET", "HELP", "MAIL FROM:<a@fuzz.example>", "MAIL FROM:<a@fuzz.example> AUTH=<>",
        "RCPT TO:<b@fuzz.example>", "VRFY $user", "XYZZY", "", "EHLO", "AUTH", "*", "="};
    // Not STARTTLS: after its 220 the next octets belong to a TLS handshake (RFC 3207 §4), so a
    // plaintext line there is the client's mistake, and a close is the right answer.
    p.steps.push_back(line(dice_.pick(forms) + std::string(kCrlf), "smtp"));
  }

  // The SMTP line layer, on some `send` steps.
  void mutate_lines(Plan& p) {
    const std::uint32_t rounds = dice_.below(3);
    for (std::uint32_t r = 0; r < rounds; ++r) {
      std::vector<std::size_t> sends;
      for (std::size_t i = 0; i < p.steps.size(); ++i)
        if (p.steps[i].kind == PlanStep::Kind::send) sends.push_back(i);
      if (sends.empty()) return;
      const std::size_t i = dice_.pick(sends);
      PlanStep& s = p.steps[i];
      std::string& t = s.text;
      if (!ends_line(t)) continue;
      std::string body = t.substr(0, t.size() - kCrlf.size());
      switch (dice_.below(7)) {
        case 0: {  // verb case (RFC 5321 §2.4: verbs are case-insensitive)
          for (std::size_t k = 0; k < body.size() && body[k] != ' '; ++k)
            if (body[k] >= 'A' && body[k] <= 'Z' && dice_.one_in(2)) body[k] = static_cast<char>(body[k] + 32);
          break;
        }
        case 1: {  // blanks: doubled, TAB, or trailing
          static const std::vector<std::string> blanks = {"  ", "\\t", " \\t"};
          const auto sp = body.find(' ');
          if (sp != std::string::npos) body.replace(sp, 1, dice_.pick(blanks));
          else body += " ";
          break;
        }
        case 2: {  // an odd octet inside the line: NUL, lone CR, bare LF, DEL, 8-bit
          static const std::vector<std::string> octets = {"\\0", "\\r", "\\n", "\\x7f", "\\xff", "\\xc3\\xa9"};
          body.insert(safe_insert_point(body), dice_.pick(octets));
          break;
        }
        case 3: {  // over-long: past 512, 1000, 4096 and 12288 octets (RFC 5321 §4.5.3.1, RFC 4954 §4)
          static const std::vector<std::string> lengths = {"520", "1100", "4200", "13000"};
          body += "%repeat[" + dice_.pick(lengths) + "|A]%";
          s.bad_credentials = s.bad_credentials || body.find("$password") != std::string::npos;
          break;
        }
        case 4: {  // pipelining: this line and the next send in one write (RFC 2920)
          if (i + 1 < p.steps.size() && p.steps[i + 1].kind == PlanStep::Kind::send && !s.cancel &&
              !p.steps[i + 1].cancel && !s.bad_credentials && !p.steps[i + 1].bad_credentials) {
            body += std::string(kCrlf) + p.steps[i + 1].text.substr(0, p.steps[i + 1].text.size());
            p.steps.erase(p.steps.begin() + static_cast<std::ptrdiff_t>(i + 1));
            t = body;  // already ends with the next step's line end
            s.layer = "smtp";
            continue;
          }
          break;
        }
        case 5:  // the line end split off: the line is finished by the next write
          if (!body.empty() && i + 1 < p.steps.size() && p.steps[i + 1].kind == PlanStep::Kind::send && !s.cancel && !s.bad_credentials) {
            p.steps[i + 1].text = std::string(kCrlf) + p.steps[i + 1].text;
            t = body;
            s.layer = "smtp";
            // The next step now owes two replies; the reply of this line arrives with it.
            continue;
          }
          break;
        default: {  // a bare LF before the CRLF (RFC 5321 §2.3.8: not a line end)
          body += "\\n";
          break;
        }
      }
      t = body + std::string(kCrlf);
      s.layer = "smtp";
    }
  }

  // A position in the template source outside any escape, variable or macro: the end of the
  // verb, where an insertion cannot split a token of the template syntax.
  static std::size_t safe_insert_point(const std::string& body) {
    const auto sp = body.find(' ');
    if (sp != std::string::npos && body.find_first_of("\\$%") > sp) return sp;
    const auto special = body.find_first_of("\\$%");
    return special == std::string::npos ? body.size() : special;
  }

  Dice dice_;
  const GeneratorOptions& options_;
  std::vector<std::string> mechs_;
};

}  // namespace

std::vector<std::string> usable_mechanisms(const GeneratorOptions& options) {
  std::vector<std::string> all = mechanism_names(options);
  if (options.mechanisms.empty()) return all;
  std::vector<std::string> out;
  for (const auto& want : options.mechanisms)
    for (const auto& m : all)
      if (sasl::find_mechanism(want) == sasl::find_mechanism(m) && std::find(out.begin(), out.end(), m) == out.end())
        out.push_back(m);
  return out.empty() ? all : out;
}

Plan generate(Random& random, const GeneratorOptions& options) {
  Generator g(random, options);
  return g.run();
}

}  // namespace sah::scenario::fuzz
