#include "streams/energy.hpp"

#include <algorithm>

namespace hems::streams {

namespace {

constexpr double ms_per_hour = 3'600'000.0;

energy_segment held_power(const reading& r, millis until) {
  millis end = std::min(until, r.ts + max_hold_ms);
  if (end <= r.ts)
    return {r.ts, r.ts, 0};
  return {r.ts, end, r.power_w * static_cast<double>(end - r.ts) / ms_per_hour};
}

} // namespace

energy_segment segment_between(const reading& prev, const reading& next) {
  if (next.ts <= prev.ts)
    return {prev.ts, prev.ts, 0};
  if (prev.energy_wh && next.energy_wh) {
    double rise = *next.energy_wh - *prev.energy_wh;
    if (rise < 0) // the meter was reset in between and counted up from zero
      rise = *next.energy_wh;
    return {prev.ts, next.ts, rise};
  }
  return held_power(prev, next.ts);
}

energy_segment hold_after(const reading& last, millis until) {
  return held_power(last, until);
}

double overlap_wh(const energy_segment& seg, millis a, millis b) {
  if (seg.to <= seg.from)
    return 0;
  millis lo = std::max(a, seg.from);
  millis hi = std::min(b, seg.to);
  if (hi <= lo)
    return 0;
  if (lo == seg.from && hi == seg.to)
    return seg.wh;
  return seg.wh * static_cast<double>(hi - lo) / static_cast<double>(seg.to - seg.from);
}

} // namespace hems::streams
