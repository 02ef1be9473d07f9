#pragma once
// What a usage window holds, and how windows add up. A window of a device
// holds the energy the contract's rule assigns to it, the highest power in
// effect during it, the samples that fell in it and how much of it the rule
// covered (time with a meter interpolation or a held power). Windows of one
// series add up to the next resolution; a home's windows are built from its
// devices' (see home_windows.hpp for what a home's series mean).

#include <cstdint>
#include <optional>
#include <string>

#include "core/sample.hpp"
#include "streams/window_grid.hpp"

namespace hems::streams {

struct window_stats {
  double energy_wh = 0;
  std::optional<double> max_power_w; ///< none when nothing covered the window
  std::uint32_t samples = 0;
  millis covered_ms = 0;
  /// Presence sensors: how long someone was reported there (occupied held as
  /// power is held); none when the window had no occupancy readings.
  std::optional<millis> occupied_ms;

  /// A window worth keeping: something covered it or a sample fell in it.
  bool empty() const { return samples == 0 && covered_ms == 0 && !occupied_ms; }
  /// Adds a part (a finer window of the same series) to this window.
  void add(const window_stats& part);

  friend bool operator==(const window_stats&, const window_stats&) = default;
};

/// Average power over the whole window: energy divided by its length.
double average_power_w(const window_stats& s, millis start, millis end);

/// The series of a home whose windows are not a device's: see home_windows.hpp.
inline constexpr std::string_view home_series = "*home";
inline constexpr std::string_view tracked_series = "*tracked";
inline constexpr std::string_view untracked_series = "*untracked";

/// One closed window of one series.
struct usage_window {
  std::string series; ///< a device id, or one of the home series above
  resolution res = resolution::m1;
  millis start = 0;
  millis end = 0;
  window_stats stats;

  friend bool operator==(const usage_window&, const usage_window&) = default;
};

} // namespace hems::streams
