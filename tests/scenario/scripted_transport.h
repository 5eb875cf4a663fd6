// A fake server for interpreter tests: each connection plays a script. Every send the client
// makes releases the next group of events (what the server "answers"); receive() hands the
// released events out one by one and reports a timeout when none is left, at once.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "harness/net/transport.h"

namespace sah::scenario::testing {

struct Script {
  std::deque<std::vector<net::Event>> on_connect;  // per connection: the greeting events
  std::deque<std::vector<net::Event>> on_send;     // per send, in order: the events it releases
  std::vector<Bytes> sent;                         // every send, in order
  std::deque<net::Event> pending;                  // released, not yet received
  bool refuse = false;                             // connect() fails
  bool tls_fails = false;                          // start_tls() fails
  int connections = 0;
  int handshakes = 0;
};

inline std::vector<net::Event> says(std::string text) { return {net::Event::bytes(std::move(text))}; }
inline std::vector<net::Event> silence() { return {}; }
inline std::vector<net::Event> hangs_up() { return {net::Event::closed()}; }

class ScriptedTransport final : public net::Transport {
 public:
  explicit ScriptedTransport(std::shared_ptr<Script> s) : s_(std::move(s)) {}
  net::Event send(BytesView data, std::chrono::milliseconds) override {
    s_->sent.emplace_back(data);
    if (!s_->on_send.empty()) {
      for (auto& e : s_->on_send.front()) s_->pending.push_back(e);
      s_->on_send.pop_front();
    }
    return net::Event::ok();
  }
  net::Event receive(std::chrono::milliseconds, std::size_t max_bytes) override {
    if (s_->pending.empty()) return net::Event::timeout();
    net::Event e = s_->pending.front();
    if (e.kind == net::Event::Kind::data && e.data.size() > max_bytes) {
      s_->pending.front().data.erase(0, max_bytes);
      e.data.resize(max_bytes);
      return e;
    }
    s_->pending.pop_front();
    if (e.kind == net::Event::Kind::closed) s_->pending.push_front(e);  // stays closed
    return e;
  }
  net::Event start_tls(std::chrono::milliseconds) override {
    ++s_->handshakes;
    if (s_->tls_fails) return net::Event::error("scripted handshake failure");
    tls_ = true;
    return net::Event::ok();
  }
  bool is_tls() const override { return tls_; }
  sasl::ChannelBinding channel_binding(std::string_view) const override { return {}; }
  std::string tls_description() const override { return tls_ ? "scripted TLS" : ""; }
  void close() override {}

 private:
  std::shared_ptr<Script> s_;
  bool tls_ = false;
};

class ScriptedConnector final : public net::Connector {
 public:
  explicit ScriptedConnector(std::shared_ptr<Script> s) : s_(std::move(s)) {}
  std::unique_ptr<net::Transport> connect(std::chrono::milliseconds, net::Event& error) override {
    if (s_->refuse) {
      error = net::Event::error("connection refused");
      return nullptr;
    }
    ++s_->connections;
    s_->pending.clear();
    std::vector<net::Event> greeting = {net::Event::bytes("220 scripted ESMTP\r\n")};
    if (!s_->on_connect.empty()) {
      greeting = s_->on_connect.front();
      s_->on_connect.pop_front();
    }
    for (auto& e : greeting) s_->pending.push_back(e);
    return std::make_unique<ScriptedTransport>(s_);
  }
  std::string describe() const override { return "scripted"; }

 private:
  std::shared_ptr<Script> s_;
};

}  // namespace sah::scenario::testing
