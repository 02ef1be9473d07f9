#include "streams/live_device.hpp"

namespace hems::streams {

namespace {
constexpr millis day_ms = 86'400'000;
}

millis utc_day_start(millis t) {
  millis d = t / day_ms * day_ms;
  return d > t ? d - day_ms : d; // floor for times before the epoch
}

live_device::live_device(day_start_fn day_start, live_device_memo memo)
  : day_start_(std::move(day_start)), memo_(std::move(memo)) {}

bool live_device::add(const sample& s) {
  if (memo_.last && s.ts_ms <= memo_.last->ts_ms)
    return false;
  if (memo_.last)
    add_segment(segment_between({memo_.last->ts_ms, memo_.last->power_w, memo_.last->energy_wh},
                                {s.ts_ms, s.power_w, s.energy_wh}));
  memo_.last = s;
  return true;
}

void live_device::add_segment(const energy_segment& seg) {
  if (seg.to <= seg.from)
    return;
  // Walk the days the segment touches; only the latest day is kept.
  for (millis day = day_start_(seg.from); day < seg.to;) {
    millis next = day_start_(day + day_ms + day_ms / 2); // robust to 23 h and 25 h days
    if (next <= day)
      next = day + day_ms;
    double part = overlap_wh(seg, day, next);
    if (day > memo_.day) {
      memo_.day = day;
      memo_.today_wh = part;
    } else if (day == memo_.day) {
      memo_.today_wh += part;
    }
    day = next;
  }
}

double live_device::energy_today_wh(millis now) const {
  millis today = day_start_(now);
  double wh = memo_.day == today ? memo_.today_wh : 0;
  if (memo_.last) {
    const auto& l = *memo_.last;
    wh += overlap_wh(hold_after({l.ts_ms, l.power_w, l.energy_wh}, now), today, now);
  }
  return wh;
}

} // namespace hems::streams
