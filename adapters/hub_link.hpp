#pragma once
// The hub link: a ROUTER socket (default tcp://127.0.0.1:5557) that hubs
// (DEALER) say hello to, send telemetry batches over, and receive commands
// from. One thread owns the socket:
//
//   hello      -> the registry learns which homes the hub speaks for; in a
//                 cluster, homes another node owns are redirected there
//   telemetry  -> the valid samples of the hub's own homes go to the durable
//                 sink; the ack goes back only once they are durable
//   command_ack-> the command tracker records the outcome
//   commands   -> routed to the hub of their home, resent until acknowledged
//                 or expired (ZMQ_ROUTER_MANDATORY: nothing vanishes silently)
//
// Backpressure: when the sink is full the thread stops reading the socket
// (hubs see their acks slow down), and a hub with too many unacknowledged
// batches is told to retry later instead of queueing more.

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include <zmq.hpp>

#include "adapters/command_tracker.hpp"
#include "adapters/curve.hpp"
#include "adapters/handshake_monitor.hpp"
#include "adapters/hub_protocol.hpp"
#include "adapters/hub_registry.hpp"
#include "adapters/telemetry_metrics.hpp"
#include "adapters/wakeup_fd.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace hems::adapters {

struct hub_link_options {
  std::string endpoint = "tcp://127.0.0.1:5557";
  int receive_hwm = 256; ///< messages per hub queued in libzmq (hubs also hold a window)
  int send_hwm = 1000;
  std::int64_t max_message_bytes = 4 << 20; ///< larger messages disconnect the peer
  std::size_t max_batches_in_flight = 256;  ///< per hub, not yet acknowledged
  command_retry_policy retry;
  std::optional<curve_server> curve;
  /// In a cluster: the node that owns `home` and its hub endpoint when it is
  /// not this node (hubs are redirected there); unset: every home is ours.
  std::function<std::optional<hub_redirect>(const std::string& home)> owner_elsewhere;
};

/// What became of a batch handed to the durable sink.
struct durable_result {
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  std::optional<std::string> failure; ///< nothing was stored
};

class hub_link {
public:
  using done_fn = std::function<void(const durable_result&)>;
  /// Takes samples if there is room (then calls `done` once durable, from any
  /// thread) and returns true; returns false and leaves them when full.
  using durable_sink = std::function<bool(std::vector<sample>& samples, millis received,
                                          done_fn done)>;
  /// Every change of a command's record: submitted, and its final outcome.
  using command_listener = std::function<void(const command_record&)>;

  static result<std::unique_ptr<hub_link>> start(zmq::context_t& ctx, hub_link_options options,
                                                 const clock& time, metrics_registry& metrics,
                                                 telemetry_metrics& telemetry, durable_sink sink,
                                                 command_listener on_command,
                                                 handshake_monitor* monitor = nullptr);
  ~hub_link();

  /// Queues a command for its home's hub (any thread).
  void send_command(command c);

  const std::string& endpoint() const { return endpoint_; }
  void stop();

private:
  struct completion {
    std::string identity;
    std::uint64_t batch = 0;
    durable_result result;
    std::vector<sample_rejection> rejected;
    std::chrono::steady_clock::time_point received;
  };
  struct parked_batch {
    std::string identity;
    std::uint64_t batch = 0;
    std::vector<sample> samples;
    std::vector<sample_rejection> rejected;
    millis received_ms = 0;
    std::chrono::steady_clock::time_point received;
  };
  struct counters {
    explicit counters(metrics_registry& m);
    counter& hellos;
    counter& batches;
    counter& command_acks;
    counter& malformed;
    counter& acks;
    counter& busy;
    counter& unreachable;
    counter& commands_sent;
    counter& redirects;
    std::map<command_status, counter*> outcomes;
    histogram& ack_seconds;
  };

  hub_link(zmq::socket_t socket, std::string endpoint, hub_link_options options, const clock& time,
           metrics_registry& metrics, telemetry_metrics& telemetry, durable_sink sink,
           command_listener on_command);
  void run();
  void receive_messages();
  void handle(const std::string& identity, std::string_view payload);
  void handle_hello(const std::string& identity, const hub_hello& hello);
  void handle_telemetry(const std::string& identity, hub_telemetry& t);
  bool hand_over(parked_batch& p);
  void finish_completions();
  void take_new_commands(millis now);
  void deliver_commands(millis now);
  void record(const command_record& r);
  bool send_to(const std::string& identity, const std::string& payload);

  zmq::socket_t socket_;
  std::string endpoint_;
  hub_link_options options_;
  const clock& time_;
  telemetry_metrics& telemetry_;
  durable_sink sink_;
  command_listener on_command_;
  counters counters_;

  // Owned by the link's thread.
  hub_message_decoder decoder_;
  hub_registry registry_;
  command_tracker tracker_;
  std::unordered_map<std::string, std::size_t> in_flight_; ///< batches per hub identity
  std::optional<parked_batch> parked_;
  /// Hubs told to take homes elsewhere: home -> where, per hub identity.
  std::unordered_map<std::string, std::map<std::string, std::string, std::less<>>> redirected_;

  // Handed over from other threads.
  std::mutex mutex_;
  std::deque<completion> completions_;
  std::atomic<bool> completions_waiting_{false}; ///< completions_ not empty (read without the lock)
  std::deque<command> new_commands_;
  wakeup_fd wakeup_;

  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> hubs_{0};
  std::thread thread_;
};

} // namespace hems::adapters
