// Reply parser throughput on what an AUTH conformance run mostly reads: a realistic EHLO reply
// followed by a mix of 334 challenges, 235 and 535 finals. Fed whole (one read holds everything)
// and in 7-octet chunks (the worst realistic fragmentation: every line split several times).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/smtp/ehlo.h"
#include "harness/smtp/reply_parser.h"

namespace {

const std::string& session_bytes() {
  static const std::string s = [] {
    std::string out =
        "220 mail.example.com ESMTP ready\r\n"
        "250-mail.example.com Hello client.example.net [192.0.2.7]\r\n"
        "250-PIPELINING\r\n"
        "250-SIZE 35882577\r\n"
        "250-ETRN\r\n"
        "250-STARTTLS\r\n"
        "250-AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256 XOAUTH2 OAUTHBEARER\r\n"
        "250-AUTH=PLAIN LOGIN\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-8BITMIME\r\n"
        "250-DSN\r\n"
        "250-SMTPUTF8\r\n"
        "250 CHUNKING\r\n";
    for (int i = 0; i < 8; ++i) {
      out += "334 VXNlcm5hbWU6\r\n";
      out += "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n";
      out += "334 cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==\r\n";
      out += (i % 2 == 0) ? "235 2.7.0 Authentication successful\r\n"
                          : "535-5.7.8 Username and Password not accepted. Learn more at\r\n"
                            "535 5.7.8  https://support.example.com/mail/?p=BadCredentials\r\n";
    }
    return out;
  }();
  return s;
}

void drain(sah::smtp::ReplyParser& p) {
  while (auto r = p.next()) benchmark::DoNotOptimize(r->code);
}

void BM_ReplyParserWhole(benchmark::State& state) {
  const std::string& in = session_bytes();
  for (auto _ : state) {
    sah::smtp::ReplyParser p;
    p.feed(in);
    drain(p);
    if (p.failed()) state.SkipWithError("parse failed");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(in.size()));
}
BENCHMARK(BM_ReplyParserWhole);

void BM_ReplyParserChunks7(benchmark::State& state) {
  const std::string_view in = session_bytes();
  for (auto _ : state) {
    sah::smtp::ReplyParser p;
    for (std::size_t i = 0; i < in.size(); i += 7) {
      p.feed(in.substr(i, std::min<std::size_t>(7, in.size() - i)));
      drain(p);
    }
    if (p.failed()) state.SkipWithError("parse failed");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(in.size()));
}
BENCHMARK(BM_ReplyParserChunks7);

// Parsing plus building the capability list, as every session setup (S0) does.
void BM_EhloCapabilities(benchmark::State& state) {
  const std::string_view in = session_bytes();
  const std::size_t ehlo_end = in.find("250 CHUNKING\r\n") + 14;
  const std::string_view ehlo = in.substr(0, ehlo_end);
  for (auto _ : state) {
    sah::smtp::ReplyParser p;
    p.feed(ehlo);
    (void)p.next();  // greeting
    auto reply = p.next();
    auto caps = sah::smtp::Capabilities::parse(*reply);
    benchmark::DoNotOptimize(caps.ok());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(ehlo.size()));
}
BENCHMARK(BM_EhloCapabilities);

}  // namespace
