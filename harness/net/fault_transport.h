// Failure injection for interpreter tests, after Beast's test::fail_count: a counter shared by
// a connector and its transports fails the Nth operation (0-based, counting connect, send,
// receive and start_tls in call order) and every one after it, with an Event of the test's
// choice. Running a scenario with N = 0, 1, 2 … until it completes without reaching N makes
// every failure path of the interpreter run once.
#pragma once

#include <cstddef>
#include <memory>

#include "harness/net/transport.h"

namespace sah::net {

class FailCount {
 public:
  explicit FailCount(std::size_t n, Event failure = Event::error("injected failure"));

  // Counts one operation. True (and `out` set) when it must fail: the Nth and all later ones.
  bool fail(Event& out);
  std::size_t operations() const { return count_; }
  bool reached() const { return count_ > n_; }

 private:
  std::size_t n_;
  std::size_t count_ = 0;
  Event failure_;
};

class FaultTransport final : public Transport {
 public:
  FaultTransport(std::unique_ptr<Transport> inner, std::shared_ptr<FailCount> count);

  // A failing operation does not reach the inner transport.
  Event send(BytesView data, std::chrono::milliseconds deadline) override;
  Event receive(std::chrono::milliseconds deadline, std::size_t max_bytes) override;
  Event start_tls(std::chrono::milliseconds deadline) override;
  bool is_tls() const override { return inner_->is_tls(); }
  sasl::ChannelBinding channel_binding(std::string_view type) const override {
    return inner_->channel_binding(type);
  }
  std::string tls_description() const override { return inner_->tls_description(); }
  void close() override { inner_->close(); }
  void idle(std::chrono::milliseconds elapsed) override { inner_->idle(elapsed); }

 private:
  std::unique_ptr<Transport> inner_;
  std::shared_ptr<FailCount> count_;
};

class FaultConnector final : public Connector {
 public:
  FaultConnector(std::unique_ptr<Connector> inner, std::shared_ptr<FailCount> count);

  // Counts as an operation; the transports it returns share the counter.
  std::unique_ptr<Transport> connect(std::chrono::milliseconds deadline, Event& error) override;
  std::string describe() const override { return inner_->describe() + " (fault injection)"; }

 private:
  std::unique_ptr<Connector> inner_;
  std::shared_ptr<FailCount> count_;
};

}  // namespace sah::net
