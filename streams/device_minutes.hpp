#pragma once
// The energy rule at one-minute resolution: a device's readings in, the
// one-minute windows they cover out. Every coarser window is a sum of these,
// so this is the one place where samples become windows.

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/sample.hpp"
#include "streams/energy.hpp"
#include "streams/window_stats.hpp"

namespace hems::streams {

/// What the windows need of a sample (40 bytes instead of a sample's 150).
struct window_reading {
  millis ts = 0;
  std::uint64_t seq = 0;
  double power_w = 0;
  double energy_wh = std::numeric_limits<double>::quiet_NaN(); ///< NaN: no meter reading
  std::int8_t occupied = -1;                                   ///< -1: not reported

  bool has_energy() const { return !std::isnan(energy_wh); }
  reading for_energy_rule() const;
  static window_reading of(const sample& s);

  /// Storage order: by time, then seq (a resent sample has the same place).
  friend bool operator<(const window_reading& a, const window_reading& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.seq < b.seq;
  }
  friend bool same_place(const window_reading& a, const window_reading& b) {
    return a.ts == b.ts && a.seq == b.seq;
  }
};

/// One minute of one device.
struct minute_stats {
  millis start = 0;
  window_stats stats;
};

/// Appends to `out` the one-minute windows in [from, to) (both on the minute
/// grid) that the readings cover or hold samples, oldest first. `readings`
/// are sorted; those before `from` only shape the segments that reach into
/// [from, to) (the last one is the anchor after a close), so only the parts
/// of segments at or after `from` count. Per pair of consecutive readings:
/// energy by the contract's rule (streams/energy.hpp); the earlier reading's
/// power is in effect, and its occupancy held, up to the next reading but at
/// most five minutes; the time covered is the segment's. The last reading's
/// power is held for five minutes.
void device_minutes(std::span<const window_reading> readings, millis from, millis to,
                    std::vector<minute_stats>& out);

} // namespace hems::streams
