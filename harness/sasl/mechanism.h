// The SASL mechanism interface, client and server side (after GNU gsasl's vtable, and curl's
// separation of SASL from the protocol that carries it).
//
// Mechanisms are pure state machines: raw bytes in, raw bytes out. They never see Base64,
// SMTP codes, sockets, clocks or global randomness (randomness comes from Options::random).
// SMTP framing (334 / 235 / "*" / "=") lives in smtp_binding.h, in one place.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/random.h"

namespace sah::sasl {

// Why an exchange failed. The server side maps `malformed` to 501 and `bad_credentials` to 535;
// a client side uses `bad_server` when the server's message is malformed or fails verification
// (wrong rspauth, wrong SCRAM server signature), and then cancels with "*".
enum class Why {
  none,
  malformed,        // the peer's message cannot be parsed (gsasl MECHANISM_PARSE_ERROR)
  bad_credentials,  // parsed, but the credentials are wrong (gsasl AUTHENTICATION_ERROR)
  bad_server,       // client side: the server's message is malformed or fails verification
  unsupported,      // a feature the peer asked for is not implemented (e.g. a security layer)
  not_authorized,   // authenticated, but may not act as the requested authorization identity
};

std::string_view to_string(Why why);

// One step of an exchange.
//   respond: send `out` to the peer and wait for its next message.
//   done:    the exchange succeeded. A non-empty `out` is "additional data with success"
//            (SCRAM server-final, DIGEST-MD5 rspauth): over SMTP the server sends it in a 334
//            and waits for an empty response before 235 (RFC 4954 §4).
//   fail:    the exchange failed for `why`; `reason` says what exactly, for reports.
struct Step {
  enum class Kind { respond, done, fail };
  Kind kind = Kind::fail;
  Bytes out;
  Why why = Why::none;
  std::string reason;

  static Step respond(Bytes b) { return {Kind::respond, std::move(b), Why::none, {}}; }
  static Step done(Bytes b = {}) { return {Kind::done, std::move(b), Why::none, {}}; }
  static Step fail(Why w, std::string r) { return {Kind::fail, {}, w, std::move(r)}; }
};

// TLS channel binding data for the -PLUS mechanisms (RFC 5056, RFC 5929, RFC 9266).
struct ChannelBinding {
  std::string type;  // "tls-server-end-point" or "tls-exporter"; empty: no TLS / not offered
  Bytes data;
};

// What a client knows. Fields a mechanism does not use are ignored.
struct ClientOptions {
  std::string authcid;        // user name (authentication identity)
  std::string password;
  std::string authzid;        // authorization identity; empty: act as authcid
  std::string token;          // OAuth 2.0 bearer token (XOAUTH2, OAUTHBEARER)
  std::string host = "localhost";  // server host (DIGEST-MD5 digest-uri, OAUTHBEARER host=)
  std::string service = "smtp";    // DIGEST-MD5 digest-uri service
  std::string workstation;         // NTLM Workstation field (MS-NLMP §2.2.1.3); empty: none
  unsigned port = 0;               // OAUTHBEARER port=, when non-zero
  ChannelBinding channel_binding;  // filled by the transport under TLS
  bool server_supports_plus = false;  // "y" gs2 flag logic for SCRAM without -PLUS
  // A named corruption (see MechanismInfo::corruptions) applied to one step; empty: honest.
  std::string corruption;
  Random* random = nullptr;   // nonces / client challenges; must be set
};

// An account as the server side sees it.
struct Account {
  std::string user;
  std::string password;
  std::vector<std::string> tokens;  // OAuth bearer tokens valid for this user
};

// What a server knows. `lookup` returns nullptr for an unknown user; mechanisms must treat
// an unknown user exactly like a wrong password (same Why, same timing-independent path).
struct ServerOptions {
  std::function<const Account*(std::string_view user)> lookup;
  std::string realm = "localhost";     // DIGEST-MD5 realm, NTLM target name
  std::string host = "localhost";      // DIGEST-MD5 digest-uri host check, OAUTHBEARER host=
  // OAUTHBEARER port= check (RFC 7628 §3.2): the port the server is reached at; 0: unknown.
  unsigned port = 0;
  std::string service = "smtp";
  ChannelBinding channel_binding;      // the binding of the current TLS connection, if any
  bool advertised_plus = false;        // a -PLUS variant is advertised (SCRAM downgrade check)
  bool external_identity_present = false;  // EXTERNAL: a client certificate identity exists
  std::string external_identity;
  unsigned scram_iterations = 4096;
  // SCRAM salt (RFC 5802 §5.1). Empty: a stable salt per user name derived from the realm and
  // the name, the same path for unknown users (SCR-15); set: this salt for every user (tests
  // reproducing the RFC 5802 / RFC 7677 exchanges byte for byte).
  Bytes scram_salt;
  // NTLM MsvAvNbDomainName (MS-NLMP §2.2.2.1); empty: `realm`. TargetName is `realm` and
  // MsvAvNbComputerName is `host`.
  std::string ntlm_domain;
  // Legacy switch, off by default: also accept NTLMv1 responses (24-octet NtChallengeResponse,
  // plain or NTLM2 session response; MS-NLMP §3.3.1). They are crackable offline, so a correct
  // server refuses them (catalogue NTLM-14, a PRACTICE-level failure when accepted); this
  // exists so that v1-only clients (Perl Authen::NTLM in swaks, libntlm in gsasl) can be used
  // for interoperability tests. LM-only responses stay refused either way.
  bool ntlm_accept_v1 = false;
  // Fault switch for negative controls only, off in every correct configuration: SCRAM takes a
  // gs2 flag `p=` without checking it (p= on the bare name, an unknown binding type on -PLUS),
  // which RFC 5802 §6 requires to fail (catalogue SCR-08).
  bool scram_cb_flag_unchecked = false;
  // Fault switch for negative controls only: OAUTHBEARER takes host= and port= without comparing
  // them with `host` and `port`, which RFC 7628 §3.2 requires when the server knows them (OB-07).
  bool oauth_host_port_unchecked = false;
  Random* random = nullptr;            // server nonces and challenges; must be set
};

class ClientMechanism {
 public:
  virtual ~ClientMechanism() = default;
  // The initial response for client-first mechanisms (nullopt for server-first ones).
  // An empty Bytes is an empty initial response, sent as "=" over SMTP.
  virtual std::optional<Bytes> initial_response() = 0;
  // The server's next challenge (decoded) -> the next response, done or fail.
  virtual Step step(BytesView challenge) = 0;
  // True while the mechanism still waits for the server's final message, by which it
  // authenticates the server (SCRAM v=, DIGEST-MD5 rspauth). A 235 arriving then means the
  // server skipped that message (RFC 4954 §4: it travels in a 334; catalogue CONT-08).
  virtual bool awaits_server_final() const { return false; }
};

class ServerMechanism {
 public:
  virtual ~ServerMechanism() = default;
  // Called once. `initial` is the client's initial response, if it sent one.
  // Returns the first challenge (respond), or done / fail when the initial response settles it.
  virtual Step start(const std::optional<Bytes>& initial) = 0;
  // The client's next response (decoded).
  virtual Step step(BytesView response) = 0;
  // After done: the identity the session now acts as (authzid when given and allowed).
  virtual std::string authorized_identity() const = 0;
};

// A named way to get one step wrong on purpose, for the scenario engine.
struct CorruptionInfo {
  std::string_view name;         // e.g. "digest-flip-bit"
  std::string_view description;  // what is changed, in one line
  // What a correct server side answers: malformed, bad_credentials …; `none` marks a tolerated
  // variation (a list with extra blanks, an unknown optional attribute) that a correct server
  // accepts, so the exchange succeeds.
  Why expected_rejection;
};

struct MechanismInfo {
  std::string_view name;       // canonical upper-case name, e.g. "CRAM-MD5"
  bool client_first;           // has an initial response
  bool plaintext_password;     // sends the password recoverably (CAP-07: only under TLS)
  bool needs_channel_binding;  // the -PLUS variants
  std::span<const CorruptionInfo> corruptions;
  std::unique_ptr<ClientMechanism> (*make_client)(const ClientOptions&);
  std::unique_ptr<ServerMechanism> (*make_server)(const ServerOptions&);
};

}  // namespace sah::sasl
