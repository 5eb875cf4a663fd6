#include "harness/scenario/auth_exchange.h"

#include <memory>

#include "harness/codec/base64.h"
#include "harness/sasl/smtp_binding.h"

namespace sah::scenario {

namespace {

namespace binding = sasl::smtp_binding;

class Exchange {
 public:
  Exchange(Connection& conn, net::Transcript& transcript, const AuthPlan& plan)
      : conn_(conn), transcript_(transcript), plan_(plan) {}

  AuthOutcome run();

 private:
  // The wire form of client message `index` (without CRLF), with the step's replacement.
  Result<Bytes, std::string> encode(std::size_t index, BytesView raw, bool initial);
  // Sends a line; false (and out_.final set) when the send failed.
  bool send_line(BytesView line, BytesView decoded);
  bool send_cancel(std::string_view why);
  // Whether message `index` carries the mechanism's octets (its decoded view is worth showing).
  bool plain(std::size_t index) const { return plan_.cancel_step != index && plan_.raw_step != index; }

  Connection& conn_;
  net::Transcript& transcript_;
  const AuthPlan& plan_;
  AuthOutcome out_;
  bool final_next_ = false;  // after a `*` the next reply ends the step, whatever it is
};

Result<Bytes, std::string> Exchange::encode(std::size_t index, BytesView raw, bool initial) {
  if (plan_.cancel_step == index) {
    final_next_ = true;
    return Bytes(binding::kCancel);
  }
  if (plan_.raw_step == index) return plan_.raw_text;
  if (plan_.malform_step == index) {
    if (plan_.malformer == nullptr) return unexpected(std::string("malform= names no known malformer"));
    std::optional<Bytes> bad = plan_.malformer->apply(codec::base64_encode(raw));
    if (!bad)
      return unexpected("malformer " + std::string(plan_.malformer->name) + " cannot apply to client message " +
                        std::to_string(index));
    return *bad;
  }
  return initial ? binding::encode_initial_response(raw) : binding::encode_response(raw);
}

bool Exchange::send_line(BytesView line, BytesView decoded) {
  Bytes wire(line);
  wire += "\r\n";
  if (auto failed = conn_.send(wire, plan_.timeout, decoded)) {
    out_.final = std::move(*failed);
    return false;
  }
  return true;
}

bool Exchange::send_cancel(std::string_view why) {
  transcript_.note(std::string(why) + "; the harness cancels with \"*\"");
  final_next_ = true;
  return send_line(binding::kCancel, {});
}

AuthOutcome Exchange::run() {
  std::unique_ptr<sasl::ClientMechanism> mech = plan_.info->make_client(plan_.client);
  std::optional<Bytes> initial = mech->initial_response();

  bool inline_ir = false;
  if (plan_.initial_response == false) {
    inline_ir = false;
  } else if (plan_.initial_response == true) {
    inline_ir = true;
    if (!initial) {
      // `ir` with a server-first mechanism (SYN-11, SYN-12): its answer to an empty challenge
      // (LOGIN: the user name), or an empty response when it has none.
      if (plan_.raw_step == 0 || plan_.cancel_step == 0) {
        initial = Bytes{};
      } else {
        sasl::Step s = mech->step({});
        initial = s.kind == sasl::Step::Kind::respond ? s.out : Bytes{};
      }
    }
  } else {
    inline_ir = initial && binding::initial_response_inline(plan_.mechanism, initial);
  }
  // A client-first message not sent inline answers the first (empty) 334 (RFC 4954 §4).
  std::optional<Bytes> pending = inline_ir ? std::nullopt : initial;

  std::size_t message = 0;
  Bytes line = Bytes(binding::kAuthVerb) + " " + plan_.mechanism;
  if (inline_ir) {
    auto enc = encode(message++, *initial, true);
    if (!enc.ok()) {
      out_.harness_error = enc.error();
      return std::move(out_);
    }
    line += " " + enc.value();
    out_.responses.push_back(enc.value());
  }
  if (!send_line(line, inline_ir && plain(0) ? BytesView(*initial) : BytesView{})) return std::move(out_);

  for (std::size_t round = 0;; ++round) {
    Observation o = conn_.read_reply(plan_.timeout);
    if (o.kind != Observation::Kind::reply || final_next_ || o.reply.code != binding::kContinueCode) {
      const bool success = o.kind == Observation::Kind::reply && o.reply.code == binding::kSuccessCode;
      if (success && !final_next_ && mech->awaits_server_final()) {
        out_.failure = "235 before the server's final message: the server was never authenticated "
                       "(RFC 4954 §4, CONT-08)";
      }
      out_.final = std::move(o);
      return std::move(out_);
    }
    if (round >= plan_.max_round_trips) {
      out_.final = std::move(o);
      out_.failure = "the exchange did not end after " + std::to_string(plan_.max_round_trips) + " challenges";
      return std::move(out_);
    }
    const std::string_view text = o.reply.lines.empty() ? std::string_view{} : std::string_view(o.reply.lines[0]);
    auto challenge = binding::decode_challenge(text);
    // MS-SMTPNTLM §2.2.1: a server answers "AUTH NTLM" with "334 NTLM supported" (text, not
    // Base64) and then expects the NEGOTIATE_MESSAGE: the prompt of a client-first exchange.
    if (!challenge.ok() && round == 0 && pending && plan_.info->name == "NTLM" && text == "NTLM supported")
      challenge = Bytes{};
    if (!challenge.ok()) {
      // B64-12: a client must cancel an exchange whose challenge it cannot decode.
      const auto& f = challenge.error();
      if (!send_cancel("challenge is not valid Base64 (B64-10): " + std::string(codec::to_string(f.kind)) +
                       " at offset " + std::to_string(f.offset)))
        return std::move(out_);
      continue;
    }
    transcript_.annotate_last_decoded(net::Transcript::Kind::server, challenge.value());
    out_.challenges.push_back(challenge.value());

    Bytes response;
    if (pending) {
      response = std::move(*pending);
      pending.reset();
    } else {
      sasl::Step s = mech->step(challenge.value());
      if (s.kind == sasl::Step::Kind::fail) {
        if (!send_cancel("client mechanism: " + s.reason)) return std::move(out_);
        continue;
      }
      // done: the challenge carried additional data with success, answered by an empty line.
      if (s.kind == sasl::Step::Kind::respond) response = std::move(s.out);
    }
    const std::size_t index = message++;
    auto enc = encode(index, response, false);
    if (!enc.ok()) {
      out_.harness_error = enc.error();
      return std::move(out_);
    }
    out_.responses.push_back(enc.value());
    if (!send_line(enc.value(), plain(index) ? BytesView(response) : BytesView{})) return std::move(out_);
  }
}

}  // namespace

AuthOutcome run_auth_exchange(Connection& conn, net::Transcript& transcript, const AuthPlan& plan) {
  if (plan.info == nullptr) {
    AuthOutcome o;
    o.harness_error = "unknown mechanism " + plan.mechanism;
    return o;
  }
  return Exchange(conn, transcript, plan).run();
}

}  // namespace sah::scenario
