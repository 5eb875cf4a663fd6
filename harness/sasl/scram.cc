// SCRAM-SHA-1, SCRAM-SHA-256 (RFC 5802, RFC 7677) and their -PLUS forms with channel binding
// (RFC 5802 §6; tls-server-end-point RFC 5929 §4, tls-exporter RFC 9266 §2). Client-first:
//   C: gs2-header client-first-message-bare       (initial response, or after an empty 334)
//   S: server-first-message                       r=cnonce+snonce,s=salt,i=count
//   C: client-final-message                       c=b64(gs2-header[+cb-data]),r=…,p=proof
//   S: server-final-message as success data       v=ServerSignature (a 334, then C: empty, 235)
// On a failed verification the server sends `e=<server-error-value>` (RFC 5802 §7) as its
// server-final-message; over SMTP that travels in a 334 and the client's answer (empty or "*")
// is then refused (SCR-04). Both sides mark such a step: kind respond with `why` set (the
// server's e= challenge, the client's empty answer to it). Messages that cannot be parsed are
// refused at once (501).
#include <array>
#include <memory>

#include "harness/codec/base64.h"
#include "harness/sasl/crypto.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"
#include "harness/sasl/saslprep.h"
#include "harness/sasl/scram_messages.h"

namespace sah::sasl {
namespace {

using crypto::Digest;

constexpr std::size_t kClientNonceChars = 24;  // the length of RFC 5802 §5's client nonce
constexpr std::size_t kServerNonceChars = 18;  // and of its server part (about 117 bits)
constexpr std::size_t kSaltOctets = 16;

// Corruptions for both forms, then those that only make sense for the bare or the -PLUS name.
#define SAH_SCRAM_COMMON_CORRUPTIONS \
    CorruptionInfo{"wrong-password", "proof computed from the password plus 'x' (SCR-04)", Why::bad_credentials}, \
    CorruptionInfo{"unknown-user", "a user name that does not exist (SCR-15)", Why::bad_credentials}, \
    CorruptionInfo{"proof-flip-bit", "one bit of the decoded ClientProof flipped (SCR-14)", Why::bad_credentials}, \
    CorruptionInfo{"nonce-not-prefixed", "client-final r= does not start with the client nonce, proof over it (SCR-12)", Why::bad_credentials}, \
    CorruptionInfo{"nonce-changed", "last nonce character changed in client-final, proof over it (SCR-12)", Why::bad_credentials}, \
    CorruptionInfo{"c-attr-wrong", "client-final c= names another gs2 header than client-first sent (`y,,` for `n,,` or the reverse), proof over it (SCR-13)", Why::bad_credentials}, \
    CorruptionInfo{"channel-binding-mismatch", "one bit of the channel binding data flipped in c= (SCR-16)", Why::bad_credentials}, \
    CorruptionInfo{"authzid-other-user", "a=<another user> in the gs2 header (SCR-17)", Why::not_authorized}, \
    CorruptionInfo{"bad-gs2-header", "gs2 flag `x` (SCR-05)", Why::malformed}, \
    CorruptionInfo{"empty-gs2-flag", "gs2 header `,,` without a flag (SCR-05)", Why::malformed}, \
    CorruptionInfo{"bad-username-escape", "`=41` inside n=username (SCR-09)", Why::malformed}, \
    CorruptionInfo{"missing-proof", "client-final without p= (SCR-14)", Why::malformed}, \
    CorruptionInfo{"proof-bad-base64", "p= value that is not Base64 (SCR-14)", Why::malformed}, \
    CorruptionInfo{"proof-truncated", "p= decoding to one octet less than the hash (SCR-14)", Why::malformed}, \
    CorruptionInfo{"extra-attribute-order", "client-final with r= before c= (RFC 5802 §7 order)", Why::malformed}, \
    CorruptionInfo{"oversized-nonce", "client nonce of 9000 characters (message bound)", Why::malformed}, \
    CorruptionInfo{"mandatory-extension", "m=ext before n= in client-first (SCR-10)", Why::unsupported}, \
    CorruptionInfo{"unknown-attribute", "client-first with an unknown optional attribute x=foo after the nonce, in the AuthMessage too (SCR-11): a variation a correct server accepts", Why::none},

constexpr std::array kCorruptionsBare = {
    SAH_SCRAM_COMMON_CORRUPTIONS
    CorruptionInfo{"downgrade-y-flag", "gs2 flag `y` although -PLUS is advertised (SCR-06)", Why::bad_credentials},
    CorruptionInfo{"p-flag-on-bare-mechanism", "p=tls-unique sent with the bare name (SCR-08)", Why::unsupported},
};
constexpr std::array kCorruptionsPlus = {
    SAH_SCRAM_COMMON_CORRUPTIONS
    CorruptionInfo{"cb-type-unsupported", "-PLUS with p=no-such-cb (SCR-08)", Why::unsupported},
    CorruptionInfo{"plus-without-binding", "-PLUS with gs2 flag `n` (RFC 5802 §6)", Why::malformed},
};
#undef SAH_SCRAM_COMMON_CORRUPTIONS

// Nonce characters: printable ASCII except ',' (RFC 5802 §7 `printable`), one random octet each.
std::string random_printable(Random* random, std::size_t n) {
  static constexpr std::string_view kAlphabet =
      "!\"#$%&'()*+-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  const Bytes r = detail::random_bytes(random, n);
  std::string out;
  for (char c : r) out += kAlphabet[static_cast<unsigned char>(c) % kAlphabet.size()];
  return out;
}

// RFC 5802 §2.2 Normalize(): SASLprep as a query string. A string this implementation cannot
// prepare (saslprep.h lists what is not covered) is used as it is, which is also what the
// RFC's ASCII-only fallback amounts to for ASCII.
std::string prepared(std::string_view s) {
  auto p = saslprep::prepare(s, saslprep::Mode::query);
  return p ? std::move(p).value() : std::string(s);
}

struct Variant {
  std::string_view name;
  Digest digest;
  bool plus;
};

class ScramClient final : public detail::ClientFirstMechanism {
 public:
  ScramClient(const ClientOptions& o, Variant v) : o_(o), v_(v) {}

 protected:
  Bytes first_message() override {
    const std::string& c = o_.corruption;
    // RFC 5802 §6: p=<type> with -PLUS; "y" when the client could bind but the server does not
    // seem to offer -PLUS; "n" otherwise.
    std::string flag = "n";
    if (v_.plus) {
      flag = "p=" + (o_.channel_binding.type.empty() ? std::string("tls-exporter") : o_.channel_binding.type);
    } else if (!o_.channel_binding.type.empty() && !o_.server_supports_plus) {
      flag = "y";
    }
    if (c == "downgrade-y-flag") flag = "y";
    if (c == "cb-type-unsupported") flag = "p=no-such-cb";
    if (c == "p-flag-on-bare-mechanism") flag = "p=tls-unique";
    if (c == "plus-without-binding") flag = "n";
    if (c == "bad-gs2-header") flag = "x";
    if (c == "empty-gs2-flag") flag = "";
    std::string authzid = o_.authzid;
    if (c == "authzid-other-user") authzid = o_.authcid + ".other";
    gs2_ = flag + "," + (authzid.empty() ? "" : "a=" + scram::escape_name(prepared(authzid))) + ",";
    std::string user = scram::escape_name(prepared(o_.authcid));
    if (c == "unknown-user") user += ".nosuchuser";
    if (c == "bad-username-escape") user.insert(user.size() / 2, "=41");
    nonce_ = random_printable(o_.random, kClientNonceChars);
    if (c == "oversized-nonce") nonce_ += std::string(9000, 'n');
    bare_ = (c == "mandatory-extension" ? "m=ext," : "") + std::string("n=") + user + ",r=" + nonce_;
    // RFC 5802 §7: extensions follow the nonce; one the server does not know must be ignored,
    // and as part of client-first-message-bare it enters the AuthMessage (SCR-11).
    if (c == "unknown-attribute") bare_ += ",x=foo";
    return gs2_ + bare_;
  }

  bool awaits_server_final() const override { return steps_ == 1; }

  Step next(BytesView challenge) override {
    switch (++steps_) {
      case 1: return answer_server_first(challenge);
      case 2: return check_server_final(challenge);
      default: return Step::fail(Why::bad_server, "SCRAM server sent a message after server-final");
    }
  }

 private:
  static Step bad(std::string why) { return Step::fail(Why::bad_server, std::move(why)); }

  Step answer_server_first(BytesView challenge) {
    if (o_.random == nullptr) return Step::fail(Why::unsupported, "no random source configured");
    if (v_.plus && o_.channel_binding.type.empty()) {
      return Step::fail(Why::unsupported, "-PLUS needs channel binding data (TLS)");
    }
    auto sf = scram::parse_server_first(challenge);
    if (!sf) {
      return bad("SCRAM server-first: " + std::string(sf.error().what) + " at offset " +
                 std::to_string(sf.error().offset));
    }
    if (sf->mandatory_extension) return bad("SCRAM server-first carries m= (RFC 5802 §5.1)");
    // RFC 5802 §5.1: the server's nonce starts with ours and adds at least one character.
    if (sf->nonce.size() <= nonce_.size() || sf->nonce.compare(0, nonce_.size(), nonce_) != 0) {
      return bad("SCRAM server nonce does not extend the client nonce (SCR-01)");
    }
    const std::string& c = o_.corruption;
    std::string password = prepared(o_.password);
    if (c == "wrong-password") password += 'x';
    const auto keys = scram::derive_keys(v_.digest, password, sf->salt, static_cast<unsigned>(sf->iterations));
    if (keys.salted_password.empty()) return Step::fail(Why::unsupported, "PBKDF2 unavailable");

    // c= is the gs2 header followed, for -PLUS, by the binding data (RFC 5802 §7 cbind-input).
    Bytes cbind = gs2_;
    if (v_.plus) cbind += o_.channel_binding.data;
    // A gs2 header other than the one sent: `y,,` after `n,,`, and `n,,` after `y,,` (a client
    // that sends `y` because the server offers no -PLUS).
    if (c == "c-attr-wrong") cbind = gs2_.rfind("y,", 0) == 0 ? "n,," : "y,,";
    if (c == "channel-binding-mismatch") {
      if (v_.plus && !o_.channel_binding.data.empty()) {
        detail::flip_bit(cbind, gs2_.size());
      } else {
        cbind += '\x01';
      }
    }
    std::string nonce = sf->nonce;
    if (c == "nonce-not-prefixed") nonce[0] = nonce[0] == 'A' ? 'B' : 'A';
    if (c == "nonce-changed") nonce.back() = nonce.back() == 'A' ? 'B' : 'A';
    const std::string cattr = "c=" + codec::base64_encode(cbind);
    const std::string without_proof = c == "extra-attribute-order" ? "r=" + nonce + "," + cattr : cattr + ",r=" + nonce;
    const std::string auth_message = bare_ + "," + std::string(challenge) + "," + without_proof;
    Bytes proof = scram::client_proof(v_.digest, keys, auth_message);
    expected_signature_ = scram::server_signature(v_.digest, keys, auth_message);
    if (c == "proof-flip-bit") detail::flip_bit(proof, 0);
    if (c == "proof-truncated") proof.pop_back();
    std::string pattr = ",p=" + codec::base64_encode(proof);
    if (c == "proof-bad-base64") pattr = ",p=*not-base64*";
    if (c == "missing-proof") pattr.clear();
    return Step::respond(without_proof + pattr);
  }

  Step check_server_final(BytesView challenge) {
    auto sf = scram::parse_server_final(challenge);
    if (!sf) return bad("SCRAM server-final: " + std::string(sf.error().what));
    if (sf->error) {
      // The server refused us and said why (RFC 5802 §7 server-error-value). Over SMTP the e=
      // came in a 334 that still wants an answer: the empty line (RFC 4422 §5), after which the
      // server's 535 ends the exchange (SCR-04). The failure rides along in why/reason.
      Step s = Step::respond({});
      s.why = Why::bad_credentials;
      s.reason = "SCRAM server-error: " + sf->error->substr(0, 64);
      return s;
    }
    if (!crypto::equal_secret(sf->verifier, expected_signature_)) {
      return bad("SCRAM server signature does not verify (SCR-03)");
    }
    // Verified: over SMTP the caller answers the 334 with an empty line and expects 235.
    return Step::done();
  }

  ClientOptions o_;
  Variant v_;
  std::string gs2_;
  std::string bare_;
  std::string nonce_;
  Bytes expected_signature_;
  int steps_ = 0;
};

class ScramServer final : public ServerMechanism {
 public:
  ScramServer(const ServerOptions& o, Variant v) : o_(o), v_(v) {}

  Step start(const std::optional<Bytes>& initial) override {
    if (o_.random == nullptr) return finish(Step::fail(Why::unsupported, "no random source configured"));
    if (!initial) {
      state_ = State::want_client_first;
      return Step::respond({});  // RFC 4422 §5 2a: empty challenge, then the client-first
    }
    return client_first(*initial);
  }

  Step step(BytesView response) override {
    switch (state_) {
      case State::want_client_first: return client_first(response);
      case State::want_client_final: return client_final(response);
      case State::error_sent:
        // Whatever the client answers to e=…, the exchange has failed (SCR-04).
        return finish(Step::fail(pending_why_, pending_reason_));
      case State::finished: break;
    }
    return Step::fail(Why::malformed, "SCRAM exchange already finished");
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  enum class State { want_client_first, want_client_final, error_sent, finished };

  Step finish(Step s) {
    state_ = State::finished;
    return s;
  }
  Step malformed(std::string why) { return finish(Step::fail(Why::malformed, std::move(why))); }
  // A verification failure after the client-final: server-final `e=value`, refusal after it.
  Step server_error(std::string_view value, Why why, std::string reason) {
    state_ = State::error_sent;
    pending_why_ = why;
    pending_reason_ = std::move(reason);
    Step s = Step::respond("e=" + std::string(value));
    s.why = why;  // a hint for callers: this challenge carries a failure
    s.reason = pending_reason_;
    return s;
  }

  Bytes salt_for(std::string_view user) const {
    if (!o_.scram_salt.empty()) return o_.scram_salt;
    // Stable per name and identical in shape for unknown users (SCR-15): nothing about the
    // answer depends on whether the account exists.
    return crypto::hmac(Digest::sha256, "SCRAM salt/" + o_.realm, user).substr(0, kSaltOctets);
  }

  Step client_first(BytesView m) {
    auto cf = scram::parse_client_first(m);
    if (!cf) {
      return malformed("SCRAM client-first: " + std::string(cf.error().what) + " at offset " +
                       std::to_string(cf.error().offset));
    }
    if (cf->mandatory_extension) {
      return finish(Step::fail(Why::unsupported, "SCRAM m= extension not supported (extensions-not-supported)"));
    }
    const scram::Gs2Header& g = cf->gs2;
    if (o_.scram_cb_flag_unchecked && g.flag == 'p') {
      // Negative-control switch: the flag is taken as it comes; c= is still compared below.
    } else if (v_.plus) {
      if (g.flag != 'p') return malformed("SCRAM -PLUS without p= channel binding flag (RFC 5802 §6)");
      if (o_.channel_binding.type.empty() || g.cb_name != o_.channel_binding.type) {
        return finish(Step::fail(Why::unsupported, "unsupported-channel-binding-type"));
      }
    } else {
      if (g.flag == 'p') return finish(Step::fail(Why::unsupported, "channel-binding-not-supported"));
      // RFC 5802 §6: "y" means the client could bind and thinks we cannot; if we advertise -PLUS,
      // that is a downgrade (SCR-06).
      if (g.flag == 'y' && o_.advertised_plus) {
        return finish(Step::fail(Why::bad_credentials, "server-does-support-channel-binding"));
      }
    }
    gs2_raw_ = g.raw;
    authzid_ = g.authzid;
    // RFC 5802 §5.1: the name is prepared with SASLprep before the lookup (SCR-18).
    user_ = prepared(cf->username);
    const Account* account = detail::find_account(o_, user_);
    account_found_ = account != nullptr;
    const std::string password = account ? prepared(account->password) : std::string("\x01unknown-user");
    const Bytes salt = salt_for(user_);
    // Keys are derived for unknown users too: the same work, the same answer (SEC-02).
    keys_ = scram::derive_keys(v_.digest, password, salt, o_.scram_iterations);
    if (keys_.stored_key.empty()) return finish(Step::fail(Why::unsupported, "PBKDF2 unavailable"));
    nonce_ = cf->nonce + random_printable(o_.random, kServerNonceChars);
    server_first_ = "r=" + nonce_ + ",s=" + codec::base64_encode(salt) + ",i=" + std::to_string(o_.scram_iterations);
    client_first_bare_ = cf->bare;
    state_ = State::want_client_final;
    return Step::respond(server_first_);
  }

  Step client_final(BytesView m) {
    auto cf = scram::parse_client_final(m);
    if (!cf) {
      return malformed("SCRAM client-final: " + std::string(cf.error().what) + " at offset " +
                       std::to_string(cf.error().offset));
    }
    if (cf->proof.size() != crypto::digest_size(v_.digest)) {
      return malformed("SCRAM proof has the wrong length (invalid-encoding)");
    }
    // RFC 5802 §6: c= must be exactly the gs2 header (+ this connection's binding data).
    Bytes expected_cb = gs2_raw_;
    if (v_.plus) expected_cb += o_.channel_binding.data;
    const bool cb_ok = crypto::equal_secret(cf->channel_binding, expected_cb);
    const bool nonce_ok = cf->nonce == nonce_;
    const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + cf->without_proof;
    const Bytes signature = crypto::hmac(v_.digest, keys_.stored_key, auth_message);
    const Bytes client_key = crypto::xor_bytes(cf->proof, signature);
    const bool proof_ok = crypto::equal_secret(crypto::hash(v_.digest, client_key), keys_.stored_key);
    if (!cb_ok) return server_error("channel-bindings-dont-match", Why::bad_credentials, "SCRAM channel binding mismatch");
    if (!nonce_ok) return server_error("other-error", Why::bad_credentials, "SCRAM nonce differs from server-first");
    if (!proof_ok || !account_found_) return server_error("invalid-proof", Why::bad_credentials, "authentication failed");
    // RFC 5802 §5.1: an authorization identity other than the user's own is refused.
    if (!authzid_.empty() && prepared(authzid_) != user_) {
      return finish(Step::fail(Why::not_authorized, "authenticated user may not act as the requested authzid"));
    }
    identity_ = user_;
    state_ = State::finished;
    return Step::done("v=" + codec::base64_encode(scram::server_signature(v_.digest, keys_, auth_message)));
  }

  ServerOptions o_;
  Variant v_;
  State state_ = State::want_client_first;
  std::string gs2_raw_;
  std::string authzid_;
  std::string user_;
  bool account_found_ = false;
  scram::Keys keys_;
  std::string nonce_;
  std::string server_first_;
  std::string client_first_bare_;
  std::string identity_;
  Why pending_why_ = Why::bad_credentials;
  std::string pending_reason_;
};

template <const Variant& V>
std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) {
  return std::make_unique<ScramClient>(o, V);
}
template <const Variant& V>
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) {
  return std::make_unique<ScramServer>(o, V);
}

constexpr Variant kSha1{"SCRAM-SHA-1", Digest::sha1, false};
constexpr Variant kSha1Plus{"SCRAM-SHA-1-PLUS", Digest::sha1, true};
constexpr Variant kSha256{"SCRAM-SHA-256", Digest::sha256, false};
constexpr Variant kSha256Plus{"SCRAM-SHA-256-PLUS", Digest::sha256, true};

}  // namespace

const MechanismInfo& scram_sha1_mechanism() {
  static const MechanismInfo info{kSha1.name, true, false, false, kCorruptionsBare, &make_client<kSha1>, &make_server<kSha1>};
  return info;
}
const MechanismInfo& scram_sha1_plus_mechanism() {
  static const MechanismInfo info{kSha1Plus.name, true, false, true, kCorruptionsPlus, &make_client<kSha1Plus>, &make_server<kSha1Plus>};
  return info;
}
const MechanismInfo& scram_sha256_mechanism() {
  static const MechanismInfo info{kSha256.name, true, false, false, kCorruptionsBare, &make_client<kSha256>, &make_server<kSha256>};
  return info;
}
const MechanismInfo& scram_sha256_plus_mechanism() {
  static const MechanismInfo info{kSha256Plus.name, true, false, true, kCorruptionsPlus, &make_client<kSha256Plus>, &make_server<kSha256Plus>};
  return info;
}

}  // namespace sah::sasl
