#pragma once
// The fire-and-forget telemetry link: a ZeroMQ PULL socket (default
// tcp://127.0.0.1:5555) read by one thread that decodes each frame and hands
// the valid samples to a sink. When the sink blocks (storage is behind), the
// socket is not read, its high-water mark fills, and PUSH senders block:
// backpressure instead of unbounded memory.

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "adapters/curve.hpp"
#include "adapters/handshake_monitor.hpp"
#include "adapters/telemetry_metrics.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace hems::adapters {

struct pull_ingest_options {
  std::string endpoint = "tcp://127.0.0.1:5555";
  /// Frames queued in libzmq per connected sender before it blocks: with
  /// frames of up to 1 MiB, at most 100 MiB per sender, and far less in practice.
  int receive_hwm = 100;
  /// Frames above this are refused by libzmq itself (the peer is
  /// disconnected); frames between 1 MiB and this are counted as too_large.
  std::int64_t max_message_bytes = 4 << 20;
  std::optional<curve_server> curve; ///< CURVE keys; plaintext when absent
};

class pull_ingest {
public:
  /// Receives each frame's valid samples and the time they arrived. May block.
  using sink_fn = std::function<void(std::vector<sample>&&, millis received_ms)>;

  /// Binds the socket; fails with the reason (address in use, bad endpoint).
  static result<std::unique_ptr<pull_ingest>> start(zmq::context_t& ctx, pull_ingest_options opts,
                                                    const clock& time, telemetry_metrics& metrics,
                                                    sink_fn sink,
                                                    handshake_monitor* monitor = nullptr);
  ~pull_ingest();

  /// The endpoint actually bound (with the real port when bound to `*`).
  const std::string& endpoint() const { return endpoint_; }

  /// Stops reading and joins the thread.
  void stop();

private:
  pull_ingest(zmq::socket_t socket, std::string endpoint, const clock& time,
              telemetry_metrics& metrics, sink_fn sink);
  void run();

  zmq::socket_t socket_;
  std::string endpoint_;
  const clock& time_;
  telemetry_metrics& metrics_;
  sink_fn sink_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace hems::adapters
