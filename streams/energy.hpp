#pragma once
// The energy rule of the REST contract, as plain functions.
//
// Between two consecutive samples of one device, energy is spread uniformly
// over a segment of time:
//  - both samples carry a meter reading (energy_wh): the meter's rise across
//    the interval, so a window edge inside the interval reads the meter by
//    linear interpolation. A drop means the meter was reset to zero somewhere
//    in the interval; the rise is then the new reading itself.
//  - otherwise: the earlier sample's power, held until the next sample but for
//    at most five minutes (a device that falls silent is not assumed to keep
//    drawing power).
// Windows of any size are sums of segment overlaps, so the real-time "energy
// today", the 1m..1d windows and the history API all agree by construction.

#include <optional>

#include "core/clock.hpp"

namespace hems::streams {

/// Power is held after a sample for at most this long.
inline constexpr millis max_hold_ms = 5 * 60 * 1000;

/// What the energy rule needs of a sample.
struct reading {
  millis ts = 0;
  double power_w = 0;
  std::optional<double> energy_wh;
};

/// Energy `wh` drawn uniformly over [from, to).
struct energy_segment {
  millis from = 0;
  millis to = 0;
  double wh = 0;
};

/// The segment between two consecutive readings (next.ts > prev.ts).
energy_segment segment_between(const reading& prev, const reading& next);

/// The last reading's power held until `until` (at most max_hold_ms), for
/// windows that are still open.
energy_segment hold_after(const reading& last, millis until);

/// The part of `seg`'s energy that falls inside [a, b).
double overlap_wh(const energy_segment& seg, millis a, millis b);

} // namespace hems::streams
