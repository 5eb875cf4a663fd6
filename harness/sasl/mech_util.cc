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

bool valid_utf8(BytesView s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3;
      lo = 0xA0;  // overlong
    } else if (c == 0xED) {
      len = 3;
      hi = 0x9F;  // surrogates
    } else if (c >= 0xE1 && c <= 0xEF) {
      len = 3;
    } else if (c == 0xF0) {
      len = 4;
      lo = 0x90;  // overlong
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4;
      hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // 0x80..0xC1 (continuation / overlong lead), 0xF5..0xFF
    }
    if (n - i < len) return false;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if (cc < 0x80 || cc > 0xBF) return false;
    }
    i += len;
  }
  return true;
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
