#include "streams/dr_baseline.hpp"

#include <algorithm>
#include <cmath>

namespace hems::streams {

namespace {

bool complete(const baseline_day& d) {
  return d.kw.size() == dr_slots_per_day &&
         std::all_of(d.kw.begin(), d.kw.end(), [](double v) { return std::isfinite(v); });
}

} // namespace

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
  std::size_t wanted = static_cast<std::size_t>(event_day.weekend ? method.weekend_days
                                                                  : method.weekday_days);
  if (eligible.size() > wanted)
    eligible.resize(wanted);

  baseline_result r;
  r.unadjusted_kw.assign(dr_slots_per_day, 0.0);
  for (const auto* d : eligible) {
    r.days_used.push_back(d->day);
    for (int t = 0; t < dr_slots_per_day; ++t)
      r.unadjusted_kw[t] += d->kw[t];
  }
  for (double& v : r.unadjusted_kw)
    v /= static_cast<double>(eligible.size());

  int from = start_slot - method.adjustment_from_h * 4;
  int to = start_slot - method.adjustment_to_h * 4;
  if (from >= 0 && to > from && event_day.kw.size() == dr_slots_per_day) {
    double actual = 0, base = 0;
    bool known = true;
    for (int t = from; t < to; ++t) {
      known = known && std::isfinite(event_day.kw[t]);
      actual += event_day.kw[t];
      base += r.unadjusted_kw[t];
    }
    if (known && base > 0) {
      r.raw_adjustment = actual / base;
      r.adjustment = std::clamp(r.raw_adjustment, 1 - method.adjustment_cap,
                                1 + method.adjustment_cap);
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
