#pragma once
// The ZAP handler (ZeroMQ RFC 27) for CURVE sockets: a client may connect
// only if its public key is in the allow-list directory (one NAME.pub file
// per hub or subscriber, as `hems keys` writes them). The directory is read
// again when it changes, so a key is granted or revoked without a restart.
// Every refusal is counted.

#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "core/error.hpp"
#include "core/metrics.hpp"

namespace hems::adapters {

class zap_authenticator {
public:
  /// Binds inproc://zeromq.zap.01 on `ctx` (before any CURVE socket binds).
  static result<std::unique_ptr<zap_authenticator>> start(zmq::context_t& ctx,
                                                          std::filesystem::path allow_dir,
                                                          metrics_registry& metrics);
  ~zap_authenticator();
  void stop();

  /// Whether `z85_key` is allowed now (reloads the directory if it changed).
  bool allows(const std::string& z85_key);

private:
  zap_authenticator(zmq::socket_t socket, std::filesystem::path allow_dir,
                    metrics_registry& metrics);
  void run();
  void reload_if_changed();

  zmq::socket_t socket_;
  std::filesystem::path allow_dir_;
  std::set<std::string> allowed_;
  std::filesystem::file_time_type loaded_at_{};
  counter& accepted_;
  counter& refused_key_;
  counter& refused_mechanism_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace hems::adapters
