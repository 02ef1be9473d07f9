#pragma once
// Where usage windows start and end. Minutes, quarter hours and hours are a
// fixed grid in UTC (in every zone in use today, whose offsets are whole
// quarter hours, a quarter hour is also a local quarter hour); days run from
// local midnight to local midnight in the home's zone, so a day with a DST
// change lasts 23 or 25 hours.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "streams/local_time.hpp"

namespace hems::streams {

enum class resolution : std::uint8_t { m1 = 1, m15 = 2, h1 = 3, d1 = 4 };

inline constexpr std::array<resolution, 4> all_resolutions{resolution::m1, resolution::m15,
                                                           resolution::h1, resolution::d1};

/// "1m", "15m", "1h", "1d".
std::string_view to_string(resolution r);
std::optional<resolution> parse_resolution(std::string_view name);

/// The nominal length (a day is 24 h here; its real length is the calendar's).
millis nominal_length(resolution r);

/// Floor of t to a multiple of `step` (for times before 1970 too).
constexpr millis floor_to(millis t, millis step) {
  return floor_div(t, step) * step;
}
constexpr millis ceil_to(millis t, millis step) {
  return -floor_to(-t, step);
}

class window_calendar {
public:
  window_calendar() = default;
  explicit window_calendar(local_zone zone) : zone_(std::move(zone)) {}

  const local_zone& zone() const { return zone_; }

  /// The start of the window of resolution `r` that holds `t`.
  millis start_of(resolution r, millis t) const;
  /// The end of the window of resolution `r` that starts at `start`.
  millis end_of(resolution r, millis start) const;

private:
  local_zone zone_; // holds a cache: one calendar per thread
};

} // namespace hems::streams
