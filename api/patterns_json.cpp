#include "api/patterns_json.hpp"

#include <cmath>

namespace hems::api {

namespace {

/// Rounded to 0.1 W (or 0.001 kW): learned values are not more precise.
/// `step` is 0.1, 0.01 or 0.001; dividing by its inverse keeps 60.0 exact.
double round_to(double v, double step) {
  double per_unit = std::round(1 / step);
  return std::round(v * per_unit) / per_unit;
}

void profile_json(json_writer& w, const streams::week_profile& p) {
  w.begin_object();
  w.key("mean_w").begin_array();
  for (const auto& h : p)
    h.hours ? w.value(round_to(h.mean_w, 0.1)) : w.null();
  w.end_array().key("spread_w").begin_array();
  for (const auto& h : p)
    h.hours ? w.value(round_to(h.spread_w, 0.1)) : w.null();
  w.end_array().key("hours").begin_array();
  for (const auto& h : p)
    w.value(static_cast<std::uint64_t>(h.hours));
  w.end_array().end_object();
}

void optional_number(json_writer& w, std::string_view key, std::optional<double> v,
                     double step) {
  w.key(key);
  v ? w.value(round_to(*v, step)) : w.null();
}

void cycles_json(json_writer& w, const streams::device_patterns& d) {
  const auto& s = d.cycle_stats;
  w.begin_object().field("count", static_cast<std::uint64_t>(s.count));
  w.field("per_week", round_to(s.per_week, 0.01));
  w.key("median_duration_minutes");
  s.median_duration_ms ? w.value(static_cast<std::int64_t>(*s.median_duration_ms / 60'000))
                       : w.null();
  optional_number(w, "median_energy_wh", s.median_energy_wh, 0.1);
  w.key("typical_starts").begin_array();
  for (const auto& t : s.typical_starts)
    w.begin_object().field("hour", t.hour).field("share", round_to(t.share, 0.001)).end_object();
  w.end_array();
  // The newest ten, oldest first.
  w.key("recent").begin_array();
  auto first = d.cycles.size() > 10 ? d.cycles.size() - 10 : 0;
  for (auto i = first; i < d.cycles.size(); ++i) {
    const auto& c = d.cycles[i];
    w.begin_object()
      .field("start", c.start)
      .field("duration_minutes", static_cast<std::int64_t>((c.end - c.start) / 60'000))
      .field("energy_wh", round_to(c.energy_wh, 0.1))
      .field("peak_w", round_to(c.peak_w, 0.1))
      .end_object();
  }
  w.end_array().end_object();
}

} // namespace

std::string patterns_json(const patterns_view& v) {
  json_writer w;
  w.begin_object()
    .field("home", v.home)
    .field("time_zone", v.time_zone);
  for (auto [key, t] : {std::pair{"from", v.from}, std::pair{"to", v.to},
                        std::pair{"closed_until", v.closed_until}}) {
    w.key(key);
    t ? w.value(static_cast<std::int64_t>(*t)) : w.null();
  }
  w.key("home_profile");
  if (v.home_patterns) {
    w.begin_object();
    optional_number(w, "standby_w", v.home_patterns->standby_w, 0.1);
    w.key("profile");
    profile_json(w, v.home_patterns->profile);
    w.end_object();
  } else {
    w.null();
  }
  w.key("occupancy");
  if (v.occupancy) {
    w.begin_array();
    for (const auto& h : *v.occupancy)
      h ? w.value(round_to(*h, 0.001)) : w.null();
    w.end_array();
  } else {
    w.null();
  }
  w.key("devices").begin_array();
  for (const auto& d : v.devices) {
    w.begin_object()
      .field("device", d.device)
      .field("kind", to_string(d.kind))
      .field("in_base_load", streams::in_base_load(d.kind))
      .field("flexible", streams::is_flexible(d.kind));
    optional_number(w, "standby_w", d.standby_w, 0.1);
    w.key("profile");
    profile_json(w, d.profile);
    w.key("cycles");
    cycles_json(w, d);
    w.end_object();
  }
  w.end_array();
  w.key("base_load_forecast");
  if (v.base_load) {
    w.begin_object().field("start", v.base_load->start).field("step_minutes", 15);
    w.key("kw").begin_array();
    for (double kw : v.base_load->kw)
      w.value(round_to(kw, 0.001));
    w.end_array().key("series").begin_array();
    for (const auto& s : v.base_load_series)
      w.value(s);
    w.end_array().end_object();
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

} // namespace hems::api
