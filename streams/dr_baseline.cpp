#include "streams/dr_baseline.hpp"

#include <algorithm>
#include <cmath>

#include "streams/local_time.hpp"

namespace hems::streams {

namespace {

constexpr millis quarter_ms = 15 * minute_ms;

bool absent(const baseline_day& d, int t) {
  return !d.absent.empty() && d.absent[t];
}

bool complete(const baseline_day& d) {
  if (d.kw.size() != dr_slots_per_day)
    return false;
  for (int t = 0; t < dr_slots_per_day; ++t)
    if (!std::isfinite(d.kw[t]) && !absent(d, t))
      return false;
  return true;
}

} // namespace

local_slot local_slot_of(millis t, const local_zone& zone) {
  auto m = zone.moment(t);
  return {m.day, static_cast<int>(m.ms_of_day / quarter_ms)};
}

int local_end_slot(std::int64_t day, millis end, const local_zone& zone) {
  auto local = zone.to_local(end);
  if (floor_div(local, day_ms) > day)
    return dr_slots_per_day;
  auto into = local - day * day_ms;
  return static_cast<int>(
      std::clamp<millis>((into + quarter_ms - 1) / quarter_ms, 0, dr_slots_per_day));
}

std::map<std::int64_t, baseline_day> local_days(const std::vector<quarter_energy>& windows,
                                                const local_zone& zone) {
  std::map<std::int64_t, baseline_day> days;
  std::map<std::int64_t, std::vector<int>> counts;
  for (const auto& w : windows) {
    auto at = local_slot_of(w.start, zone);
    auto& d = days[at.day];
    auto& n = counts[at.day];
    if (d.kw.empty()) {
      d.day = at.day;
      d.weekend = weekday_of(at.day) >= 5;
      d.kw.assign(dr_slots_per_day, 0.0);
      n.assign(dr_slots_per_day, 0);
    }
    d.kw[at.slot] += w.energy_wh / 250.0; // Wh in 15 minutes -> kW
    ++n[at.slot];
  }
  for (auto& [day, d] : days) {
    const auto& n = counts[day];
    // Only a day of other than 24 hours has quarter hours that do not exist.
    const bool clocks_change = zone.at(day + 1, 0) - zone.at(day, 0) != day_ms;
    for (int t = 0; t < dr_slots_per_day; ++t) {
      millis local = day * day_ms + t * quarter_ms;
      bool exists = !clocks_change || zone.to_local(zone.to_utc(local)) == local;
      if (!exists) {
        if (d.absent.empty())
          d.absent.assign(dr_slots_per_day, false);
        d.absent[t] = true;
      }
      d.kw[t] = n[t] ? d.kw[t] / n[t] : NAN; // the repeated hour: the average
    }
  }
  return days;
}

std::optional<baseline_result> caiso_baseline(const std::vector<baseline_day>& history,
                                              const baseline_day& event_day, int start_slot,
                                              const baseline_method& method) {
  std::vector<const baseline_day*> eligible;
  for (const auto& d : history)
    if (d.day < event_day.day && d.day >= event_day.day - method.lookback_days &&
        d.weekend == event_day.weekend && !d.event_day && complete(d))
      eligible.push_back(&d);
  if (eligible.empty())
    return std::nullopt;
  std::sort(eligible.begin(), eligible.end(),
            [](const baseline_day* a, const baseline_day* b) { return a->day > b->day; });
  std::size_t wanted =
      static_cast<std::size_t>(event_day.weekend ? method.weekend_days : method.weekday_days);
  if (eligible.size() > wanted)
    eligible.resize(wanted);

  baseline_result r;
  r.unadjusted_kw.assign(dr_slots_per_day, 0.0);
  std::vector<int> days_with(dr_slots_per_day, 0);
  for (const auto* d : eligible) {
    r.days_used.push_back(d->day);
    for (int t = 0; t < dr_slots_per_day; ++t)
      if (std::isfinite(d->kw[t])) { // a DST day may not have it
        r.unadjusted_kw[t] += d->kw[t];
        ++days_with[t];
      }
  }
  for (int t = 0; t < dr_slots_per_day; ++t)
    r.unadjusted_kw[t] = days_with[t] ? r.unadjusted_kw[t] / days_with[t] : 0.0;

  int from = start_slot - method.adjustment_from_h * 4;
  int to = start_slot - method.adjustment_to_h * 4;
  if (from >= 0 && to > from && event_day.kw.size() == dr_slots_per_day) {
    double actual = 0, base = 0;
    bool known = true;
    for (int t = from; t < to; ++t) {
      if (absent(event_day, t))
        continue; // skipped by the clocks going forward
      known = known && std::isfinite(event_day.kw[t]);
      actual += event_day.kw[t];
      base += r.unadjusted_kw[t];
    }
    if (known && base > 0) {
      r.raw_adjustment = actual / base;
      r.adjustment =
          std::clamp(r.raw_adjustment, 1 - method.adjustment_cap, 1 + method.adjustment_cap);
    }
  }
  r.kw = r.unadjusted_kw;
  for (double& v : r.kw)
    v *= r.adjustment;
  return r;
}

shed_report achieved_shed(const baseline_result& baseline, const std::vector<double>& actual_kw,
                          int start_slot, int end_slot) {
  shed_report s;
  start_slot = std::clamp(start_slot, 0, dr_slots_per_day);
  end_slot = std::clamp(end_slot, start_slot, dr_slots_per_day);
  for (int t = start_slot; t < end_slot; ++t) {
    double actual = t < static_cast<int>(actual_kw.size()) ? actual_kw[t] : NAN;
    if (!std::isfinite(actual)) {
      s.shed_kw.push_back(NAN);
      continue;
    }
    double shed = baseline.kw[t] - actual;
    s.shed_kw.push_back(shed);
    s.shed_kwh += shed * 0.25;
    s.baseline_kwh += baseline.kw[t] * 0.25;
    s.actual_kwh += actual * 0.25;
    ++s.slots_known;
  }
  s.average_shed_kw = s.slots_known ? s.shed_kwh / (s.slots_known * 0.25) : 0.0;
  return s;
}

shed_report sum_reports(const std::vector<shed_report>& homes) {
  shed_report total;
  std::size_t n = 0;
  for (const auto& h : homes)
    n = std::max(n, h.shed_kw.size());
  total.shed_kw.assign(n, 0.0);
  std::vector<bool> known(n, false);
  for (const auto& h : homes) {
    for (std::size_t t = 0; t < h.shed_kw.size(); ++t)
      if (std::isfinite(h.shed_kw[t])) {
        total.shed_kw[t] += h.shed_kw[t];
        known[t] = true;
      }
    total.shed_kwh += h.shed_kwh;
    total.baseline_kwh += h.baseline_kwh;
    total.actual_kwh += h.actual_kwh;
  }
  for (std::size_t t = 0; t < n; ++t)
    if (known[t])
      ++total.slots_known;
    else
      total.shed_kw[t] = NAN;
  total.average_shed_kw = total.slots_known ? total.shed_kwh / (total.slots_known * 0.25) : 0.0;
  return total;
}

} // namespace hems::streams
