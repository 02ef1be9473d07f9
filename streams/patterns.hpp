#pragma once
// Usage patterns learned from stored 15-minute windows, as plain C++: a
// series' hour-of-week profile (mean and spread of its hourly average power,
// in the home's local time), its standby baseline, the appliance cycles it
// ran, and a home's occupancy profile from its presence sensors. The REST
// route reads the windows and calls these; tests feed synthetic windows.
//
// A quarter counts when the energy rule covered at least half of it (a device
// offline or silent has no pattern there, rather than a zero).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/sample.hpp"
#include "streams/local_time.hpp"
#include "streams/window_stats.hpp"

namespace hems::streams {

inline constexpr int hours_per_week = 168;
inline constexpr millis quarter_ms = 15 * minute_ms;

/// 0 = Monday 00:00-01:00 local time .. 167 = Sunday 23:00-24:00.
int hour_of_week(const local_zone& zone, millis utc);

/// The average power of a 15-minute window, or nullopt when less than half of
/// it was covered.
std::optional<double> quarter_power_w(const usage_window& w);

/// One hour of the week: the mean and the standard deviation (over the weeks
/// seen) of the series' average power in that local hour, and how many hours
/// they come from (0: never seen).
struct profile_hour {
  double mean_w = 0;
  double spread_w = 0;
  std::uint32_t hours = 0;
};
using week_profile = std::array<profile_hour, hours_per_week>;

/// The hour-of-week profile of a series' 15-minute windows (any order): each
/// local hour's average power is the mean of its covered quarters.
week_profile hour_of_week_profile(std::span<const usage_window> quarters, const local_zone& zone);

/// The standby baseline: the `percentile` (0..1) of the covered quarters'
/// average power (nearest rank); nullopt without covered quarters.
std::optional<double> standby_baseline_w(std::span<const usage_window> quarters,
                                         double percentile = 0.10);

/// One run of an appliance, as seen in its quarters.
struct appliance_cycle {
  millis start = 0; ///< start of its first active quarter
  millis end = 0;   ///< end of its last active quarter
  double energy_wh = 0;
  double peak_w = 0; ///< highest max_power_w of its quarters (or average, without one)
  friend bool operator==(const appliance_cycle&, const appliance_cycle&) = default;
};

/// When a quarter is active and which runs count as cycles.
struct cycle_settings {
  /// Active: average power above standby + max(min_above_standby_w,
  /// relative_threshold * (the 99th percentile - standby)).
  double min_above_standby_w = 30;
  double relative_threshold = 0.05;
  /// Active quarters separated by at most this many quiet quarters are one
  /// cycle (a washing machine's low washing phase between heating and spin).
  int max_quiet_quarters = 1;
  double min_energy_wh = 50;       ///< smaller runs are noise (a light, a fridge's compressor)
  millis max_duration_ms = 6 * hour_ms; ///< longer runs are continuous use, not a cycle
};

/// The cycles in a series' 15-minute windows, oldest first. A run touching the
/// first or last window seen, or an uncovered quarter, is cut off and left out.
std::vector<appliance_cycle> detect_cycles(std::span<const usage_window> quarters,
                                           double standby_w, const cycle_settings& s = {});

/// A local hour at which cycles start, and its share of them.
struct start_hour {
  int hour = 0; ///< 0..23, local
  double share = 0;
};

struct cycle_summary {
  std::size_t count = 0;
  double per_week = 0; ///< count per 7 days of the period looked at
  std::optional<millis> median_duration_ms;
  std::optional<double> median_energy_wh;
  std::vector<start_hour> typical_starts; ///< at most 3, most frequent first (ties: earlier hour)
};

cycle_summary summarize_cycles(std::span<const appliance_cycle> cycles, const local_zone& zone,
                               millis period_ms);

/// The share of each local hour of the week someone was there (0..1), from a
/// home's presence sensors' windows (their occupied time; with several
/// sensors, the most occupied one per quarter); nullopt for hours never seen.
using occupancy_week = std::array<std::optional<double>, hours_per_week>;
std::optional<occupancy_week>
occupancy_profile(std::span<const std::vector<usage_window>> presence_sensors,
                  const local_zone& zone);

/// What the base load leaves out: loads automation can move or modulate
/// (heating, hot water, EV charging, batteries), production (PV, its own
/// forecast), whole-home meters (their untracked remainder is counted instead)
/// and presence sensors.
bool in_base_load(device_kind kind);
/// Loads automation controls (what the optimizer plans).
bool is_flexible(device_kind kind);

/// Adds series of 15-minute windows quarter by quarter (energy, samples and
/// covered time; max power is the highest): the base load of a home from its
/// devices. Result sorted by start.
std::vector<usage_window> sum_quarters(std::span<const std::vector<usage_window>> series,
                                       std::string_view name);

} // namespace hems::streams

namespace hems::streams {

/// Everything learned about one device.
struct device_patterns {
  std::string device;
  device_kind kind = device_kind::unknown;
  week_profile profile{};
  std::optional<double> standby_w;
  std::vector<appliance_cycle> cycles;
  cycle_summary cycle_stats;
};

/// One series' windows, with what it is.
struct series_input {
  std::string device;
  device_kind kind = device_kind::unknown;
  std::vector<usage_window> quarters;
};

device_patterns learn_device(const series_input& in, const local_zone& zone, millis period_ms);

} // namespace hems::streams
