#pragma once
// Playing homes over the hub link: one hub per simulated home (hub id
// `hub-<home>`), each a hems hub client that keeps its batches until the
// server acknowledges them and carries out the commands it receives on the
// simulated devices, so the whole loop shows in the telemetry: a light
// switched off stops drawing power, a deferred cycle starts when told.

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "adapters/hub_client.hpp"
#include "sim/frame_sink.hpp"
#include "sim/neighbourhood.hpp"

namespace hems::sim {

struct hub_sender_options {
  std::string endpoint = "tcp://127.0.0.1:5557";
  std::optional<adapters::curve_client> curve;
  /// Batches a hub may hold unacknowledged before send() waits for acks:
  /// backpressure from the server reaches the simulator.
  std::size_t max_unacknowledged = 256;
};

struct hub_sender_stats {
  std::uint64_t batches_acked = 0;
  std::uint64_t samples_accepted = 0;
  std::uint64_t resends = 0;
  std::uint64_t commands_done = 0;
  std::uint64_t commands_failed = 0;
};

class hub_sender final : public frame_sink {
public:
  hub_sender(hub_sender_options options, neighbourhood& homes, const clock& time,
             const std::atomic<bool>* stop = nullptr);

  bool send(std::string&& frame, std::size_t samples, std::string_view home) override;

  /// Serves every hub (acks, commands) until the clock reads `until`: the
  /// wait between real-time steps.
  void serve_until(millis until);
  /// Serves until every batch is acknowledged; false on stop or timeout.
  bool drain(millis timeout_ms);

  hub_sender_stats stats() const;

private:
  adapters::hub_client& hub_for(std::string_view home);
  void serve_once(std::chrono::milliseconds wait);
  adapters::hub_command_ack carry_out(const hems::command& c);

  hub_sender_options options_;
  neighbourhood& homes_;
  const clock& time_;
  const std::atomic<bool>* stop_;
  zmq::context_t ctx_{1};
  std::map<std::string, std::unique_ptr<adapters::hub_client>, std::less<>> hubs_;
  std::uint64_t commands_done_ = 0;
  std::uint64_t commands_failed_ = 0;
};

} // namespace hems::sim
