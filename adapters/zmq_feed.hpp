#pragma once
// The integrator feed: a PUB socket (default tcp://127.0.0.1:5556, an XPUB
// underneath so hems knows whether anyone listens) sending two-frame
// messages, topic then JSON. Topics start with home/<home>/ (telemetry,
// usage/<resolution>, command, notification) or fleet/.
//
// A slow subscriber never slows hems: publish() only queues (bounded; a full
// queue drops the message and counts it), one thread sends, and ZeroMQ drops
// for a subscriber whose own queue (send_hwm) is full. Nobody subscribed:
// nothing is encoded at all.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "adapters/curve.hpp"
#include "adapters/handshake_monitor.hpp"
#include "adapters/wakeup_fd.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"

namespace hems::adapters {

struct feed_options {
  std::string endpoint = "tcp://127.0.0.1:5556";
  int send_hwm = 10'000;                   ///< per subscriber, in messages
  std::size_t queue_capacity = 100'000;    ///< messages waiting for the sender thread
  std::optional<curve_server> curve;       ///< CURVE keys; plaintext when absent
};

class feed_publisher {
public:
  static result<std::unique_ptr<feed_publisher>> start(zmq::context_t& ctx, feed_options options,
                                                       metrics_registry& metrics,
                                                       handshake_monitor* monitor = nullptr);
  ~feed_publisher();

  /// True when some subscriber listens: publishers skip encoding otherwise.
  bool has_subscribers() const { return subscriptions_.load(std::memory_order_relaxed) > 0; }

  /// Queues one message; never blocks.
  void publish(std::string topic, std::string json);
  /// Encodes and queues only if someone listens.
  void publish_if_heard(const std::string& topic, const std::function<std::string()>& encode);

  const std::string& endpoint() const { return endpoint_; }
  void stop();

private:
  feed_publisher(zmq::socket_t socket, std::string endpoint, std::size_t capacity,
                 metrics_registry& metrics);
  void run();

  zmq::socket_t socket_;
  std::string endpoint_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::deque<std::pair<std::string, std::string>> queue_;
  wakeup_fd wakeup_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> subscriptions_{0};
  counter& sent_;
  counter& dropped_;
  std::thread thread_;
};

} // namespace hems::adapters
