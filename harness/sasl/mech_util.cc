#include "harness/sasl/mech_util.h"

#include "harness/sasl/crypto.h"

namespace sah::sasl::detail {

Step credentials_rejected() {
  return Step::fail(Why::bad_credentials, "authentication failed");
}

const Account* find_account(const ServerOptions& opts, std::string_view user) {
  if (!opts.lookup) return nullptr;
  return opts.lookup(user);
}

bool password_matches(const Account* account, BytesView presented) {
  // Compare against something of the presented length when the user is unknown, so the work
  // done does not depend on whether the account exists (SEC-02).
  const Bytes dummy(presented.size(), '\0');
  const bool same = crypto::equal_secret(account ? BytesView(account->password) : BytesView(dummy),
                                         presented);
  return account != nullptr && same;
}

bool token_matches(const Account* account, BytesView token) {
  if (account == nullptr || token.empty()) return false;
  bool found = false;
  for (const std::string& t : account->tokens) {
    if (crypto::equal_secret(t, token)) found = true;  // no early exit
  }
  return found;
}

Bytes random_bytes(Random* random, std::size_t n) {
  Bytes out;
  if (random != nullptr) random->fill(out, n);
  return out;
}

bool is_lower_hex(BytesView s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<Bytes> ClientFirstMechanism::initial_response() {
  first_sent_ = true;
  return first_message();
}

Step ClientFirstMechanism::step(BytesView challenge) {
  if (!first_sent_) {
    first_sent_ = true;
    if (!challenge.empty()) {
      return Step::fail(Why::bad_server,
                        "first challenge of a client-first mechanism must be empty (RFC 4422 §5)");
    }
    return Step::respond(first_message());
  }
  return next(challenge);
}

void flip_bit(Bytes& b, std::size_t index) {
  if (index < b.size()) b[index] = static_cast<char>(b[index] ^ 0x01);
}

}  // namespace sah::sasl::detail
