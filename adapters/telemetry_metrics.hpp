#pragma once
// Counters for what the telemetry links receive and refuse, by reason, so an
// operator sees at a glance whether a sender is misbehaving and how.

#include <array>

#include "adapters/telemetry_codec.hpp"
#include "core/metrics.hpp"

namespace hems::adapters {

class telemetry_metrics {
public:
  explicit telemetry_metrics(metrics_registry& m);

  void count(frame_error e) { frames_rejected_[static_cast<std::size_t>(e)]->inc(); }
  void count(const decoded_samples& d);
  void count(sample_error e) { samples_rejected_[static_cast<std::size_t>(e)]->inc(); }

  counter& frames;

private:
  std::array<counter*, frame_error_count> frames_rejected_{};
  std::array<counter*, sample_error_count> samples_rejected_{};
  counter& samples_decoded_;
};

} // namespace hems::adapters
