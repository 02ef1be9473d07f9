#include "streams/anomalies.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "core/json_writer.hpp"

namespace hems::streams {

namespace {

std::string fixed(double v, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string duration_text(millis ms) {
  auto minutes = ms / minute_ms;
  if (minutes < 120)
    return std::to_string(minutes) + " min";
  return fixed(static_cast<double>(ms) / hour_ms, 1) + " h";
}

/// `v` to `decimals` places (divided, so 31.54 prints as 31.54).
double rounded(double v, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

bool name_says_essential(const std::string& device) {
  std::string lower;
  for (char c : device)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (auto word : {"fridge", "freezer", "medical"})
    if (lower.find(word) != std::string::npos)
      return true;
  return false;
}

} // namespace

std::string insight_json(const std::string& home, const insight& i) {
  json_writer w;
  w.begin_object()
      .field("home", home)
      .field("ts_ms", i.ts)
      .field("kind", i.kind)
      .field("subject", i.subject)
      .field("severity", i.severity)
      .field("title", i.title)
      .field("message", i.message)
      .key("evidence")
      .begin_object();
  for (const auto& e : i.evidence) {
    w.key(e.name);
    std::visit(
        [&](const auto& v) {
          // Figures for people: a thousandth is enough (and sums of windows
          // print as 2000, not 1999.9999999999995).
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, double>)
            w.value(rounded(v, 3));
          else
            w.value(v);
        },
        e.value);
  }
  w.end_object().end_object();
  return w.take();
}

std::optional<insight> unusual_hour(const usage_window& hour, const profile_hour& expected,
                                    int hour_of_week, const anomaly_settings& s) {
  auto length = hour.end - hour.start;
  if (hour.res != resolution::h1 || length <= 0 || hour.stats.covered_ms * 2 < length)
    return std::nullopt;
  if (expected.hours < s.min_weeks)
    return std::nullopt;
  double power = hour.stats.energy_wh * 3'600'000.0 / static_cast<double>(length);
  double spread = std::max(expected.spread_w, s.spread_floor_share * expected.mean_w);
  double limit = expected.mean_w + std::max(s.spread_k * spread, s.min_excess_w);
  if (power <= limit)
    return std::nullopt;
  insight out;
  out.ts = hour.start;
  out.kind = "unusual_usage";
  out.subject = hour.series;
  out.severity = power > expected.mean_w + 2 * (limit - expected.mean_w) ? "alert" : "warning";
  out.title = hour.series + " used far more than usual";
  out.message = hour.series + " averaged " + fixed(power) + " W in this hour; it usually draws " +
                fixed(expected.mean_w) + " W (spread " + fixed(expected.spread_w) +
                " W) at this hour of the week.";
  out.evidence = {
      {"window_start_ms", hour.start},
      {"window_end_ms", hour.end},
      {"energy_wh", hour.stats.energy_wh},
      {"avg_power_w", power},
      {"expected_mean_w", expected.mean_w},
      {"expected_spread_w", expected.spread_w},
      {"threshold_w", limit},
      {"k", s.spread_k},
      {"weeks_seen", static_cast<std::int64_t>(expected.hours)},
      {"hour_of_week", static_cast<std::int64_t>(hour_of_week)},
  };
  return out;
}

bool should_be_off_when_idle(const std::string& device, device_kind kind) {
  switch (kind) {
  case device_kind::plug:
  case device_kind::appliance:
  case device_kind::light:
    return !name_says_essential(device);
  default:
    return false;
  }
}

std::optional<insight> standby_waste(const std::string& device, device_kind kind,
                                     std::optional<double> standby_w, const week_profile& profile,
                                     millis ts, const anomaly_settings& s) {
  if (!standby_w || *standby_w < s.standby_min_w || !should_be_off_when_idle(device, kind))
    return std::nullopt;
  double busiest = 0;
  for (const auto& h : profile)
    if (h.hours > 0)
      busiest = std::max(busiest, h.mean_w);
  if (busiest < *standby_w + s.standby_active_above_w)
    return std::nullopt; // always at the same draw: on, not idle
  double kwh_year = *standby_w * 8760.0 / 1000.0;
  double cost = kwh_year * s.price_per_kwh;
  insight out;
  out.ts = ts;
  out.kind = "standby";
  out.subject = device;
  out.severity = "info";
  out.title = device + " wastes energy in standby";
  out.message = device + " draws " + fixed(*standby_w, 1) + " W even when idle: about " +
                fixed(kwh_year) + " kWh a year, " + fixed(cost, 2) + " " + s.currency +
                " at " + fixed(s.price_per_kwh, 2) + " " + s.currency +
                "/kWh. Switching it off when not in use saves that.";
  out.evidence = {
      {"standby_w", *standby_w},
      {"busiest_hour_w", busiest},
      {"threshold_w", s.standby_min_w},
      {"kwh_per_year", kwh_year},
      {"cost_per_year", rounded(cost, 2)},
      {"price_per_kwh", s.price_per_kwh},
      {"currency", s.currency},
      {"device_kind", std::string{to_string(kind)}},
  };
  return out;
}

millis offline_tracker::timeout(const device& d) const {
  double usual = d.interval_ms.value_or(0) * settings_.interval_factor;
  return std::max(settings_.offline_min_ms, static_cast<millis>(usual));
}

std::optional<millis> offline_tracker::timeout_of(const std::string& device) const {
  auto it = devices_.find(device);
  if (it == devices_.end())
    return std::nullopt;
  return timeout(it->second);
}

bool offline_tracker::is_offline(const std::string& device) const {
  auto it = devices_.find(device);
  return it != devices_.end() && it->second.offline;
}

std::optional<insight> offline_tracker::seen(const std::string& device, millis ts, millis now) {
  newest_ = std::max(newest_.value_or(ts), ts);
  auto [it, fresh] = devices_.try_emplace(device);
  auto& d = it->second;
  d.arrived = std::max(d.arrived, now);
  if (fresh) {
    d.last = ts;
    return std::nullopt;
  }
  if (ts <= d.last)
    return std::nullopt; // late or repeated: says nothing about now
  millis gap = ts - d.last;
  std::optional<insight> out;
  if (d.offline) {
    insight i;
    i.ts = ts;
    i.kind = "offline";
    i.subject = device;
    i.severity = "info";
    i.title = device + " is back online";
    i.message = device + " reports again after " + duration_text(gap) + " without a sample.";
    i.evidence = {{"online", true},
                  {"last_sample_ms", d.last},
                  {"back_ms", ts},
                  {"silent_ms", gap}};
    out = std::move(i);
    d.offline = false;
  } else {
    // The usual interval follows the normal gaps, not outages.
    if (!d.interval_ms)
      d.interval_ms = static_cast<double>(gap);
    else if (gap <= timeout(d))
      d.interval_ms = 0.8 * *d.interval_ms + 0.2 * static_cast<double>(gap);
  }
  d.last = ts;
  return out;
}

void offline_tracker::mark_offline(const std::string& device, millis last_sample) {
  auto& d = devices_[device];
  if (last_sample < d.last)
    return; // it reported since
  d.last = last_sample;
  d.offline = true;
}

std::vector<insight> offline_tracker::check(millis reference, millis now, millis server_grace) {
  std::vector<insight> out;
  for (auto& [id, d] : devices_) {
    if (d.offline || now - d.arrived < server_grace)
      continue;
    millis limit = timeout(d);
    millis silent = reference - d.last;
    if (silent <= limit)
      continue;
    d.offline = true;
    d.offline_since = d.last + limit;
    insight i;
    i.ts = d.last + limit;
    i.kind = "offline";
    i.subject = id;
    i.severity = "warning";
    i.title = id + " is offline";
    i.message = id + " has sent no sample for " + duration_text(silent) + " (usually every " +
                duration_text(static_cast<millis>(d.interval_ms.value_or(0))) +
                "); its power no longer counts in the home's total.";
    i.evidence = {{"online", false},
                  {"last_sample_ms", d.last},
                  {"silent_ms", silent},
                  {"usual_interval_ms", static_cast<std::int64_t>(d.interval_ms.value_or(0))},
                  {"timeout_ms", limit}};
    out.push_back(std::move(i));
  }
  return out;
}

millis insight_dedup::repeat_of(const std::string& kind) const {
  if (kind == "standby")
    return settings_.standby_repeat_ms;
  if (kind == "unusual_usage")
    return settings_.unusual_repeat_ms;
  return 0; // offline: its tracker says once per outage
}

bool insight_dedup::admit(const insight& i) {
  auto repeat = repeat_of(i.kind);
  auto key = std::pair{i.kind, i.subject};
  auto it = last_.find(key);
  if (it != last_.end() && repeat > 0 && i.ts < it->second + repeat)
    return false; // within the period of the last one (or older): nothing new
  auto& last = last_[key];
  last = std::max(last, i.ts);
  return true;
}

void insight_dedup::remember(const std::string& kind, const std::string& subject, millis ts) {
  auto& t = last_[{kind, subject}];
  t = std::max(t, ts);
}

std::vector<insight> home_insights::relearn(const std::vector<series_input>& devices,
                                            const local_zone& zone, millis ts) {
  std::vector<insight> out;
  devices_.clear();
  for (const auto& d : devices) {
    auto& l = devices_[d.device];
    l.kind = d.kind;
    l.profile = hour_of_week_profile(d.quarters, zone);
    auto standby = standby_baseline_w(d.quarters);
    if (auto i = standby_waste(d.device, d.kind, standby, l.profile, ts, settings_))
      if (dedup_.admit(*i))
        out.push_back(std::move(*i));
  }
  learned_ = true;
  return out;
}

std::vector<insight> home_insights::on_closed(const std::vector<usage_window>& closed,
                                              const local_zone& zone) {
  std::vector<insight> out;
  if (!learned_)
    return out;
  for (const auto& w : closed) {
    if (w.res != resolution::h1)
      continue;
    auto it = devices_.find(w.series);
    if (it == devices_.end())
      continue;
    // Production, meters and presence have no "too much" to warn about.
    auto kind = it->second.kind;
    if (kind == device_kind::pv || kind == device_kind::meter || kind == device_kind::presence)
      continue;
    int how = hour_of_week(zone, w.start);
    if (auto i = unusual_hour(w, it->second.profile[static_cast<std::size_t>(how)], how,
                              settings_))
      if (dedup_.admit(*i))
        out.push_back(std::move(*i));
  }
  return out;
}

std::vector<insight> home_insights::on_sample(const std::string& device, millis ts, millis now) {
  std::vector<insight> out;
  if (auto i = offline_.seen(device, ts, now))
    out.push_back(std::move(*i));
  return out;
}

std::vector<insight> home_insights::check_offline(millis reference, millis now,
                                                  millis server_grace) {
  return offline_.check(reference, now, server_grace);
}

} // namespace hems::streams
