// A Transport decorator that writes everything that crosses it into a Transcript: each send
// (client), each received chunk (server lines), TLS start, close, timeouts and errors. The
// masking and bounding happen in the Transcript, so the decorator never stores raw octets.
#pragma once

#include <memory>

#include "harness/net/transcript.h"
#include "harness/net/transport.h"

namespace sah::net {

class RecordingTransport final : public Transport {
 public:
  // `transcript` must outlive the decorator.
  RecordingTransport(std::unique_ptr<Transport> inner, Transcript& transcript);

  Event send(BytesView data, std::chrono::milliseconds deadline) override;
  // The same, with the decoded form of a Base64 client message (a SASL response) for the
  // transcript; `decoded` is masked like everything else. The wire sees only `data`.
  Event send_decoded(BytesView data, BytesView decoded, std::chrono::milliseconds deadline);
  Event receive(std::chrono::milliseconds deadline, std::size_t max_bytes) override;
  Event start_tls(std::chrono::milliseconds deadline) override;
  bool is_tls() const override { return inner_->is_tls(); }
  sasl::ChannelBinding channel_binding(std::string_view type) const override {
    return inner_->channel_binding(type);
  }
  std::string tls_description() const override { return inner_->tls_description(); }
  void close() override;
  void idle(std::chrono::milliseconds elapsed) override { inner_->idle(elapsed); }

  Transcript& transcript() { return transcript_; }
  Transport& inner() { return *inner_; }

 private:
  // Records a send's or start_tls's failure (ok records nothing).
  void record_failure(const Event& e, std::string_view op, std::chrono::milliseconds deadline);

  std::unique_ptr<Transport> inner_;
  Transcript& transcript_;
  bool closed_ = false;
};

}  // namespace sah::net
