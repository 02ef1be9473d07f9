#pragma once
// Counts failed ZeroMQ handshakes on the server's sockets: a plaintext peer
// knocking on a CURVE socket fails before any key is checked, so only the
// socket's monitor sees it. One thread reads the monitors of every watched
// socket.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "core/metrics.hpp"

namespace hems::adapters {

class handshake_monitor {
public:
  handshake_monitor(zmq::context_t& ctx, metrics_registry& metrics);
  ~handshake_monitor();

  /// Watches `socket` (call before its owner thread starts, and before start()).
  void watch(zmq::socket_t& socket, const std::string& name);
  void start();
  void stop();

private:
  struct watched {
    zmq::socket_t monitor;
    counter* protocol;
    counter* auth;
  };
  void run();

  zmq::context_t& ctx_;
  metrics_registry& metrics_;
  std::vector<watched> watched_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace hems::adapters
