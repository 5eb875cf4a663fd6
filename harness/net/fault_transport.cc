#include "harness/net/fault_transport.h"

#include <utility>

namespace sah::net {

FailCount::FailCount(std::size_t n, Event failure) : n_(n), failure_(std::move(failure)) {}

bool FailCount::fail(Event& out) {
  const std::size_t index = count_++;
  if (index < n_) return false;
  out = failure_;
  return true;
}

FaultTransport::FaultTransport(std::unique_ptr<Transport> inner, std::shared_ptr<FailCount> count)
    : inner_(std::move(inner)), count_(std::move(count)) {}

Event FaultTransport::send(BytesView data, std::chrono::milliseconds deadline) {
  Event e;
  if (count_->fail(e)) return e;
  return inner_->send(data, deadline);
}

Event FaultTransport::receive(std::chrono::milliseconds deadline, std::size_t max_bytes) {
  Event e;
  if (count_->fail(e)) return e;
  return inner_->receive(deadline, max_bytes);
}

Event FaultTransport::start_tls(std::chrono::milliseconds deadline) {
  Event e;
  if (count_->fail(e)) return e;
  return inner_->start_tls(deadline);
}

FaultConnector::FaultConnector(std::unique_ptr<Connector> inner, std::shared_ptr<FailCount> count)
    : inner_(std::move(inner)), count_(std::move(count)) {}

std::unique_ptr<Transport> FaultConnector::connect(std::chrono::milliseconds deadline, Event& error) {
  if (count_->fail(error)) return nullptr;
  auto t = inner_->connect(deadline, error);
  if (!t) return nullptr;
  return std::make_unique<FaultTransport>(std::move(t), count_);
}

}  // namespace sah::net
