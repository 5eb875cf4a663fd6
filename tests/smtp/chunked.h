// Runs an incremental parser over the same input split in every way that matters (Beast's
// parsegrind): whole, one octet at a time, and at every two-way split point. The outcome must
// not depend on the split; the helper reports the first split that differs and returns the
// outcome of the whole-input run for the test's own assertions.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/smtp/line_reader.h"
#include "harness/smtp/reply_parser.h"

namespace sah::smtp {

// Readable gtest output for the types compared below.
inline void PrintTo(const Reply& r, std::ostream* os) {
  *os << "{code=" << r.code << " off=" << r.offset << " size=" << r.wire_size << " lines=[";
  for (std::size_t i = 0; i < r.lines.size(); ++i) *os << (i ? "|" : "") << r.lines[i];
  *os << "] flags=" << r.leniency.to_string();
  if (r.enhanced) *os << " enh=" << r.enhanced->to_string();
  *os << "}";
}
inline void PrintTo(const ReplyFailure& f, std::ostream* os) {
  *os << to_string(f.kind) << "@" << f.offset;
}
inline void PrintTo(const Line& l, std::ostream* os) {
  *os << "{off=" << l.offset << " text=\"" << l.text << "\" bare_lf=" << l.bare_lf
      << " too_long=" << l.too_long << "}";
}
inline bool operator==(const Line& a, const Line& b) {
  return a.text == b.text && a.bare_lf == b.bare_lf && a.too_long == b.too_long && a.offset == b.offset;
}

namespace testing_support {

struct ParseOutcome {
  std::vector<Reply> replies;
  std::optional<ReplyFailure> error;
  std::size_t pending = 0;
  std::size_t offset = 0;
  friend bool operator==(const ParseOutcome&, const ParseOutcome&) = default;
};

inline void PrintTo(const ParseOutcome& o, std::ostream* os) {
  *os << "{replies=[";
  for (const Reply& r : o.replies) sah::smtp::PrintTo(r, os);
  *os << "] error=";
  if (o.error) sah::smtp::PrintTo(*o.error, os); else *os << "none";
  *os << " pending=" << o.pending << " offset=" << o.offset << "}";
}

// Feeds `chunks` in order, then takes every reply.
inline ParseOutcome parse_chunks(const std::vector<std::string_view>& chunks, const ReplyParserOptions& opts) {
  ReplyParser p(opts);
  for (std::string_view c : chunks) p.feed(c);
  ParseOutcome out;
  while (auto r = p.next()) out.replies.push_back(std::move(*r));
  out.error = p.error();
  out.pending = p.pending_bytes();
  out.offset = p.offset();
  return out;
}

inline ParseOutcome parse_all_ways(std::string_view in, const ReplyParserOptions& opts = {}) {
  const ParseOutcome whole = parse_chunks({in}, opts);
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < in.size(); ++i) bytes.push_back(in.substr(i, 1));
  EXPECT_EQ(parse_chunks(bytes, opts), whole) << "fed one octet at a time";
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    const ParseOutcome split = parse_chunks({in.substr(0, cut), in.substr(cut)}, opts);
    if (!(split == whole)) {
      ADD_FAILURE() << "split at " << cut << " differs from the whole-input parse";
      EXPECT_EQ(split, whole);
      break;  // one report per input is enough
    }
  }
  return whole;
}

struct LineOutcome {
  std::vector<Line> lines;
  std::size_t pending = 0;
  std::size_t offset = 0;
  bool operator==(const LineOutcome& o) const {
    return lines == o.lines && pending == o.pending && offset == o.offset;
  }
};

inline void PrintTo(const LineOutcome& o, std::ostream* os) {
  *os << "{lines=[";
  for (const Line& l : o.lines) sah::smtp::PrintTo(l, os);
  *os << "] pending=" << o.pending << " offset=" << o.offset << "}";
}

inline LineOutcome read_chunks(const std::vector<std::string_view>& chunks, LineReader::Options opts) {
  LineReader r(opts);
  for (std::string_view c : chunks) EXPECT_EQ(r.feed(c), c.size());
  LineOutcome out;
  while (auto l = r.next()) out.lines.push_back(std::move(*l));
  out.pending = r.pending();
  out.offset = r.offset();
  return out;
}

inline LineOutcome read_all_ways(std::string_view in, LineReader::Options opts = {}) {
  const LineOutcome whole = read_chunks({in}, opts);
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < in.size(); ++i) bytes.push_back(in.substr(i, 1));
  EXPECT_EQ(read_chunks(bytes, opts), whole) << "fed one octet at a time";
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    const LineOutcome split = read_chunks({in.substr(0, cut), in.substr(cut)}, opts);
    if (!(split == whole)) {
      ADD_FAILURE() << "split at " << cut << " differs from the whole-input read";
      EXPECT_EQ(split, whole);
      break;
    }
  }
  return whole;
}

}  // namespace testing_support
}  // namespace sah::smtp
