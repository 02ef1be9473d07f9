#pragma once
// JSON rendering of GET /patterns (schema `Patterns` in docs/openapi.json).

#include <optional>
#include <string>
#include <vector>

#include "core/json_writer.hpp"
#include "streams/forecast.hpp"
#include "streams/patterns.hpp"

namespace hems::api {

/// What GET /patterns answers. Home-wide parts are absent (null) when the
/// request names one device.
struct patterns_view {
  std::string home;
  std::string time_zone;
  /// The period learned from, [from, to); none before the home's first
  /// windows closed.
  std::optional<millis> from;
  std::optional<millis> to;
  std::optional<millis> closed_until;
  std::optional<streams::device_patterns> home_patterns; ///< the `*home` series
  std::optional<streams::occupancy_week> occupancy;
  std::vector<streams::device_patterns> devices;
  std::optional<streams::load_forecast> base_load;
  std::vector<std::string> base_load_series; ///< devices (and `*untracked`) it sums
};

std::string patterns_json(const patterns_view& v);

} // namespace hems::api
