#pragma once
// Where encoded frames go: a ZeroMQ PUSH socket in production, a vector in
// tests. Keeps the playback loops free of sockets.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hems::sim {

class frame_sink {
public:
  virtual ~frame_sink() = default;
  /// Sends one frame of `samples` samples, all of `home`; false when the sink gave up
  /// (stopped while blocked, or failed) and playback should end.
  virtual bool send(std::string&& frame, std::size_t samples, std::string_view home) = 0;
};

/// Keeps every frame (tests, benchmarks of generation alone).
class collecting_sink final : public frame_sink {
public:
  bool send(std::string&& frame, std::size_t samples, std::string_view) override {
    frames.push_back(std::move(frame));
    this->samples += samples;
    return true;
  }
  std::vector<std::string> frames;
  std::size_t samples = 0;
};

} // namespace hems::sim
