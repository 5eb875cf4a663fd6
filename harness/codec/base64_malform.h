// Malformers: each turns a valid Base64 encoding into one specific invalid variant, for the
// conformance cases (B64-02 … B64-09) and the fuzzers. Every malformer documents which
// B64Error a strict decoder must report for its output; the unit tests hold them to it.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/codec/base64.h"

namespace sah::codec {

struct Base64Malformer {
  std::string_view name;          // stable id used in scenario files, e.g. "bad-char-middle"
  std::string_view description;   // one line for reports
  std::string_view requirement;   // catalogue id it exercises, e.g. "B64-02"
  // The error a strict decoder reports for the malformed text; nullopt for variants that a
  // strict decoder accepts as a *different* value (none today), kept for extension.
  std::optional<B64Error> expected_error;
  // Produces the malformed text from a valid encoding. Returns nullopt when this variant
  // cannot be made from this input (e.g. "missing padding" of an input that has none).
  std::optional<Bytes> (*apply)(std::string_view valid);
};

std::span<const Base64Malformer> base64_malformers();
const Base64Malformer* find_base64_malformer(std::string_view name);

}  // namespace sah::codec
