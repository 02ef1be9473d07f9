#pragma once
// Samples as the telemetry contract's JSON: one object per sample, frames
// as arrays of one home's samples. A frame stays within the contract's
// limits (10,000 samples, 1 MiB); a longer batch is split into several.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/sample_json.hpp"

namespace hems::sim {

// One sample's JSON is hems::write_sample / hems::sample_to_json (core/sample_json.hpp).

struct frame_limits {
  std::size_t max_samples = 10'000;
  std::size_t max_bytes = 1 << 20;
};

/// One ZeroMQ message's worth: a JSON array and how many samples it holds.
struct encoded_frame {
  std::string json;
  std::size_t samples = 0;
};

/// Appends `samples` to `out` as JSON arrays, each within `limits`.
/// Returns how many frames it appended.
std::size_t encode_frames(std::span<const sample> samples, std::vector<encoded_frame>& out,
                          frame_limits limits = {});

} // namespace hems::sim
