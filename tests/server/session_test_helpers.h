// Helpers for driving the pure server Session with byte strings (no sockets): a scripted
// conversation checker, a transcript runner, and a driver that runs a real SASL exchange with
// the registry's client side against the session.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/random.h"
#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"
#include "harness/sasl/smtp_binding.h"
#include "harness/server/config.h"
#include "harness/server/session.h"

namespace sah::server::testing {

inline constexpr std::string_view kUser = "alice";
inline constexpr std::string_view kPassword = "wonderland";
inline constexpr std::string_view kToken = "tok-alice";

inline Config base_config() {
  Config c;
  c.accounts.push_back({std::string(kUser), std::string(kPassword), {std::string(kToken)}});
  c.accounts.push_back({"bob", "builder", {"tok-bob"}});
  return c;
}

inline std::string b64(std::string_view raw) { return codec::base64_encode(raw); }
inline std::string plain_ir(std::string_view z, std::string_view c, std::string_view p) {
  std::string m(z);
  m += '\0';
  m += c;
  m += '\0';
  m += p;
  return b64(m);
}
inline std::string ir_valid() { return plain_ir("", kUser, kPassword); }
inline std::string ir_bad() { return plain_ir("", kUser, std::string(kPassword) + "x"); }

inline std::string_view action_name(Action a) {
  switch (a) {
    case Action::none: return "none";
    case Action::start_tls: return "start_tls";
    case Action::close: return "close";
    case Action::crash: return "crash";
    case Action::hang: return "hang";
  }
  return "?";
}

// A session with its own config and randomness; `seed` varies the randomness per connection.
struct Rig {
  explicit Rig(Config c = base_config(), std::uint64_t seed = 1) : config(std::move(c)), random(seed) {
    session = std::make_unique<Session>(config, random);
  }
  // The session holds references to config and random: a Rig never moves.
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;
  Config config;
  SeededRandom random;
  std::unique_ptr<Session> session;

  // Greets and returns the greeting.
  std::string start() {
    session->start();
    return session->take_output();
  }
  // Sends bytes, returns what the session answered.
  std::string send(std::string_view bytes) {
    session->receive(bytes);
    return session->take_output();
  }
  // Sends lines (CRLF appended to each) in one receive().
  std::string lines(const std::vector<std::string>& ls) {
    std::string all;
    for (const auto& l : ls) all += l + "\r\n";
    return send(all);
  }
  // STARTTLS handshake done by the I/O layer.
  void tls(std::string client_identity = {}) {
    session->tls_established({"tls-server-end-point", std::string(32, '\x11')},
                             {"tls-exporter", std::string(32, '\x22')}, std::move(client_identity));
  }
};

// Greets, sends `input` in one receive(), returns greeting + replies + "[action]" when the
// session asks the I/O layer for something.
inline std::string transcript(Rig& rig, std::string_view input) {
  std::string out = rig.start();
  out += rig.send(input);
  const Action a = rig.session->action();
  if (a != Action::none) out += "[" + std::string(action_name(a)) + "]";
  return out;
}

// Runs a conversation written as "C: line" / "S: line" rows and checks every reply byte for
// byte. Consecutive C: lines go out in one receive() (a pipelined group); the S: lines after
// them are the expected replies. A S: line ending in '*' matches any line with that prefix.
inline void converse(Session& session, std::string_view script) {
  std::vector<std::string> rows;
  {
    std::string s(script);
    std::istringstream in(s);
    for (std::string row; std::getline(in, row);) {
      const auto first = row.find_first_not_of(' ');
      if (first == std::string::npos) continue;
      rows.push_back(row.substr(first));
    }
  }
  std::string pending;
  std::vector<std::string> expected;
  auto flush = [&] {
    if (pending.empty() && expected.empty()) return;
    session.receive(pending);
    const std::string got = session.take_output();
    std::vector<std::string> got_lines;
    std::size_t pos = 0;
    while (pos < got.size()) {
      const std::size_t end = got.find("\r\n", pos);
      if (end == std::string::npos) {
        got_lines.push_back(got.substr(pos) + "<no CRLF>");
        break;
      }
      got_lines.push_back(got.substr(pos, end - pos));
      pos = end + 2;
    }
    ASSERT_EQ(got_lines.size(), expected.size()) << "after sending:\n" << pending << "got:\n" << got;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const std::string& e = expected[i];
      if (!e.empty() && e.back() == '*') {
        EXPECT_EQ(got_lines[i].substr(0, e.size() - 1), e.substr(0, e.size() - 1)) << "line " << i;
      } else {
        EXPECT_EQ(got_lines[i], e) << "line " << i << " after sending:\n" << pending;
      }
    }
    pending.clear();
    expected.clear();
  };
  bool last_was_server = false;
  for (const std::string& row : rows) {
    if (row.rfind("C:", 0) == 0) {
      if (last_was_server) flush();
      std::string line = row.size() > 3 ? row.substr(3) : std::string();
      pending += line + "\r\n";
      last_was_server = false;
    } else if (row.rfind("S:", 0) == 0) {
      expected.push_back(row.size() > 3 ? row.substr(3) : std::string());
      last_was_server = true;
    }
  }
  flush();
}

// The last complete reply line of `out` (without CRLF).
inline std::string last_line(const std::string& out) {
  if (out.size() < 2) return out;
  const std::size_t end = out.size() - 2;
  const std::size_t start = out.rfind("\r\n", end - 1);
  return out.substr(start == std::string::npos ? 0 : start + 2, end - (start == std::string::npos ? 0 : start + 2));
}

// Runs AUTH <mech> with the registry's client side until a final reply; returns every reply
// the session sent during the exchange. The session must be past EHLO.
inline std::string authenticate(Session& session, std::string_view mech_name, sasl::ClientOptions opts,
                                Random& client_random) {
  const sasl::MechanismInfo* info = sasl::find_mechanism(mech_name);
  if (info == nullptr) return "no such mechanism";
  opts.random = &client_random;
  auto client = info->make_client(opts);
  if (!client) return "no client";
  const std::optional<Bytes> ir = client->initial_response();
  std::string transcript;
  session.receive(sasl::smtp_binding::auth_command(info->name, ir) + "\r\n");
  bool ir_pending = ir && !sasl::smtp_binding::initial_response_inline(info->name, ir);
  for (int round = 0; round < 10; ++round) {
    const std::string out = session.take_output();
    transcript += out;
    const std::string line = last_line(out);
    if (line.rfind("334", 0) != 0) return transcript;
    if (ir_pending) {
      ir_pending = false;
      session.receive(sasl::smtp_binding::encode_response(*ir) + "\r\n");
      continue;
    }
    auto challenge = sasl::smtp_binding::decode_challenge(line.size() > 4 ? line.substr(4) : std::string());
    if (!challenge) {
      session.receive("*\r\n");
      continue;
    }
    sasl::Step step = client->step(*challenge);
    if (step.kind == sasl::Step::Kind::fail) {
      session.receive("*\r\n");
    } else {
      session.receive(sasl::smtp_binding::encode_response(step.out) + "\r\n");
    }
  }
  return transcript + "[too many rounds]";
}

// Client options that log in as alice for any mechanism of the registry.
inline sasl::ClientOptions alice(const Config& c) {
  sasl::ClientOptions o;
  o.authcid = std::string(kUser);
  o.password = std::string(kPassword);
  o.token = std::string(kToken);
  o.host = c.hostname;
  o.service = "smtp";
  return o;
}

}  // namespace sah::server::testing
