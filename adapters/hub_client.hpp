#pragma once
// The hub side of the hub link, for hub software and `hems simulate`:
// connect (DEALER, routing id = hub id, so the server knows it again after a
// reconnect), say hello, send numbered telemetry batches and keep each until
// the server acknowledges it, resend unacknowledged ones with jittered
// exponential backoff, and answer commands. In a cluster, a welcome that
// sends all its homes to another node makes it reconnect there. Single-threaded: the owner calls
// poll(); nothing happens in between.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

#include "adapters/curve.hpp"
#include "adapters/hub_protocol.hpp"
#include "core/clock.hpp"

namespace hems::adapters {

struct hub_client_options {
  std::string endpoint = "tcp://127.0.0.1:5557";
  std::string hub;                 ///< this hub's id (1 to 64 of A-Z a-z 0-9 . _ -)
  std::vector<std::string> homes;  ///< the homes it speaks for
  std::optional<curve_client> curve;
  millis ack_timeout_ms = 5'000;   ///< resend a batch not acknowledged by then
  millis max_backoff_ms = 10'000;
  std::size_t window = 64;         ///< batches in flight at once
  /// Follow a welcome that sends every home to one other node (a cluster).
  bool follow_redirects = true;
};

struct hub_client_stats {
  std::uint64_t batches_acked = 0;
  std::uint64_t samples_accepted = 0;
  std::uint64_t samples_duplicate = 0;
  std::uint64_t samples_rejected = 0;
  std::uint64_t resends = 0;
  std::uint64_t commands = 0;
  std::uint64_t redirects = 0; ///< times it followed a redirect to another node
};

class hub_client {
public:
  /// Carries out a command on a device; returns done, or failed with a detail.
  using command_handler = std::function<hub_command_ack(const command&)>;

  hub_client(zmq::context_t& ctx, hub_client_options options, const clock& time,
             std::uint64_t seed = std::random_device{}());

  /// Queues a batch (`samples_json`: a JSON array of samples); returns its number.
  std::uint64_t send(std::string samples_json, std::size_t samples);

  /// Handles what arrived and (re)sends what is due, waiting up to `wait`
  /// for something to arrive.
  void poll(std::chrono::milliseconds wait, const command_handler& handler);

  /// Handles what arrived (when the owner polls many clients' sockets itself).
  void on_readable(const command_handler& handler);
  /// (Re)sends what is due.
  void flush();

  /// Batches queued or in flight, not yet acknowledged.
  std::size_t unacknowledged() const { return batches_.size(); }
  /// Batches sent and waiting for their ack.
  std::size_t in_flight() const { return in_flight_; }
  bool welcomed() const { return welcomed_; }
  /// The server endpoint it talks to now (another node's after a redirect).
  const std::string& endpoint() const { return endpoint_; }
  /// Homes the last welcome sent to other nodes (when they are not all on one).
  const std::vector<hub_redirect>& redirected() const { return redirected_; }
  const hub_client_stats& stats() const { return stats_; }
  zmq::socket_t& socket() { return socket_; }
  struct acknowledged_batch {
    std::uint64_t number = 0;
    std::chrono::microseconds latency{0}; ///< from its last (re)send to its ack
  };
  /// The batches acknowledged since the last call.
  std::vector<acknowledged_batch> take_acknowledged();

private:
  struct batch {
    std::string message;
    std::size_t samples = 0;
    bool in_flight = false;
    millis resend_at = 0;
    millis backoff_ms = 0;
    std::chrono::steady_clock::time_point sent_at;
  };
  void say_hello();
  void follow(const hub_redirect& to);
  void handle(const server_message& m, const command_handler& handler);
  void schedule_resend(batch& b, millis now);
  millis jitter(millis around);

  hub_client_options options_;
  const clock& time_;
  zmq::socket_t socket_;
  std::mt19937_64 rng_;
  std::uint64_t next_batch_ = 1;
  std::map<std::uint64_t, batch> batches_;
  std::size_t in_flight_ = 0;
  bool welcomed_ = false;
  std::string endpoint_;
  std::vector<hub_redirect> redirected_;
  int redirects_in_a_row_ = 0; ///< a misconfigured cluster cannot bounce a hub forever
  millis hello_at_ = 0;
  hub_client_stats stats_;
  std::vector<acknowledged_batch> acknowledged_;
  /// Answers to recent commands: a resent command is answered, not redone.
  std::unordered_map<std::string, hub_command_ack> answered_;
  std::deque<std::string> answered_order_;
};

} // namespace hems::adapters
