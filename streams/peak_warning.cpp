#include "streams/peak_warning.hpp"

#include <algorithm>
#include <cstdio>

namespace hems::streams {

namespace {

std::string kw(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f kW", w / 1000.0);
  return buf;
}

std::string watts(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", w);
  return buf;
}

} // namespace

peak_watch::peak_watch(std::string home, peak_warning_settings settings)
    : home_(std::move(home)), settings_(settings) {}

void peak_watch::observe(const sample& s) {
  auto& r = devices_[s.device];
  if (s.ts_ms < r.ts_ms)
    return; // an older sample arriving late
  r.kind = s.kind;
  r.power_w = s.power_w;
  r.ts_ms = s.ts_ms;
}

double peak_watch::power_w(millis now) const {
  std::optional<double> meter;
  double tracked = 0;
  for (const auto& [id, r] : devices_) {
    if (now - r.ts_ms > settings_.stale_after_ms)
      continue;
    if (r.kind == device_kind::meter)
      meter = meter.value_or(0) + r.power_w;
    else
      tracked += r.power_w;
  }
  return meter.value_or(tracked);
}

std::optional<peak_watch::period_hit> peak_watch::peak_at(millis now, const home_preferences& prefs,
                                                          const local_zone& zone) {
  auto m = zone.moment(now);
  for (const auto& p : prefs.peak_hours) {
    if (!p.contains(m))
      continue;
    // A period past midnight belongs to the day it starts on.
    auto day = p.start < p.end || m.ms_of_day >= p.start ? m.day : m.day - 1;
    return period_hit{zone.at(day, p.start),
                      format_time_of_day(p.start) + "-" + format_time_of_day(p.end)};
  }
  return std::nullopt;
}

std::optional<automation_notice> peak_watch::check(millis now, const home_preferences& prefs,
                                                   const local_zone& zone) {
  double power = power_w(now);
  double limit = prefs.import_cap_w.value_or(settings_.threshold_w);
  // A gap in the samples: whether it stayed high meanwhile is unknown.
  if (last_check_ms_ && now - *last_check_ms_ > settings_.stale_after_ms)
    high_since_ms_.reset();
  last_check_ms_ = now;
  if (power <= limit) {
    high_since_ms_.reset();
    return std::nullopt;
  }
  if (!high_since_ms_)
    high_since_ms_ = now;
  auto peak = peak_at(now, prefs, zone); // only once the power is high
  if (!peak)
    return std::nullopt;
  // High since before the period began: it counts from the period's start.
  millis since = std::max(*high_since_ms_, peak->start_ms);
  if (now - since < settings_.sustain_ms)
    return std::nullopt;
  if (warned_period_ms_ == peak->start_ms || !prefs.notifications.peak_warning)
    return std::nullopt;
  warned_period_ms_ = peak->start_ms;

  // The biggest draw, to say where the power goes.
  std::string top;
  double top_w = 0;
  for (const auto& [id, r] : devices_)
    if (r.kind != device_kind::meter && now - r.ts_ms <= settings_.stale_after_ms &&
        r.power_w > top_w) {
      top = id;
      top_w = r.power_w;
    }

  automation_notice n;
  n.home = home_;
  n.ts_ms = now;
  n.kind = "peak_warning";
  n.subject = home_;
  n.severity = "warning";
  n.title = "High use during peak hours";
  std::string what = prefs.import_cap_w ? "import cap" : "peak-hours threshold";
  n.message = "The home draws " + kw(power) + " during peak hours (" + peak->text +
              "), above its " + kw(limit) + " " + what;
  if (!top.empty())
    n.message += "; the biggest draw is " + top + " (" + kw(top_w) + ")";
  n.evidence["power_w"] = watts(power);
  n.evidence["limit_w"] = watts(limit);
  n.evidence["limit"] = prefs.import_cap_w ? "import_cap_w" : "threshold";
  n.evidence["peak_hours"] = peak->text;
  n.evidence["period_start_ms"] = std::to_string(peak->start_ms);
  n.evidence["high_since_ms"] = std::to_string(since);
  if (!top.empty()) {
    n.evidence["top_device"] = top;
    n.evidence["top_device_w"] = watts(top_w);
  }
  return n;
}

} // namespace hems::streams
