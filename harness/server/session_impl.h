// Private to the server session: the state the Session::Impl files share. The session is split
// by job (core loop and replies, capabilities, AUTH, mail transaction); every change of State
// goes through Impl::transition() (curl's sasl_state(): "the ONLY way to change state").
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/random.h"
#include "harness/sasl/mechanism.h"
#include "harness/server/config.h"
#include "harness/server/session_base64.h"
#include "harness/server/session.h"
#include "harness/smtp/line_reader.h"

namespace sah::server {

// Where the session is in the protocol.
enum class Phase {
  command,          // reading command lines
  auth_exchange,    // a 334 is outstanding: every line is a SASL response or "*" (RFC 4954 §8)
  auth_success_ack, // "additional data with success" sent in a 334; an empty line must follow
  auth_extra_ack,   // fault extra-challenge-after-final: a needless 334 is outstanding
  data,             // reading message text after 354 (RFC 5321 §4.1.1.4)
  chunk,            // reading the octets of a BDAT chunk: message data, not lines (RFC 3030 §2)
  tls_pending,      // 220 to STARTTLS sent; input is discarded until the handshake (RFC 3207 §4.2)
  closed,           // QUIT, 421 or a limit: nothing more is read or written
  hung,             // fault switch: stop answering
};

std::string_view to_string(Phase p);

enum class Greeting { none, helo, ehlo };

// Everything the protocol state consists of; changed only by Impl::transition().
struct State {
  Phase phase = Phase::command;
  Greeting greeting = Greeting::none;
  bool tls = false;
  bool authenticated = false;
  std::string identity;       // authorized identity after 235
  bool anonymous = false;     // authenticated through ANONYMOUS: grants nothing (RFC 4505 §5)
  bool in_transaction = false;  // MAIL accepted (RFC 5321 §3.3)
  std::size_t recipients = 0;
  bool chunked = false;         // BDAT used in this transaction: DATA is then refused (RFC 3030 §2)
  bool failed_auth_seen = false;  // fault mail-after-failed-auth only
  bool mail_seen = false;         // fault auth-after-transaction-refused only
};

// A running SASL exchange.
// Members are destroyed in reverse order: the mechanism first, then what it may point to.
struct AuthExchange {
  const sasl::MechanismInfo* info = nullptr;
  std::unique_ptr<Random> fixed_random;  // faults *-static-*: same "randomness" every time
  sasl::ServerOptions options;
  Bytes last_challenge;        // raw octets of the last 334 (cancel-ignored resends it)
  Bytes last_response;         // decoded octets of the last client message (password-echo)
  std::string last_user;       // the last user name the mechanism looked up
  bool last_user_found = false;
  unsigned responses = 0;      // client messages handed to the mechanism so far
  std::string pending_identity;  // for auth_success_ack / auth_extra_ack
  std::unique_ptr<sasl::ServerMechanism> mech;
};

struct Session::Impl {
  Impl(const Config& c, Random& r);

  const Config& config;
  Random& random;

  State state;
  std::vector<std::string> trace;  // bounded log of transitions, for debugging and tests
  Bytes out;
  mutable Action action = Action::none;
  bool started = false;
  smtp::LineReader reader;
  bool input_dropped = false;  // reset_reader() ran: receive() drops the rest of its input
  std::size_t lines_handled = 0;  // lines taken from the reader (fault early-lines-dropped)

  // TLS facts given by the I/O layer.
  sasl::ChannelBinding binding_end_point;
  sasl::ChannelBinding binding_exporter;
  std::string client_identity;
  // EXTERNAL's identity: the client certificate's, else the configured lower-layer one.
  const std::string& external_identity() const {
    return client_identity.empty() ? config.external_identity : client_identity;
  }

  // Counters for the limits (LIM, SEC-04).
  unsigned auth_failures = 0;
  unsigned bad_commands = 0;
  bool swallow_next_noop = false;  // fault no-reply-to-noop-after-auth

  std::optional<AuthExchange> exchange;  // the running SASL exchange

  // Message being received (DATA).
  std::size_t message_size = 0;
  bool message_too_big = false;
  bool message_line_too_long = false;
  // BDAT chunk being read (RFC 3030 §2): octets still to come, whether it ends the message,
  // and the reply owed once it is read (0: accept it).
  std::uint64_t chunk_remaining = 0;
  bool chunk_last = false;
  int chunk_error = 0;

  // --- core: loop, dispatch, replies, transition (session.cc) ---
  bool fault(std::string_view name) const;
  void transition(State next, std::string_view why);
  void reply(int code, std::string_view enhanced, std::string_view text);
  void reply_lines(int code, const std::vector<std::string>& lines);  // multi-line, no enhanced
  void raw(std::string_view line);  // one reply line as is (CRLF added)
  void close_with(int code, std::string_view enhanced, std::string_view text);
  void process_lines();
  void handle_line(const smtp::Line& line);
  void handle_command(const smtp::Line& line);
  void bad_command(int code, std::string_view enhanced, std::string_view text);
  void reset_reader();

  // --- simple commands (session_commands.cc) ---
  void cmd_noop();
  void cmd_rset(bool has_args);
  void cmd_quit(bool has_args);
  void cmd_vrfy(std::string_view args);
  void cmd_starttls(bool has_args);

  // --- capabilities (session_caps.cc) ---
  std::vector<const sasl::MechanismInfo*> offered_mechanisms() const;
  bool usable_now(const sasl::MechanismInfo& m) const;
  bool needs_tls_for_credentials(const sasl::MechanismInfo& m) const;
  std::vector<std::string> extension_lines() const;
  void cmd_ehlo(std::string_view arg);
  void cmd_helo(std::string_view arg);

  // --- AUTH (session_auth.cc: command and lines; session_auth_outcome.cc: step outcomes) ---
  B64Leniency leniency() const;
  void cmd_auth(std::string_view args);
  void auth_line(const smtp::Line& line);
  void auth_step_result(sasl::Step step);
  void auth_succeeded(std::string identity);
  void auth_failed(int code, std::string_view enhanced, std::string_view text, bool counts);
  void auth_failed_why(sasl::Why why);
  void send_challenge(BytesView raw);
  // Fault switches acting on SASL messages (session_fault_messages.cc); each does nothing
  // unless its fault is on. True / the original data when the fault does not apply.
  bool fault_refuses_client_message(BytesView data);  // replied and ended the exchange
  Bytes fault_rewrites_client_message(Bytes data) const;
  bool fault_trusts_digest_reauthentication(const std::optional<std::string_view>& ir_text);  // replied 235
  Bytes fault_damages_challenge(Bytes challenge) const;
  void end_exchange(State next, std::string_view why);

  // --- mail transaction (session_mail.cc) ---
  void cmd_mail(std::string_view args, std::size_t line_size);
  void cmd_rcpt(std::string_view args);
  void cmd_data(bool has_args);
  void data_line(const smtp::Line& line);

  // --- CHUNKING (session_chunking.cc) ---
  void cmd_bdat(std::string_view args);
  BytesView chunk_octets(BytesView in);  // consumes chunk octets, returns what follows
  void chunk_done();
};

// SCRAM-SHA-1, SCRAM-SHA-256 and their -PLUS variants.
bool is_scram(std::string_view name);

// Case-insensitive ASCII comparison and upper-casing for verbs and keywords (RFC 5321 §2.4).
bool iequals(std::string_view a, std::string_view b);
std::string upper(std::string_view s);
std::string lower(std::string_view s);

}  // namespace sah::server
