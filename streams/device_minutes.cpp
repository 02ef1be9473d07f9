#include "streams/device_minutes.hpp"

#include <algorithm>

namespace hems::streams {

namespace {

constexpr millis never = std::numeric_limits<millis>::max() / 4;

millis overlap_ms(millis a, millis b, millis lo, millis hi) {
  return std::max<millis>(0, std::min(b, hi) - std::max(a, lo));
}

window_stats& minute_at(std::vector<minute_stats>& out, std::size_t first, millis m) {
  if (out.size() == first || out.back().start < m)
    out.push_back({m, {}});
  return out.back().stats;
}

} // namespace

reading window_reading::for_energy_rule() const {
  return {ts, power_w, has_energy() ? std::optional<double>{energy_wh} : std::nullopt};
}

window_reading window_reading::of(const sample& s) {
  window_reading r;
  r.ts = s.ts_ms;
  r.seq = s.seq.value_or(0);
  r.power_w = s.power_w;
  if (s.energy_wh)
    r.energy_wh = *s.energy_wh;
  if (s.occupied)
    r.occupied = *s.occupied ? 1 : 0;
  return r;
}

void device_minutes(std::span<const window_reading> readings, millis from, millis to,
                    std::vector<minute_stats>& out) {
  const std::size_t first = out.size();
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const auto& p = readings[i];
    if (p.ts >= to)
      break;
    if (p.ts >= from)
      ++minute_at(out, first, floor_to(p.ts, minute_ms)).samples;
    const window_reading* q = i + 1 < readings.size() ? &readings[i + 1] : nullptr;
    energy_segment seg = q ? segment_between(p.for_energy_rule(), q->for_energy_rule())
                           : hold_after(p.for_energy_rule(), never);
    // The reading's own power (and occupancy) is in effect up to the next
    // reading, for at most the five-minute hold, whatever the meter says.
    millis held_end = std::min(q ? q->ts : never, p.ts + max_hold_ms);
    millis reach = std::min(to, std::max(seg.to, held_end));
    for (millis m = std::max(from, floor_to(p.ts, minute_ms)); m < reach; m += minute_ms) {
      millis m_end = m + minute_ms;
      millis covered = seg.to > seg.from ? overlap_ms(seg.from, seg.to, m, m_end) : 0;
      millis held = overlap_ms(p.ts, held_end, m, m_end);
      if (covered == 0 && held == 0)
        continue;
      auto& w = minute_at(out, first, m);
      if (covered > 0) {
        w.energy_wh += overlap_wh(seg, m, m_end);
        w.covered_ms += covered;
      }
      if (held > 0) {
        w.max_power_w = w.max_power_w ? std::max(*w.max_power_w, p.power_w) : p.power_w;
        if (p.occupied >= 0)
          w.occupied_ms = w.occupied_ms.value_or(0) + (p.occupied ? held : 0);
      }
    }
  }
}

} // namespace hems::streams
