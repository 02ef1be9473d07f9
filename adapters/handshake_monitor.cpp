#include "adapters/handshake_monitor.hpp"
#include "adapters/interruptible_poll.hpp"

#include <cstring>

namespace hems::adapters {

handshake_monitor::handshake_monitor(zmq::context_t& ctx, metrics_registry& metrics)
  : ctx_(ctx), metrics_(metrics) {}

handshake_monitor::~handshake_monitor() { stop(); }

void handshake_monitor::watch(zmq::socket_t& socket, const std::string& name) {
  auto endpoint = "inproc://hems-monitor-" + name;
  zmq_socket_monitor(socket.handle(), endpoint.c_str(),
                     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                       ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  zmq::socket_t monitor{ctx_, zmq::socket_type::pair};
  monitor.connect(endpoint);
  const std::string help = "Failed ZeroMQ handshakes by socket and reason (protocol: e.g. a "
                           "plaintext peer on a CURVE socket; auth: a key not allowed).";
  watched_.push_back(
    {std::move(monitor),
     &metrics_.add_counter("hems_zmq_handshake_failures_total", help,
                           "socket=\"" + name + "\",reason=\"protocol\""),
     &metrics_.add_counter("hems_zmq_handshake_failures_total", help,
                           "socket=\"" + name + "\",reason=\"auth\"")});
}

void handshake_monitor::start() {
  if (!watched_.empty())
    thread_ = std::thread{[this] { run(); }};
}

void handshake_monitor::stop() {
  stopping_ = true;
  if (thread_.joinable())
    thread_.join();
}

void handshake_monitor::run() {
  std::vector<zmq::pollitem_t> items;
  for (auto& w : watched_)
    items.push_back({w.monitor.handle(), 0, ZMQ_POLLIN, 0});
  while (!stopping_) {
    interruptible_poll(items.data(), items.size(), std::chrono::milliseconds(100));
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!(items[i].revents & ZMQ_POLLIN))
        continue;
      // A monitor event: 6 bytes (16-bit event id, 32-bit value), then the address.
      zmq::message_t event, address;
      if (!watched_[i].monitor.recv(event, zmq::recv_flags::dontwait))
        continue;
      if (event.more())
        (void)watched_[i].monitor.recv(address, zmq::recv_flags::none);
      std::uint16_t id = 0;
      if (event.size() >= 2)
        std::memcpy(&id, event.data(), 2);
      (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ? watched_[i].auth : watched_[i].protocol)->inc();
    }
  }
  for (auto& w : watched_)
    w.monitor.close();
}

} // namespace hems::adapters
