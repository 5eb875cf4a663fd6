#include "harness/sasl/oauth_common.h"

namespace sah::sasl::oauth {
namespace {

bool key_ok(BytesView k, KeySyntax syntax) {
  if (k.empty()) return false;
  if (syntax == KeySyntax::any) return true;
  for (char c : k) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

}  // namespace

std::string describe(std::string_view mechanism, PairError e) {
  std::string text(mechanism);
  switch (e) {
    case PairError::not_closed: return text + " pair not closed by ^A";
    case PairError::not_key_value: return text + " pair is not key=value";
    case PairError::repeated: return text + " key repeated";
  }
  return text + " pair error";
}

std::optional<PairError> read_pairs(BytesView pairs, KeySyntax syntax, std::span<const std::string_view> keys,
                                    std::span<std::optional<BytesView>> values) {
  BytesView rest = pairs;
  while (!rest.empty()) {
    const std::size_t end = rest.find(kSep);
    if (end == BytesView::npos) return PairError::not_closed;
    const BytesView pair = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    const std::size_t eq = pair.find('=');
    if (eq == BytesView::npos || !key_ok(pair.substr(0, eq), syntax)) return PairError::not_key_value;
    const BytesView key = pair.substr(0, eq);
    for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i) {
      if (key != keys[i]) continue;
      if (values[i]) return PairError::repeated;
      values[i] = pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

std::optional<BytesView> bearer_token(BytesView auth) {
  constexpr std::string_view kBearer = "bearer ";
  if (auth.size() <= kBearer.size()) return std::nullopt;
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    char ch = auth[i];
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (ch != kBearer[i]) return std::nullopt;
  }
  return auth.substr(kBearer.size());
}

Step BearerClient::next(BytesView challenge) {
  if (++steps_ == 1 && !challenge.empty()) return Step::respond(Bytes(round_.answer));
  return Step::fail(Why::bad_server, std::string(round_.mechanism) + " server sent an unexpected challenge");
}

Step BearerServer::start(const std::optional<Bytes>& initial) {
  if (!initial) {
    state_ = State::want_message;
    return Step::respond({});
  }
  state_ = State::finished;
  return evaluate(*initial);
}

Step BearerServer::step(BytesView response) {
  switch (state_) {
    case State::want_message:
      state_ = State::finished;
      return evaluate(response);
    case State::error_sent:
      state_ = State::finished;
      if (response != round_.answer) return Step::fail(Why::malformed, std::string(round_.wrong_answer));
      return detail::credentials_rejected();
    case State::finished: break;
  }
  return Step::fail(Why::malformed, std::string(round_.mechanism) + " exchange already finished");
}

Step BearerServer::refuse() {
  state_ = State::error_sent;
  return Step::respond(Bytes(round_.error_json));
}

Step BearerServer::accept(std::string identity) {
  identity_ = std::move(identity);
  return Step::done();
}

}  // namespace sah::sasl::oauth
