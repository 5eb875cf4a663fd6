#include "harness/codec/secret_mask.h"

#include <algorithm>
#include <cctype>

#include "harness/codec/base64.h"

namespace sah::codec {

std::vector<std::string> base64_forms(std::string_view secret) {
  std::vector<std::string> forms;
  for (std::size_t lead = 0; lead < 3; ++lead) {
    // `lead` unknown octets before the secret: the first characters mix them in, so skip the
    // characters that cover them; the last group mixes in what follows (or padding), so cut
    // at the last character wholly made of secret bits.
    const Bytes enc = base64_encode(Bytes(lead, '\0') + Bytes(secret));
    const std::size_t first_bit = lead * 8;
    const std::size_t end_bit = (lead + secret.size()) * 8;
    const std::size_t first_char = (first_bit + 5) / 6;  // first char starting at/after the secret
    const std::size_t end_char = end_bit / 6;            // chars wholly inside the secret
    if (end_char > first_char + 1) forms.push_back(enc.substr(first_char, end_char - first_char));
  }
  return forms;
}

bool SecretMasker::add(std::string_view secret) {
  if (secret.size() < 3) return false;
  std::vector<std::string> forms = {std::string(secret), hex_encode(secret)};
  std::string upper = hex_encode(secret);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  forms.push_back(upper);
  for (auto& f : base64_forms(secret)) forms.push_back(std::move(f));
  for (auto& f : forms)
    if (std::find(needles_.begin(), needles_.end(), f) == needles_.end()) needles_.push_back(std::move(f));
  std::stable_sort(needles_.begin(), needles_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return true;
}

std::string SecretMasker::mask(std::string_view text) const {
  std::string out(text);
  for (const auto& n : needles_) {
    std::size_t pos = 0;
    while ((pos = out.find(n, pos)) != std::string::npos) {
      out.replace(pos, n.size(), kMask);
      pos += kMask.size();
    }
  }
  return out;
}

bool SecretMasker::leaks(std::string_view text) const {
  return std::any_of(needles_.begin(), needles_.end(),
                     [&](const auto& n) { return text.find(n) != std::string_view::npos; });
}

}  // namespace sah::codec
