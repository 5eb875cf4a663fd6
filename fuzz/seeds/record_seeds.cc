// Records seed inputs for the SASL and server-session fuzz targets from real exchanges: the
// registry's honest client against its server side, and against the built-in session (nghttp2's
// "corpus recorded when we ran h2spec against nghttpd"). Each seed is encoded in the target's
// input format (selector bytes, FuzzedDataProvider strings and chunk sizes), so it drives the
// target down the whole exchange. Re-run after adding a mechanism:
//   cmake --build <build> --target record_seeds && <build>/fuzz/record_seeds corpus
// Credentials are the test account user/pencil and a test token; nothing real.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "harness/base/random.h"
#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"
#include "harness/server/session.h"

namespace {

namespace fs = std::filesystem;
namespace sasl = sah::sasl;

constexpr const char* kToken = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";  // as fuzz_sasl_client

// FuzzedDataProvider::ConsumeRandomLengthString reads up to a backslash followed by another
// character; a doubled backslash is a literal one.
std::string fdp_string(std::string_view s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '\\') out += '\\';
  }
  return out + "\\\n";
}

std::string lower_name(std::string_view n) {
  std::string s(n);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
  std::printf("%s/%s (%zu octets)\n", dir.c_str(), name.c_str(), bytes.size());
}

sasl::ClientOptions client_options(sah::Random& r, bool cb, std::string token = kToken) {
  sasl::ClientOptions o;  // as in fuzz_sasl_client.cc
  o.authcid = "user";
  o.password = "pencil";
  o.token = std::move(token);
  o.host = "server.example.com";
  o.port = 587;
  if (cb) o.channel_binding = {"tls-exporter", sah::Bytes(32, '\x5a')};
  o.random = &r;
  return o;
}

sasl::ServerOptions server_options(sah::Random& r, const sasl::Account& a, bool cb) {
  sasl::ServerOptions o;  // as in fuzz_sasl_server.cc
  o.lookup = [&a](std::string_view u) { return u == a.user ? &a : nullptr; };
  o.realm = o.host = "server.example.com";
  if (cb) o.channel_binding = {"tls-exporter", sah::Bytes(32, '\x5a')};
  o.external_identity_present = true;
  o.external_identity = "user";
  o.scram_iterations = 2;
  o.random = &r;
  return o;
}

// One exchange between the honest client and the server side: the client's messages and the
// server's, in order.
struct Exchange {
  std::optional<sah::Bytes> initial;
  std::vector<sah::Bytes> client;  // responses after the initial one
  std::vector<sah::Bytes> server;  // challenges, success data included
  bool success = false;
};

Exchange exchange(const sasl::MechanismInfo& m, bool cb, const std::string& server_token) {
  sah::SeededRandom crand(7), srand(1);  // the seeds the fuzz targets use
  const sasl::Account account{"user", "pencil", {server_token}};
  auto client = m.make_client(client_options(crand, cb));
  auto server = m.make_server(server_options(srand, account, cb));
  Exchange e;
  e.initial = client->initial_response();
  sasl::Step s = server->start(e.initial);
  for (int i = 0; i < 8; ++i) {
    if (s.kind == sasl::Step::Kind::fail) return e;
    e.server.push_back(s.out);
    if (s.kind == sasl::Step::Kind::done) {
      if (!s.out.empty()) client->step(s.out);
      e.success = true;
      return e;
    }
    const sasl::Step c = client->step(s.out);
    if (c.kind != sasl::Step::Kind::respond) return e;
    e.client.push_back(c.out);
    s = server->step(c.out);
  }
  return e;
}

// The session target's input: selector bytes, the stream, then chunk sizes from the end.
std::string session_seed(std::uint8_t fault, std::uint8_t config, std::string_view stream) {
  std::string s{static_cast<char>(fault), static_cast<char>(config)};
  s += stream;
  std::string sizes;
  for (std::size_t left = stream.size(); left > 0;) {
    const std::size_t n = std::min<std::size_t>(left, 128);
    sizes.insert(sizes.begin(), static_cast<char>(n - 1));  // 1 + byte % 128
    left -= n;
  }
  return s + sizes;
}

// Drives the built-in session with the honest client; returns the client's byte stream.
std::string session_stream(const sasl::MechanismInfo& m) {
  sah::server::Config config;
  config.accounts.push_back({"user", "pencil", {kToken}});
  config.mechanisms = {std::string(m.name)};
  sah::SeededRandom srand(1), crand(7);
  sah::server::Session session(config, srand);
  session.start();
  session.take_output();
  sasl::ClientOptions co = client_options(crand, false);
  co.host = config.hostname;  // DIGEST-MD5 digest-uri names the server
  auto client = m.make_client(co);
  std::string stream = "EHLO client.example.com\r\n";
  session.receive(stream);
  session.take_output();
  std::string line = "AUTH " + std::string(m.name);
  if (auto ir = client->initial_response()) line += " " + (ir->empty() ? std::string("=") : sah::codec::base64_encode(*ir));
  for (int i = 0; i < 8; ++i) {
    line += "\r\n";
    stream += line;
    session.receive(line);
    const std::string out = session.take_output();
    if (out.rfind("334 ", 0) != 0) break;
    auto challenge = sah::codec::base64_decode(std::string_view(out).substr(4, out.find('\r') - 4));
    if (!challenge) break;
    const sasl::Step c = client->step(*challenge);
    if (c.kind == sasl::Step::Kind::fail) break;
    line = sah::codec::base64_encode(c.out);
  }
  return stream + "MAIL FROM:<user@example.com>\r\nQUIT\r\n";
}


// Published vectors (the requirement catalogue's §4), fed as they are: the server's messages
// to the client target, the client's to the server target.
struct Vector {
  const char* mech;
  const char* name;
  bool to_client;      // server messages for fuzz_sasl_client, else client messages
  bool initial;        // server target: the first message is the initial response
  std::vector<std::string> messages;  // raw; "b64:..." is Base64 (binary NTLM messages)
};

std::string unwrap(const std::string& m) {
  if (m.rfind("b64:", 0) != 0) return m;
  auto b = sah::codec::base64_decode(std::string_view(m).substr(4));
  return b ? *b : std::string();
}

const std::vector<Vector>& vectors() {
  using namespace std::string_literals;
  static const std::vector<Vector> v = {
      {"PLAIN", "rfc4954-test-test-1234", false, true, {"test\0test\0""1234"s}},
      {"PLAIN", "rfc4616-tim", false, true, {"\0tim\0tanstaaftanstaaf"s}},
      {"PLAIN", "rfc4616-ursel-as-kurt", false, true, {"Ursel\0Kurt\0xipj3plmq"s}},
      {"PLAIN", "empty-challenge", true, false, {""}},
      {"LOGIN", "draft-murchison-tim", false, false, {"tim", "tanstaaftanstaaf"}},
      {"LOGIN", "draft-murchison-prompts", true, false, {"User Name\0"s, "Password\0"s}},
      {"LOGIN", "common-prompts", true, false, {"Username:", "Password:"}},
      {"CRAM-MD5", "rfc2195-tim", false, false, {"tim b913a602c7eda7a495b4e6e7334d3890"}},
      {"CRAM-MD5", "rfc2195-challenge", true, false, {"<1896.697170952@postoffice.reston.mci.net>"}},
      {"CRAM-MD5", "rfc4954-challenge", true, false, {"<4192942341.12828472@sourcefour.andrew.cmu.edu>"}},
      {"DIGEST-MD5", "rfc2831-chris", false, false,
       {"charset=utf-8,username=\"chris\",realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",nc=00000001,"
        "cnonce=\"OA6MHXh6VqTrRk\",digest-uri=\"imap/elwood.innosoft.com\",response=d388dad90d4bbd760a152321f2143af7,qop=auth"}},
      {"DIGEST-MD5", "rfc2831-challenge-rspauth", true, false,
       {"realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8",
        "rspauth=ea40f60335c427b5527b84dbabcdfffd"}},
      {"SCRAM-SHA-1", "rfc5802-user-pencil", false, true,
       {"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="}},
      {"SCRAM-SHA-1", "rfc5802-server-messages", true, false,
       {"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="}},
      {"SCRAM-SHA-256", "rfc7677-user-pencil", false, true,
       {"n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="}},
      {"SCRAM-SHA-256", "rfc7677-server-messages", true, false,
       {"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="}},
      {"SCRAM-SHA-256", "server-error-invalid-proof", true, false,
       {"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "e=invalid-proof"}},
      {"NTLM", "ms-nlmp-4.2.4.3-challenge", true, false,
       {"b64:TlRMTVNTUAACAAAADAAMADgAAAAzgoriASNFZ4mrze8AAAAAAAAAACQAJABEAAAABgBwFwAAAA9TAGUAcgB2AGUAcgACAAwARABvAG0A"
        "YQBpAG4AAQAMAFMAZQByAHYAZQByAAAAAAA="}},
      {"NTLM", "ms-smtpntlm-negotiate-ms-nlmp-authenticate", false, true,
       {"b64:TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAFAs4OAAAADw==",
        "b64:TlRMTVNTUAADAAAAGAAYAGwAAABUAFQAhAAAAAwADABIAAAACAAIAFQAAAAQABAAXAAAABAAEADYAAAANYKI4gUBKAoAAAAPRABvAG0A"
        "YQBpAG4AVQBzAGUAcgBDAE8ATQBQAFUAVABFAFIAhsNQl6yc7BAlVHZKV8zMGaqqqqqqqqqqaM0KuFHlHJaqvJJ76+9qHAEBAAAAAAAAAAAA"
        "AAAAAACqqqqqqqqqqgAAAAACAAwARABvAG0AYQBpAG4AAQAMAFMAZQByAHYAZQByAAAAAAAAAAAAxdrSVE/JeZCUzhzpC8nQPg=="}},
      {"XOAUTH2", "google-request", false, true,
       {"user=someuser@example.com\x01" "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"}},
      {"XOAUTH2", "google-error-json", true, false,
       {"{\"status\":\"401\",\"schemes\":\"bearer mac\",\"scope\":\"https://mail.google.com/\"}\n"}},
      {"OAUTHBEARER", "rfc7628-4.1-request", false, true,
       {"n,a=user@example.com,\x01host=server.example.com\x01port=587\x01" "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"}},
      {"OAUTHBEARER", "rfc7628-4.4-nonstandard-gs2", false, true,
       {"n,user=someuser@example.com,\x01" "auth=Bearer vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==\x01\x01", "\x01"}},
      {"OAUTHBEARER", "rfc7628-4.3-error-json", true, false,
       {"{\"status\":\"invalid_token\",\"scope\":\"example_scope\",\"openid-configuration\":\"https://example.com/.well-known/openid-config\"}"}},
      {"ANONYMOUS", "rfc4505-sirhc", false, true, {"sirhc"}},
      {"EXTERNAL", "rfc4422-fred", false, true, {"fred@example.com"}},
      {"EXTERNAL", "empty-authzid", false, true, {""}},
  };
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: record_seeds CORPUS_DIR\n");
    return 2;
  }
  const fs::path corpus = argv[1];
  const auto mechs = sasl::mechanisms();
  for (std::size_t i = 0; i < mechs.size(); ++i) {
    const sasl::MechanismInfo& m = mechs[i];
    const bool cb = m.needs_channel_binding;
    const std::string name = lower_name(m.name);
    for (const bool good_token : {true, false}) {
      const Exchange e = exchange(m, cb, good_token ? kToken : "another-token");
      if (!good_token && e.success) continue;  // the token plays no part in this mechanism
      const std::string variant = good_token ? "honest" : "token-refused";
      // fuzz_sasl_client: the server's messages.
      std::string c{static_cast<char>(i), static_cast<char>(cb ? 2 : 0)};
      for (const auto& msg : e.server) c += fdp_string(msg);
      write(corpus / "sasl_client", "recorded-" + name + "-" + variant, c);
      // fuzz_sasl_server: the client's messages, the initial-response flag last.
      std::string s{static_cast<char>(i), static_cast<char>(1 | (cb ? 2 : 0) | 8)};
      if (e.initial) s += fdp_string(*e.initial);
      for (const auto& msg : e.client) s += fdp_string(msg);
      s += static_cast<char>(e.initial ? 1 : 0);
      write(corpus / "sasl_server", "recorded-" + name + "-" + variant, s);
    }
    if (!cb) write(corpus / "server_session", "recorded-auth-" + name, session_seed(0xff, 0, session_stream(m)));
  }
  for (const Vector& v : vectors()) {
    const sasl::MechanismInfo* m = sasl::find_mechanism(v.mech);
    if (m == nullptr) continue;  // not registered (yet)
    const auto index = static_cast<char>(m - mechs.data());
    std::string seed{index, static_cast<char>(v.to_client ? 0 : 1 | 8)};
    for (const std::string& msg : v.messages) seed += fdp_string(unwrap(msg));
    if (!v.to_client) seed += static_cast<char>(v.initial ? 1 : 0);
    write(corpus / (v.to_client ? "sasl_client" : "sasl_server"), std::string("rfc-") + lower_name(v.mech) + "-" + v.name, seed);
  }
  return 0;
}
