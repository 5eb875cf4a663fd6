#include "harness/net/recording_transport.h"

#include <string>
#include <utility>

namespace sah::net {

namespace {

std::string within(std::chrono::milliseconds d) { return " within " + std::to_string(d.count()) + " ms"; }

}  // namespace

RecordingTransport::RecordingTransport(std::unique_ptr<Transport> inner, Transcript& transcript)
    : inner_(std::move(inner)), transcript_(transcript) {}

void RecordingTransport::record_failure(const Event& e, std::string_view op, std::chrono::milliseconds deadline) {
  switch (e.kind) {
    case Event::Kind::data: return;
    case Event::Kind::closed: transcript_.closed(std::string(op) + ": connection closed by the server"); return;
    case Event::Kind::timeout: transcript_.timeout(std::string(op) + " did not finish" + within(deadline)); return;
    case Event::Kind::error: transcript_.error(e.what); return;
  }
}

Event RecordingTransport::send(BytesView data, std::chrono::milliseconds deadline) {
  return send_decoded(data, {}, deadline);
}

Event RecordingTransport::send_decoded(BytesView data, BytesView decoded, std::chrono::milliseconds deadline) {
  // Recorded before sending: the client wrote it even if the peer never takes it.
  transcript_.client(data, decoded);
  Event e = inner_->send(data, deadline);
  record_failure(e, "send", deadline);
  return e;
}

Event RecordingTransport::receive(std::chrono::milliseconds deadline, std::size_t max_bytes) {
  Event e = inner_->receive(deadline, max_bytes);
  switch (e.kind) {
    case Event::Kind::data: transcript_.server(e.data); break;
    case Event::Kind::closed: transcript_.closed("connection closed by the server"); break;
    case Event::Kind::timeout: transcript_.timeout("no data from the server" + within(deadline)); break;
    case Event::Kind::error: transcript_.error(e.what); break;
  }
  return e;
}

Event RecordingTransport::start_tls(std::chrono::milliseconds deadline) {
  Event e = inner_->start_tls(deadline);
  if (e.is_ok()) transcript_.tls("TLS established: " + inner_->tls_description());
  else record_failure(e, "TLS handshake", deadline);
  return e;
}

void RecordingTransport::close() {
  if (closed_) return;
  closed_ = true;
  inner_->close();
  transcript_.closed("connection closed by the harness");
}

}  // namespace sah::net
