// SCRAM: RFC 5802 §5 (SCRAM-SHA-1) byte for byte through both mechanism sides, RFC 7677 §3
// (SCRAM-SHA-256) through the key derivation, round trips for every variant (-PLUS with a fake
// binding), every corruption refused for its expected reason, and malformed-message tables.
#include <gtest/gtest.h>

#include <string>

#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"
#include "harness/sasl/scram_messages.h"
#include "tests/sasl/exchange_util.h"

namespace sah::sasl {
namespace {

using testing::ScriptedRandom;

// The octets that make the mechanisms' nonce generator produce `s` (index in its alphabet).
std::string nonce_script(std::string_view s) {
  constexpr std::string_view kAlphabet =
      "!\"#$%&'()*+-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  std::string out;
  for (char c : s) out += static_cast<char>(kAlphabet.find(c));
  return out;
}

std::string hex(BytesView b) { return codec::hex_encode(b); }
Bytes unhex(std::string_view h) { return codec::hex_decode(h).value(); }

TEST(Scram, Rfc5802ExchangeByteForByteThroughBothSides) {
  const MechanismInfo* m = find_mechanism("SCRAM-SHA-1");
  ASSERT_NE(m, nullptr);
  Account user{"user", "pencil", {}};
  ScriptedRandom crandom(nonce_script("fyko+d2lbbFgONRv9qkxdawL"));
  ScriptedRandom srandom(nonce_script("3rfcNHYJY1ZVvWVs7j"));
  ClientOptions co;
  co.authcid = "user";
  co.password = "pencil";
  co.random = &crandom;
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == "user" ? &user : nullptr; };
  so.scram_salt = codec::base64_decode("QSXCR+Q6sek8bf92").value();
  so.random = &srandom;

  auto client = m->make_client(co);
  auto server = m->make_server(so);
  const auto first = client->initial_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(codec::base64_encode(*first), "biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM");
  Step s1 = server->start(first);
  ASSERT_EQ(s1.kind, Step::Kind::respond) << s1.reason;
  EXPECT_EQ(s1.out, "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
  Step c1 = client->step(s1.out);
  ASSERT_EQ(c1.kind, Step::Kind::respond) << c1.reason;
  EXPECT_EQ(c1.out, "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  Step s2 = server->step(c1.out);
  ASSERT_EQ(s2.kind, Step::Kind::done) << s2.reason;
  EXPECT_EQ(s2.out, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
  EXPECT_EQ(codec::base64_encode(s2.out), "dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9");
  EXPECT_EQ(server->authorized_identity(), "user");
  EXPECT_EQ(client->step(s2.out).kind, Step::Kind::done);
}

TEST(Scram, Rfc5802IntermediateValues) {
  const Bytes salt = codec::base64_decode("QSXCR+Q6sek8bf92").value();
  const auto k = scram::derive_keys(crypto::Digest::sha1, "pencil", salt, 4096);
  EXPECT_EQ(hex(k.salted_password), "1d96ee3a529b5a5f9e47c01f229a2cb8a6e15f7d");
  EXPECT_EQ(hex(k.client_key), "e234c47bf6c36696dd6d852b99aaa2ba26555728");
  EXPECT_EQ(hex(k.stored_key), "e9d94660c39d65c38fbad91c358f14da0eef2bd6");
  EXPECT_EQ(hex(k.server_key), "0fe09258b3ac852ba502cc62ba903eaacdbf7d31");
  const std::string auth =
      "n=user,r=fyko+d2lbbFgONRv9qkxdawL,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
      "i=4096,c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
  EXPECT_EQ(hex(scram::client_proof(crypto::Digest::sha1, k, auth)), "bf45fcbf7073d93d022466c94321745fe1c8e13b");
  EXPECT_EQ(hex(scram::server_signature(crypto::Digest::sha1, k, auth)), "ae617da6a57c4bbb2e0286568dae1d251905b0a4");
}

TEST(Scram, Rfc7677VectorThroughParsersAndKeys) {
  const std::string cfirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
  const std::string sfirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  const std::string cfinal =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  auto cf = scram::parse_client_first(cfirst);
  ASSERT_TRUE(cf);
  EXPECT_EQ(cf->username, "user");
  EXPECT_EQ(cf->bare, "n=user,r=rOprNGfwEbeRWgbNEkqO");
  auto sf = scram::parse_server_first(sfirst);
  ASSERT_TRUE(sf);
  EXPECT_EQ(sf->iterations, 4096u);
  auto fin = scram::parse_client_final(cfinal);
  ASSERT_TRUE(fin);
  EXPECT_EQ(fin->channel_binding, "n,,");
  const auto k = scram::derive_keys(crypto::Digest::sha256, "pencil", sf->salt, 4096);
  EXPECT_EQ(hex(k.salted_password), "c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d");
  EXPECT_EQ(hex(k.client_key), "a60fc923d67e8644a92d16b96eda5ef4656b0c725c484374be25535576996e8b");
  EXPECT_EQ(hex(k.stored_key), "586e5df283e6dceb5c3e791d8b8528ec191e664045ce971792e2e6b5bb13e2a6");
  EXPECT_EQ(hex(k.server_key), "c1f3cbc1c13a9d35a14c0990eed97629ea225863e566a4314ab99f3f00e5d9d5");
  const std::string auth = cf->bare + "," + sfirst + "," + fin->without_proof;
  EXPECT_EQ(hex(scram::client_proof(crypto::Digest::sha256, k, auth)),
            "747cdb65aa56224e2352137e52d7bdcad6a0f738df30782caa69a2cfb0277554");
  EXPECT_EQ(fin->proof, unhex("747cdb65aa56224e2352137e52d7bdcad6a0f738df30782caa69a2cfb0277554"));
  EXPECT_EQ(codec::base64_encode(scram::server_signature(crypto::Digest::sha256, k, auth)),
            "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  EXPECT_EQ(codec::base64_encode(cfirst), "biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=");
}

TEST(Scram, UserNameEscapingBothWays) {
  EXPECT_EQ(scram::escape_name("a,b=c"), "a=2Cb=3Dc");
  EXPECT_EQ(scram::unescape_name("a=2Cb=3Dc").value(), "a,b=c");
  struct Bad {
    std::string_view in;
    std::size_t offset;
    std::string_view why;
  } rows[] = {
      {"us=41er", 2, "=41 is not one of the two escapes (SCR-09)"},
      {"user=", 4, "lone '=' at the end"},
      {"user=2", 4, "truncated escape"},
      {"a=2c", 1, "lower-case hex is not the escape"},
      {"a,b", 1, "raw ',' inside a saslname"},
      {"", 0, "empty saslname"},
  };
  for (const Bad& r : rows) {
    auto u = scram::unescape_name(r.in);
    ASSERT_FALSE(u) << r.why;
    EXPECT_EQ(u.error(), r.offset) << r.why;
  }
}

struct Pair {
  ClientOptions co;
  ServerOptions so;
  Account user{"user", "pencil", {}};
  Account other{"other", "x", {}};
  SeededRandom crandom{1};
  SeededRandom srandom{2};
  Pair() {
    co.authcid = "user";
    co.password = "pencil";
    co.random = &crandom;
    so.lookup = [this](std::string_view u) -> const Account* {
      if (u == "user") return &user;
      if (u == "other") return &other;
      return nullptr;
    };
    so.random = &srandom;
  }
  void bind(std::string_view type, Bytes data) {
    co.channel_binding = {std::string(type), data};
    so.channel_binding = {std::string(type), std::move(data)};
    co.server_supports_plus = true;
    so.advertised_plus = true;
  }
};

// Drives an exchange as SMTP would: a server `e=` challenge is answered (empty) and the server's
// final verdict is what counts.
struct Result2 {
  Step server;
  Step client;
};
Result2 drive(const MechanismInfo& m, const ClientOptions& co, const ServerOptions& so, bool ir = true) {
  auto client = m.make_client(co);
  auto server = m.make_server(so);
  Result2 r;
  std::optional<Bytes> initial;
  if (ir) initial = client->initial_response();
  r.server = server->start(initial);
  for (int i = 0; i < 6; ++i) {
    if (r.server.kind == Step::Kind::fail) return r;
    r.client = client->step(r.server.out);
    if (r.server.kind == Step::Kind::done) return r;
    if (r.client.kind != Step::Kind::respond) {
      r.server = server->step({});  // SMTP: the client's answer to e=, or a cancel
      if (r.server.kind != Step::Kind::fail) r.server = Step::fail(Why::malformed, "client gave up");
      return r;
    }
    r.server = server->step(r.client.out);
  }
  return r;
}

class ScramVariants : public ::testing::TestWithParam<std::string_view> {};

TEST_P(ScramVariants, RoundTripWithAndWithoutInitialResponse) {
  const MechanismInfo* m = find_mechanism(GetParam());
  ASSERT_NE(m, nullptr);
  for (bool ir : {true, false}) {
    Pair p;
    if (m->needs_channel_binding) p.bind("tls-exporter", Bytes(32, '\x5a'));
    const Result2 r = drive(*m, p.co, p.so, ir);
    EXPECT_EQ(r.server.kind, Step::Kind::done) << r.server.reason;
    EXPECT_FALSE(r.server.out.empty()) << "v= travels as success data (SCR-03)";
    EXPECT_EQ(r.client.kind, Step::Kind::done) << r.client.reason;
  }
}

TEST_P(ScramVariants, EveryCorruptionIsRefusedForItsReason) {
  const MechanismInfo* m = find_mechanism(GetParam());
  ASSERT_NE(m, nullptr);
  ASSERT_FALSE(m->corruptions.empty());
  for (const CorruptionInfo& c : m->corruptions) {
    Pair p;
    if (m->needs_channel_binding) p.bind("tls-server-end-point", Bytes(32, '\x11'));
    if (c.name == "downgrade-y-flag") p.so.advertised_plus = true;
    p.co.corruption = std::string(c.name);
    const Result2 r = drive(*m, p.co, p.so);
    const Step::Kind want = c.expected_rejection == Why::none ? Step::Kind::done : Step::Kind::fail;
    EXPECT_EQ(r.server.kind, want) << c.name << ": " << r.server.reason;
    EXPECT_EQ(r.server.why, c.expected_rejection) << c.name << ": " << r.server.reason;
  }
}

TEST_P(ScramVariants, WrongBindingDataIsRefused) {
  const MechanismInfo* m = find_mechanism(GetParam());
  if (!m->needs_channel_binding) GTEST_SKIP() << "no binding";
  Pair p;
  p.bind("tls-exporter", Bytes(32, '\x01'));
  p.so.channel_binding.data[31] = '\x02';
  const Result2 r = drive(*m, p.co, p.so);
  EXPECT_EQ(r.server.kind, Step::Kind::fail);
  EXPECT_EQ(r.server.why, Why::bad_credentials);
}

std::string variant_name(const ::testing::TestParamInfo<std::string_view>& info) {
  std::string s;
  for (char c : info.param) s += (c == '-') ? '_' : c;
  return s;
}
INSTANTIATE_TEST_SUITE_P(All, ScramVariants,
                         ::testing::Values("SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"),
                         variant_name);

TEST(Scram, YFlagAcceptedWhenNoPlusIsAdvertised) {
  // SCR-07: the client could bind (it is under TLS) but the server offers no -PLUS.
  Pair p;
  p.co.channel_binding = {"tls-exporter", Bytes(32, 'x')};
  p.co.server_supports_plus = false;
  auto c = find_mechanism("SCRAM-SHA-256")->make_client(p.co);
  EXPECT_EQ(c->initial_response().value().substr(0, 3), "y,,");
  const Result2 r = drive(*find_mechanism("SCRAM-SHA-256"), p.co, p.so);
  EXPECT_EQ(r.server.kind, Step::Kind::done) << r.server.reason;
}

TEST(Scram, WrongPasswordGetsInvalidProofThenFailure) {
  Pair p;
  p.co.password = "wrong";
  auto client = find_mechanism("SCRAM-SHA-256")->make_client(p.co);
  auto server = find_mechanism("SCRAM-SHA-256")->make_server(p.so);
  Step s = server->start(client->initial_response());
  Step c = client->step(s.out);
  s = server->step(c.out);
  ASSERT_EQ(s.kind, Step::Kind::respond);
  EXPECT_EQ(s.out, "e=invalid-proof");  // RFC 5802 §7, SCR-04
  Step cf = client->step(s.out);
  EXPECT_EQ(cf.kind, Step::Kind::respond) << "the 334 carrying e= is answered with an empty line";
  EXPECT_TRUE(cf.out.empty());
  EXPECT_EQ(cf.why, Why::bad_credentials);
  EXPECT_EQ(server->step("").why, Why::bad_credentials);
}

TEST(Scram, UnknownUserGetsTheSameSaltEveryTime) {
  // SCR-15: the server-first for a user that does not exist looks like a real one, and repeats.
  auto salt_of = [](std::uint64_t seed) {
    Pair p;
    SeededRandom r(seed);
    p.so.random = &r;
    auto server = find_mechanism("SCRAM-SHA-256")->make_server(p.so);
    Step s = server->start(Bytes("n,,n=nobody,r=abcdefgh"));
    EXPECT_EQ(s.kind, Step::Kind::respond);
    return scram::parse_server_first(s.out).value().salt;
  };
  EXPECT_EQ(salt_of(1), salt_of(2));
  EXPECT_EQ(salt_of(1).size(), 16u);
}

TEST(Scram, UnknownOptionalAttributeIsIgnoredAndInTheAuthMessage) {
  // SCR-11: `x=foo` after the nonce; the AuthMessage uses the bare message as sent.
  Pair p;
  auto server = find_mechanism("SCRAM-SHA-1")->make_server(p.so);
  const std::string bare = "n=user,r=clientnonce,x=foo";
  Step s = server->start(Bytes("n,," + bare));
  ASSERT_EQ(s.kind, Step::Kind::respond) << s.reason;
  auto sf = scram::parse_server_first(s.out).value();
  const auto k = scram::derive_keys(crypto::Digest::sha1, "pencil", sf.salt, static_cast<unsigned>(sf.iterations));
  const std::string without = "c=biws,r=" + sf.nonce;
  const std::string auth = bare + "," + s.out + "," + without;
  Step d = server->step(without + ",p=" + codec::base64_encode(scram::client_proof(crypto::Digest::sha1, k, auth)));
  EXPECT_EQ(d.kind, Step::Kind::done) << d.reason;
}

TEST(Scram, UserNameIsPreparedBeforeLookup) {
  // SCR-18: U+00AD (soft hyphen) inside the name maps to nothing.
  Pair p;
  p.co.authcid = "us\xC2\xAD" "er";
  const Result2 r = drive(*find_mechanism("SCRAM-SHA-256"), p.co, p.so);
  EXPECT_EQ(r.server.kind, Step::Kind::done) << r.server.reason;
  Pair q;
  q.co.authcid = "us,er=";
  q.user.user = "us,er=";
  q.so.lookup = [&](std::string_view u) -> const Account* { return u == "us,er=" ? &q.user : nullptr; };
  EXPECT_EQ(drive(*find_mechanism("SCRAM-SHA-1"), q.co, q.so).server.kind, Step::Kind::done);
}

TEST(Scram, AuthzidOfSelfIsAllowed) {
  Pair p;
  p.co.authzid = "user";
  EXPECT_EQ(drive(*find_mechanism("SCRAM-SHA-1"), p.co, p.so).server.kind, Step::Kind::done);
}

struct MalformedRow {
  std::string_view input;
  std::string_view why;
};

TEST(ScramParsers, ClientFirstMalformedTable) {
  const MalformedRow rows[] = {
      {"", "empty"},
      {"n", "flag only"},
      {"n,", "one comma"},
      {"n,,", "no bare message"},
      {"x,,n=u,r=a", "flag x (SCR-05)"},
      {",,n=u,r=a", "no flag (SCR-05)"},
      {"p=,,n=u,r=a", "empty cb-name"},
      {"p=a b,,n=u,r=a", "space in cb-name"},
      {"n,b=x,n=u,r=a", "authzid without a="},
      {"n,a=,n=u,r=a", "empty authzid"},
      {"n,a=x=41,n=u,r=a", "bad escape in authzid"},
      {"n,,r=a,n=u", "order swapped"},
      {"n,,n=u", "no nonce"},
      {"n,,n=u,r=", "empty nonce"},
      {"n,,n=u,r=a b", "space in nonce"},
      {"n,,n=us=41er,r=a", "bad escape (SCR-09)"},
      {"n,,n=,r=a", "empty user"},
      {"n,,n=u,r=a,", "trailing comma"},
      {"n,,n=u,r=a,1=x", "extension name not ALPHA"},
      {"n,,n=u,r=a,x", "extension without ="},
      {std::string_view("n,,n=u\0,r=a", 11), "NUL"},
      {"n,,m=x", "m= then nothing"},
  };
  for (const MalformedRow& r : rows) EXPECT_FALSE(scram::parse_client_first(r.input)) << r.why;
  EXPECT_FALSE(scram::parse_client_first(Bytes(scram::kMaxMessage + 1, 'a'))) << "over the bound";
}

TEST(ScramParsers, ServerFirstMalformedTable) {
  const MalformedRow rows[] = {
      {"", "empty"},
      {"r=abc", "no salt"},
      {"r=abc,s=QSXCR+Q6sek8bf92", "no count"},
      {"s=QSXCR+Q6sek8bf92,r=abc,i=1", "order changed (SCR-01)"},
      {"r=abc,s=QSX*,i=4096", "salt not Base64"},
      {"r=abc,s=QSXCR+Q6sek8bf9,i=4096", "salt truncated quantum"},
      {"r=abc,s=,i=4096", "empty salt"},
      {"r=abc,s=QQ==,i=0", "count 0 (SCR-01)"},
      {"r=abc,s=QQ==,i=-1", "negative count"},
      {"r=abc,s=QQ==,i=04096", "leading zero"},
      {"r=abc,s=QQ==,i=12a", "not digits"},
      {"r=abc,s=QQ==,i=99999999999999999999", "overflow"},
      {"r=abc,s=QQ==,i=10000001", "above the client limit"},
      {"r=a,b,s=QQ==,i=1", "comma inside the nonce"},
  };
  for (const MalformedRow& r : rows) EXPECT_FALSE(scram::parse_server_first(r.input)) << r.why;
  auto ok = scram::parse_server_first("m=x,r=abc,s=QQ==,i=10000000,e=ext");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->mandatory_extension);
  EXPECT_EQ(ok->iterations, 10000000u);
}

TEST(ScramParsers, ClientFinalMalformedTable) {
  const MalformedRow rows[] = {
      {"", "empty"},
      {"c=biws", "only c"},
      {"c=biws,r=abc", "no proof (SCR-14)"},
      {"r=abc,c=biws,p=QQ==", "order changed"},
      {"c=biws,r=abc,p=Q*==", "proof not Base64 (SCR-14)"},
      {"c=bi*s,r=abc,p=QQ==", "c not Base64"},
      {"c=biws,r=abc,p=QQ==,x=y", "proof not last"},
      {"c=biws,r=abc,p=QQ==,p=QQ==", "two proofs"},
      {"c=biws,r=abc,p=", "empty proof"},
      {"c=biws,p=QQ==", "no nonce"},
  };
  for (const MalformedRow& r : rows) EXPECT_FALSE(scram::parse_client_final(r.input)) << r.why;
  auto ext = scram::parse_client_final("c=biws,r=abc,x=1,p=QQ==");
  ASSERT_TRUE(ext) << "extension between nonce and proof";
  EXPECT_EQ(ext->without_proof, "c=biws,r=abc,x=1");
}

TEST(ScramParsers, ServerFinalMalformedTable) {
  const MalformedRow rows[] = {
      {"", "empty"},
      {"v=", "empty verifier"},
      {"v=*", "verifier not Base64"},
      {"x=1", "neither v nor e"},
      {"e=", "empty error"},
      {"vv=abc", "name longer than one letter"},
  };
  for (const MalformedRow& r : rows) EXPECT_FALSE(scram::parse_server_final(r.input)) << r.why;
  EXPECT_EQ(scram::parse_server_final("e=invalid-proof")->error, "invalid-proof");
}

TEST(ScramClient, RefusesBadServerMessages) {
  const MalformedRow rows[] = {
      {"r=other,s=QQ==,i=4096", "nonce not prefixed by ours (SCR-01)"},
      {"m=x,r=%N%,s=QQ==,i=4096", "mandatory extension"},
      {"r=%N%,s=QQ==,i=0", "count 0"},
      {"r=%N%,s=QQ==,i=20000000", "count above the bound"},
  };
  for (const MalformedRow& r : rows) {
    Pair p;
    auto c = find_mechanism("SCRAM-SHA-1")->make_client(p.co);
    const std::string first = c->initial_response().value();
    const std::string nonce = first.substr(first.find("r=") + 2);
    std::string msg(r.input);
    if (auto at = msg.find("%N%"); at != std::string::npos) msg.replace(at, 3, nonce);
    const Step s = c->step(msg);
    EXPECT_EQ(s.kind, Step::Kind::fail) << r.why;
    EXPECT_EQ(s.why, Why::bad_server) << r.why;
  }
  // Exactly the client nonce, no server part.
  Pair p;
  auto c = find_mechanism("SCRAM-SHA-1")->make_client(p.co);
  const std::string first = c->initial_response().value();
  EXPECT_EQ(c->step("r=" + first.substr(first.find("r=") + 2) + ",s=QQ==,i=1").kind, Step::Kind::fail);
}

TEST(ScramClient, RefusesAForgedServerSignature) {
  Pair p;
  auto client = find_mechanism("SCRAM-SHA-256")->make_client(p.co);
  auto server = find_mechanism("SCRAM-SHA-256")->make_server(p.so);
  Step s = server->start(client->initial_response());
  Step c = client->step(s.out);
  s = server->step(c.out);
  ASSERT_EQ(s.kind, Step::Kind::done);
  Bytes sig = codec::base64_decode(s.out.substr(2)).value();
  sig[0] = static_cast<char>(sig[0] ^ 1);
  const Step v = client->step("v=" + codec::base64_encode(sig));
  EXPECT_EQ(v.kind, Step::Kind::fail);
  EXPECT_EQ(v.why, Why::bad_server);
}

TEST(ScramServer, EveryTruncationOfValidMessagesIsHandled) {
  // Each prefix of a valid client-first and client-final: a value, never a crash (ASan).
  Pair p;
  auto client = find_mechanism("SCRAM-SHA-256")->make_client(p.co);
  const Bytes first = client->initial_response().value();
  auto server = find_mechanism("SCRAM-SHA-256")->make_server(p.so);
  const Step s = server->start(first);
  const Step fin = client->step(s.out);
  for (std::size_t n = 0; n < first.size(); ++n) {
    Pair q;
    auto srv = find_mechanism("SCRAM-SHA-256")->make_server(q.so);
    const Step r = srv->start(first.substr(0, n));
    EXPECT_NE(r.kind, Step::Kind::done) << n;
  }
  for (std::size_t n = 0; n < fin.out.size(); ++n) {
    Pair q;
    auto cl = find_mechanism("SCRAM-SHA-256")->make_client(q.co);
    auto srv = find_mechanism("SCRAM-SHA-256")->make_server(q.so);
    const Step a = srv->start(cl->initial_response());
    const Step b = cl->step(a.out);
    const Step r = srv->step(b.out.substr(0, n));
    EXPECT_NE(r.kind, Step::Kind::done) << n;
  }
}

}  // namespace
}  // namespace sah::sasl
