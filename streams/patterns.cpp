#include "streams/patterns.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace hems::streams {

int hour_of_week(const local_zone& zone, millis utc) {
  auto m = zone.moment(utc);
  return m.weekday * 24 + static_cast<int>(m.ms_of_day / hour_ms);
}

std::optional<double> quarter_power_w(const usage_window& w) {
  auto length = w.end - w.start;
  if (length <= 0 || w.stats.covered_ms * 2 < length)
    return std::nullopt;
  return w.stats.energy_wh * 3'600'000.0 / static_cast<double>(length);
}

week_profile hour_of_week_profile(std::span<const usage_window> quarters, const local_zone& zone) {
  // Local hour (as local ms / hour) -> sum and count of its quarters' power.
  std::map<std::int64_t, std::pair<double, int>> hours;
  for (const auto& q : quarters) {
    auto p = quarter_power_w(q);
    if (!p)
      continue;
    auto& h = hours[floor_div(zone.to_local(q.start), hour_ms)];
    h.first += *p;
    ++h.second;
  }
  // Welford's running mean and variance per hour of the week.
  week_profile out{};
  std::array<double, hours_per_week> m2{};
  for (const auto& [local_hour, sum] : hours) {
    auto day = floor_div(local_hour, 24);
    int how = weekday_of(day) * 24 + static_cast<int>(local_hour - day * 24);
    double v = sum.first / sum.second;
    auto& b = out[static_cast<std::size_t>(how)];
    ++b.hours;
    double delta = v - b.mean_w;
    b.mean_w += delta / b.hours;
    m2[static_cast<std::size_t>(how)] += delta * (v - b.mean_w);
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].hours > 0)
      out[i].spread_w = std::sqrt(m2[i] / out[i].hours);
  return out;
}

namespace {

std::optional<double> percentile_of(std::vector<double> values, double p) {
  if (values.empty())
    return std::nullopt;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p of the values at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(std::clamp(p, 0.0, 1.0) * values.size()));
  return values[rank == 0 ? 0 : rank - 1];
}

template <class T> std::optional<T> median_of(std::vector<T> v) {
  if (v.empty())
    return std::nullopt;
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}

std::vector<const usage_window*> sorted(std::span<const usage_window> quarters) {
  std::vector<const usage_window*> out;
  out.reserve(quarters.size());
  for (const auto& q : quarters)
    out.push_back(&q);
  std::sort(out.begin(), out.end(),
            [](const usage_window* a, const usage_window* b) { return a->start < b->start; });
  return out;
}

} // namespace

std::optional<double> standby_baseline_w(std::span<const usage_window> quarters,
                                         double percentile) {
  std::vector<double> values;
  values.reserve(quarters.size());
  for (const auto& q : quarters)
    if (auto p = quarter_power_w(q))
      values.push_back(*p);
  return percentile_of(std::move(values), percentile);
}

std::vector<appliance_cycle> detect_cycles(std::span<const usage_window> quarters,
                                           double standby_w, const cycle_settings& s) {
  std::vector<appliance_cycle> out;
  auto qs = sorted(quarters);
  if (qs.empty())
    return out;
  std::vector<double> powers;
  for (const auto* q : qs)
    if (auto p = quarter_power_w(*q))
      powers.push_back(*p);
  auto p99 = percentile_of(powers, 0.99);
  if (!p99)
    return out;
  double threshold =
    standby_w + std::max(s.min_above_standby_w, s.relative_threshold * (*p99 - standby_w));

  std::optional<appliance_cycle> run;
  bool run_cut = false; // the run touched the first window seen or a gap: its length is unknown
  int quiet = 0;
  auto finish = [&] {
    if (run && !run_cut && run->energy_wh >= s.min_energy_wh &&
        run->end - run->start <= s.max_duration_ms)
      out.push_back(*run);
    run.reset();
    run_cut = false;
    quiet = 0;
  };
  bool after_gap = true; // what came before the first window is unknown
  millis expected = qs.front()->start;
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const auto& q = *qs[i];
    auto p = quarter_power_w(q);
    bool jump = q.start != expected;
    expected = q.end;
    if (jump || !p) {
      if (run)
        run_cut = true;
      finish();
      after_gap = true;
    }
    if (!p)
      continue;
    if (*p > threshold) {
      if (!run) {
        run = appliance_cycle{q.start, q.end, 0, 0};
        run_cut = after_gap;
      } else {
        // Quiet quarters inside a cycle belong to it.
        for (std::size_t k = i - static_cast<std::size_t>(quiet); k < i; ++k)
          run->energy_wh += qs[k]->stats.energy_wh;
      }
      quiet = 0;
      run->end = q.end;
      run->energy_wh += q.stats.energy_wh;
      run->peak_w = std::max(run->peak_w, q.stats.max_power_w.value_or(*p));
    } else if (run && ++quiet > s.max_quiet_quarters) {
      finish();
    }
    after_gap = false;
  }
  // A run still going at the last window seen may not be over.
  if (run && quiet == 0)
    run_cut = true;
  finish();
  return out;
}

cycle_summary summarize_cycles(std::span<const appliance_cycle> cycles, const local_zone& zone,
                               millis period_ms) {
  cycle_summary out;
  out.count = cycles.size();
  if (period_ms > 0)
    out.per_week = static_cast<double>(cycles.size()) * (7.0 * day_ms) / period_ms;
  std::vector<millis> durations;
  std::vector<double> energies;
  std::array<int, 24> starts{};
  for (const auto& c : cycles) {
    durations.push_back(c.end - c.start);
    energies.push_back(c.energy_wh);
    ++starts[static_cast<std::size_t>(zone.moment(c.start).ms_of_day / hour_ms)];
  }
  out.median_duration_ms = median_of(std::move(durations));
  out.median_energy_wh = median_of(std::move(energies));
  std::vector<int> hours(24);
  for (int h = 0; h < 24; ++h)
    hours[static_cast<std::size_t>(h)] = h;
  std::stable_sort(hours.begin(), hours.end(), [&](int a, int b) {
    return starts[static_cast<std::size_t>(a)] > starts[static_cast<std::size_t>(b)];
  });
  for (int h : hours) {
    auto n = starts[static_cast<std::size_t>(h)];
    if (n == 0 || out.typical_starts.size() == 3)
      break;
    out.typical_starts.push_back({h, static_cast<double>(n) / static_cast<double>(cycles.size())});
  }
  return out;
}

std::optional<occupancy_week>
occupancy_profile(std::span<const std::vector<usage_window>> presence_sensors,
                  const local_zone& zone) {
  // Quarter start -> the most occupied share among the sensors.
  std::map<millis, double> quarters;
  for (const auto& sensor : presence_sensors)
    for (const auto& q : sensor) {
      if (!q.stats.occupied_ms || q.end <= q.start)
        continue;
      double share = std::clamp(static_cast<double>(*q.stats.occupied_ms) / (q.end - q.start),
                                0.0, 1.0);
      auto [it, fresh] = quarters.emplace(q.start, share);
      if (!fresh)
        it->second = std::max(it->second, share);
    }
  if (quarters.empty())
    return std::nullopt;
  std::array<double, hours_per_week> sum{};
  std::array<int, hours_per_week> n{};
  for (const auto& [start, share] : quarters) {
    auto how = static_cast<std::size_t>(hour_of_week(zone, start));
    sum[how] += share;
    ++n[how];
  }
  occupancy_week out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    if (n[i] > 0)
      out[i] = sum[i] / n[i];
  return out;
}

bool in_base_load(device_kind kind) {
  switch (kind) {
  case device_kind::unknown:
  case device_kind::light:
  case device_kind::plug:
  case device_kind::appliance:
    return true;
  default:
    return false;
  }
}

bool is_flexible(device_kind kind) {
  switch (kind) {
  case device_kind::thermostat:
  case device_kind::hvac:
  case device_kind::water_heater:
  case device_kind::ev_charger:
  case device_kind::battery:
    return true;
  default:
    return false;
  }
}

std::vector<usage_window> sum_quarters(std::span<const std::vector<usage_window>> series,
                                       std::string_view name) {
  std::map<millis, usage_window> by_start;
  for (const auto& s : series)
    for (const auto& q : s) {
      auto [it, fresh] = by_start.try_emplace(q.start);
      auto& w = it->second;
      if (fresh) {
        w = q;
        w.series = std::string{name};
        continue;
      }
      w.end = std::max(w.end, q.end);
      w.stats.energy_wh += q.stats.energy_wh;
      w.stats.samples += q.stats.samples;
      w.stats.covered_ms = std::max(w.stats.covered_ms, q.stats.covered_ms);
      if (q.stats.max_power_w)
        w.stats.max_power_w = std::max(w.stats.max_power_w.value_or(*q.stats.max_power_w),
                                       *q.stats.max_power_w);
    }
  std::vector<usage_window> out;
  out.reserve(by_start.size());
  for (auto& [start, w] : by_start)
    out.push_back(std::move(w));
  return out;
}

} // namespace hems::streams

namespace hems::streams {

device_patterns learn_device(const series_input& in, const local_zone& zone, millis period_ms) {
  device_patterns out;
  out.device = in.device;
  out.kind = in.kind;
  out.profile = hour_of_week_profile(in.quarters, zone);
  out.standby_w = standby_baseline_w(in.quarters);
  if (out.standby_w && in.kind != device_kind::presence && in.kind != device_kind::pv &&
      in.kind != device_kind::meter)
    out.cycles = detect_cycles(in.quarters, *out.standby_w);
  out.cycle_stats = summarize_cycles(out.cycles, zone, period_ms);
  return out;
}

} // namespace hems::streams
