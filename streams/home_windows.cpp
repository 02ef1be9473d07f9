#include "streams/home_windows.hpp"

#include <algorithm>

namespace hems::streams {

namespace {

bool on_quarter_hours(millis start, millis end) {
  constexpr millis quarter = 15 * minute_ms;
  return floor_to(start, quarter) == start && floor_to(end, quarter) == end;
}

// A home series' minute: its energy, samples and coverage from its devices,
// its power the minute's average.
window_stats home_minute(double energy_wh, std::uint32_t samples, millis covered,
                         std::optional<millis> occupied) {
  window_stats s;
  s.energy_wh = energy_wh;
  s.samples = samples;
  s.covered_ms = covered;
  if (covered > 0)
    s.max_power_w = energy_wh * static_cast<double>(hour_ms / minute_ms);
  s.occupied_ms = occupied;
  return s;
}

} // namespace

home_windows::home_windows(window_calendar calendar, window_settings settings,
                           std::optional<windows_resume> resume, millis now)
    : calendar_(std::move(calendar)), settings_(settings), last_arrival_(now) {
  if (!resume)
    return;
  closed_ = resume->closed_until;
  for (auto& d : resume->devices) {
    auto& track = devices_[d.id];
    track.kind = d.kind;
    track.readings = std::move(d.readings);
    std::sort(track.readings.begin(), track.readings.end());
    if (!track.readings.empty())
      event_time_ =
          std::max(event_time_.value_or(track.readings.back().ts), track.readings.back().ts);
  }
  for (const auto& w : resume->partials) {
    auto& p = partials_[w.series];
    open_window* target = w.res == resolution::m15  ? &p.m15
                          : w.res == resolution::h1 ? &p.h1
                          : w.res == resolution::d1 ? &p.d1
                                                    : nullptr;
    if (!target)
      continue;
    *target = open_window{true, false, w.start, w.end, w.stats};
    if (w.res == resolution::d1) {
      target->day_of_minutes = !on_quarter_hours(w.start, w.end);
      day_ = day_span{w.start, w.end, target->day_of_minutes};
    }
  }
}

add_outcome home_windows::add(const device_readings& batch, millis now) {
  add_outcome outcome;
  last_arrival_ = now;
  auto& track = devices_[batch.device];
  if (batch.kind != device_kind::unknown)
    track.kind = batch.kind;
  for (const auto& r : batch.readings) {
    if (r.ts > now + settings_.max_future_ms) {
      ++outcome.future;
      continue;
    }
    if (closed_ && r.ts < *closed_)
      ++outcome.late;
    insert(track, r);
    event_time_ = std::max(event_time_.value_or(r.ts), r.ts);
  }
  return outcome;
}

void home_windows::insert(device_track& track, const window_reading& r) {
  auto& v = track.readings;
  if (!closed_ || r.ts >= *closed_) {
    if (v.empty() || v.back() < r) {
      v.push_back(r);
      return;
    }
    auto it = std::lower_bound(v.begin(), v.end(), r);
    if (it != v.end() && same_place(*it, r))
      *it = r;
    else
      v.insert(it, r);
    return;
  }
  // Late: it can only become the anchor, the newest reading before C.
  bool has_anchor = !v.empty() && v.front().ts < *closed_;
  if (!has_anchor)
    v.insert(v.begin(), r);
  else if (!(r < v.front()))
    v.front() = r;
}

millis home_windows::close_target(millis now) const {
  millis e = *event_time_;
  // A silent home: everything up to the end of its last power hold, and from
  // then on whatever is older than the silence (windows of a home that has
  // gone away close too; a hub that comes back sends newer samples).
  if (now - last_arrival_ >= settings_.idle_close_ms)
    return std::max(ceil_to(e + max_hold_ms, minute_ms),
                    floor_to(now - settings_.idle_close_ms, minute_ms));
  millis w = e - settings_.lateness_ms;
  millis target = w;
  // A meter reading at the edge: wait (a while) for the next one, so the
  // segment between them is interpolated rather than held.
  for (const auto& [id, track] : devices_) {
    if (track.readings.empty())
      continue;
    const auto& newest = track.readings.back();
    if (newest.has_energy() && newest.ts <= w && newest.ts > w - max_hold_ms)
      target = std::min(target, newest.ts);
  }
  return floor_to(target, minute_ms);
}

std::vector<usage_window> home_windows::close_due(millis now) {
  std::vector<usage_window> out;
  if (!event_time_)
    return out;
  millis from = 0;
  if (closed_) {
    from = *closed_;
  } else {
    std::optional<millis> first;
    for (const auto& [id, track] : devices_)
      if (!track.readings.empty())
        first = std::min(first.value_or(track.readings.front().ts), track.readings.front().ts);
    if (!first)
      return out;
    from = floor_to(*first, minute_ms);
  }
  millis to = close_target(now);
  if (to <= from)
    return out;

  // Every device's minutes in [from, to), then minute by minute across devices.
  struct cursor {
    const std::string* id;
    device_kind kind;
    std::size_t begin, end;
  };
  scratch_.clear();
  std::vector<cursor> cursors;
  cursors.reserve(devices_.size());
  for (const auto& [id, track] : devices_) {
    std::size_t begin = scratch_.size();
    device_minutes(track.readings, from, to, scratch_);
    if (scratch_.size() > begin)
      cursors.push_back({&id, track.kind, begin, scratch_.size()});
  }
  for (;;) {
    std::optional<millis> minute;
    for (const auto& c : cursors)
      if (c.begin < c.end)
        minute = std::min(minute.value_or(scratch_[c.begin].start), scratch_[c.begin].start);
    if (!minute)
      break;
    flush(*minute, out);
    double tracked_wh = 0, meter_wh = 0;
    std::uint32_t tracked_samples = 0, meter_samples = 0;
    millis tracked_covered = 0, meter_covered = 0;
    bool has_meter = false;
    std::optional<millis> occupied;
    for (auto& c : cursors) {
      if (c.begin == c.end || scratch_[c.begin].start != *minute)
        continue;
      const auto& s = scratch_[c.begin++].stats;
      fold_minute(*c.id, *minute, s, out);
      if (c.kind == device_kind::meter) {
        has_meter = true;
        meter_wh += s.energy_wh;
        meter_samples += s.samples;
        meter_covered = std::max(meter_covered, s.covered_ms);
      } else {
        tracked_wh += s.energy_wh;
        tracked_samples += s.samples;
        tracked_covered = std::max(tracked_covered, s.covered_ms);
      }
      if (s.occupied_ms)
        occupied = std::max(occupied.value_or(0), *s.occupied_ms);
    }
    auto home = home_minute(has_meter ? meter_wh : tracked_wh, tracked_samples + meter_samples,
                            std::max(tracked_covered, meter_covered), occupied);
    if (!home.empty())
      fold_minute(std::string{home_series}, *minute, home, out);
    if (has_meter) {
      auto tracked = home_minute(tracked_wh, tracked_samples, tracked_covered, {});
      if (!tracked.empty())
        fold_minute(std::string{tracked_series}, *minute, tracked, out);
      auto untracked = home_minute(meter_wh - tracked_wh, meter_samples, meter_covered, {});
      if (!untracked.empty())
        fold_minute(std::string{untracked_series}, *minute, untracked, out);
    }
  }
  flush(to, out);
  drop_closed(to);
  closed_ = to;
  return out;
}

void home_windows::fold_minute(const std::string& series, millis minute, const window_stats& stats,
                               std::vector<usage_window>& out) {
  out.push_back({series, resolution::m1, minute, minute + minute_ms, stats});
  auto& p = partials_[series];
  fold_into(p.m15, resolution::m15, minute, stats);
  auto day = day_for(minute);
  if (day.of_minutes)
    fold_into_day(p.d1, day, stats);
}

void home_windows::fold_into(open_window& w, resolution r, millis part_start,
                             const window_stats& stats) {
  if (!w.open) {
    w.open = true;
    w.start = calendar_.start_of(r, part_start);
    w.end = calendar_.end_of(r, w.start);
  }
  w.stats.add(stats);
}

void home_windows::fold_into_day(open_window& w, const day_span& day, const window_stats& stats) {
  if (!w.open) {
    w = open_window{true, day.of_minutes, day.start, day.end, {}};
  }
  w.stats.add(stats);
}

home_windows::day_span home_windows::day_for(millis t) {
  if (day_ && day_->start <= t && t < day_->end)
    return *day_;
  millis start = calendar_.start_of(resolution::d1, t);
  if (day_ && t < day_->start) // a moment of an earlier day (a quarter hour ending in it)
    return day_span{start, calendar_.end_of(resolution::d1, start),
                    !on_quarter_hours(start, calendar_.end_of(resolution::d1, start))};
  // Days follow each other even when the zone changed in between.
  if (day_)
    start = std::max(start, day_->end);
  millis end = calendar_.end_of(resolution::d1, start);
  day_ = day_span{start, end, !on_quarter_hours(start, end)};
  return *day_;
}

void home_windows::flush(millis until, std::vector<usage_window>& out) {
  for (auto& [series, p] : partials_) {
    if (p.m15.open && p.m15.end <= until) {
      out.push_back({series, resolution::m15, p.m15.start, p.m15.end, p.m15.stats});
      fold_into(p.h1, resolution::h1, p.m15.start, p.m15.stats);
      auto day = day_for(p.m15.start);
      if (!day.of_minutes)
        fold_into_day(p.d1, day, p.m15.stats);
      p.m15 = {};
    }
    if (p.h1.open && p.h1.end <= until) {
      out.push_back({series, resolution::h1, p.h1.start, p.h1.end, p.h1.stats});
      p.h1 = {};
    }
    if (p.d1.open && p.d1.end <= until) {
      out.push_back({series, resolution::d1, p.d1.start, p.d1.end, p.d1.stats});
      p.d1 = {};
    }
  }
}

void home_windows::drop_closed(millis c) {
  for (auto& [id, track] : devices_) {
    auto& v = track.readings;
    auto first_open = std::lower_bound(v.begin(), v.end(), c,
                                       [](const window_reading& r, millis t) { return r.ts < t; });
    if (first_open - v.begin() > 1)
      v.erase(v.begin(), first_open - 1); // keep the newest closed reading: the anchor
  }
}

std::vector<std::pair<std::string, device_kind>> home_windows::devices() const {
  std::vector<std::pair<std::string, device_kind>> out;
  out.reserve(devices_.size());
  for (const auto& [id, track] : devices_)
    out.emplace_back(id, track.kind);
  return out;
}

std::size_t home_windows::held_readings() const {
  std::size_t n = 0;
  for (const auto& [id, track] : devices_)
    n += track.readings.size();
  return n;
}

std::vector<usage_window> resume_partials(const window_calendar& calendar, millis c,
                                          const std::vector<std::string>& series,
                                          const stored_window_reader& read) {
  std::vector<usage_window> out;
  millis quarter = floor_to(c, 15 * minute_ms);
  auto fold = [&](const std::string& id, resolution r, millis start, millis end, resolution part,
                  millis from, millis to) {
    if (from >= to)
      return;
    auto parts = read(id, part, from, to);
    if (parts.empty())
      return;
    usage_window w{id, r, start, end, {}};
    for (const auto& p : parts)
      w.stats.add(p.stats);
    out.push_back(std::move(w));
  };
  for (const auto& id : series) {
    millis m15 = calendar.start_of(resolution::m15, c);
    fold(id, resolution::m15, m15, m15 + 15 * minute_ms, resolution::m1, m15, c);
    millis h1 = calendar.start_of(resolution::h1, c);
    fold(id, resolution::h1, h1, h1 + hour_ms, resolution::m15, h1, quarter);
    millis d1 = calendar.start_of(resolution::d1, c);
    millis d1_end = calendar.end_of(resolution::d1, d1);
    if (on_quarter_hours(d1, d1_end))
      fold(id, resolution::d1, d1, d1_end, resolution::m15, d1, quarter);
    else
      fold(id, resolution::d1, d1, d1_end, resolution::m1, d1, c);
  }
  return out;
}

} // namespace hems::streams
