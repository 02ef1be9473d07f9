#pragma once
// A ZeroMQ PUSH socket connected to the server's telemetry PULL socket
// (telemetry contract: tcp://127.0.0.1:5555 by default). Fire and forget,
// but not careless: when the server falls behind, ZeroMQ's high-water mark
// fills and send() blocks, which is the backpressure the server relies on.
// A blocked send() still gives up when the stop flag is raised, so Ctrl-C
// always ends the simulator promptly.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "sim/frame_sink.hpp"

namespace hems::sim {

struct push_sender_options {
  std::string endpoint = "tcp://127.0.0.1:5555";
  /// Frames queued before send() blocks. Frames hold up to 1 MiB, so the
  /// worst case stays bounded; a home's frame at 1 Hz is ~1-2 KiB.
  int send_hwm = 1000;
  /// How long unsent frames may delay closing (then they are dropped).
  int linger_ms = 2000;
  /// Called every 100 ms while send() is blocked on a full queue.
  std::function<void()> while_blocked;
};

class push_sender final : public frame_sink {
public:
  /// Connects (ZeroMQ connects in the background: no server needed yet).
  /// `stop` may be null; when set, a blocked send() returns false.
  static result<std::unique_ptr<push_sender>> connect(const push_sender_options& options,
                                                      const std::atomic<bool>* stop = nullptr);
  ~push_sender() override;

  bool send(std::string&& frame, std::size_t samples, std::string_view home) override;
  /// Closing will not wait for queued frames (after Ctrl-C, say).
  void drop_unsent();

  std::uint64_t frames_sent() const { return frames_; }
  std::uint64_t samples_sent() const { return samples_; }
  std::uint64_t bytes_sent() const { return bytes_; }

private:
  struct impl;
  push_sender(std::unique_ptr<impl> p, const std::atomic<bool>* stop,
              std::function<void()> while_blocked);

  std::unique_ptr<impl> impl_;
  const std::atomic<bool>* stop_;
  std::function<void()> while_blocked_;
  std::uint64_t frames_ = 0, samples_ = 0, bytes_ = 0;
};

} // namespace hems::sim
