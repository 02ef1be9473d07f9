#include "sim/ev_charger.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace hems::sim {

ev_charger::ev_charger(std::string id, std::uint64_t seed, ev_profile profile)
    : device_model(std::move(id), device_kind::ev_charger, true), profile_(profile), seed_(seed),
      rng_(derive_seed(seed, "sessions")), limit_w_(profile.charger_w) {}

bool ev_charger::charging() const {
  return car_home_ && plugged_ && enabled_ && soc_pct_ < 100.0;
}

double ev_charger::charge_power_w() const {
  return std::min(profile_.charger_w, limit_w_);
}

void ev_charger::plug_in(double soc) {
  car_home_ = true;
  plugged_ = true;
  enabled_ = true;
  soc_pct_ = std::clamp(soc, 0.0, 100.0);
  today_.departs = today_.returns = never;
  update_full_at(time());
}

ev_charger::trip ev_charger::plan_trip(std::int64_t day, const home_context& ctx) const {
  const day_plan& p = ctx.household().plan(day);
  trip tr;
  if (!p.away)
    return tr;
  rng r{derive_seed(seed_, static_cast<std::uint64_t>(day))};
  // The car goes with the household: a little before they are all gone,
  // back a little before or after they are all in.
  tr.departs = ctx.zone().at(day, std::max<millis>(0, p.leave - r.between(0, 10) * minute_ms));
  tr.returns = ctx.zone().at(day, p.back + r.between(-15, 15) * minute_ms);
  if (tr.returns <= tr.departs)
    tr.returns = tr.departs + hour_ms;
  bool commute = weekday_of(day) < 5 && p.back - p.leave >= 5 * hour_ms;
  tr.km = commute ? profile_.commute_km * r.uniform(0.8, 1.2) : r.uniform(5, 60);
  return tr;
}

void ev_charger::plan_from(millis t, const home_context& ctx) {
  auto day = ctx.local(t).day;
  today_ = plan_trip(day, ctx);
  next_midnight_ = ctx.zone().at(day + 1, 0);
  if (next_midnight_ <= t)
    next_midnight_ = t + 1;
}

void ev_charger::on_start(millis t, const home_context& ctx) {
  plan_from(t, ctx);
  soc_pct_ = rng_.uniform(35, 90);
  if (t >= today_.departs && t < today_.returns) {
    car_home_ = false;
    trip_km_ = today_.km;
  } else {
    car_home_ = true;
    plugged_ = rng_.chance(0.6);
  }
  if (t >= today_.departs)
    today_.departs = never;
  if (t >= today_.returns)
    today_.returns = never;
  update_full_at(t);
}

millis ev_charger::next_change() const {
  millis next = next_midnight_;
  if (car_home_)
    next = std::min(next, today_.departs);
  else
    next = std::min(next, today_.returns);
  return std::min(next, full_at_);
}

void ev_charger::update_full_at(millis t) {
  if (!charging()) {
    full_at_ = never;
    return;
  }
  double missing_wh = (100.0 - soc_pct_) / 100.0 * profile_.capacity_kwh * 1000.0;
  double hours = missing_wh / (charge_power_w() * profile_.efficiency);
  full_at_ = t + std::max<millis>(1, static_cast<millis>(hours * hour_ms) + 1);
}

void ev_charger::evolve(millis from, millis to) {
  if (!charging())
    return;
  double wh = charge_power_w() * profile_.efficiency * static_cast<double>(to - from) / hour_ms;
  soc_pct_ = std::min(100.0, soc_pct_ + wh / (profile_.capacity_kwh * 10.0));
}

void ev_charger::arrive(millis t, const home_context& ctx) {
  car_home_ = true;
  enabled_ = true; // a new session
  double cold = ctx.outdoor_c(t) < 5.0 ? 1.2 : 1.0;
  double used_kwh = trip_km_ * profile_.kwh_per_km * cold;
  soc_pct_ = std::max(5.0, soc_pct_ - used_kwh / profile_.capacity_kwh * 100.0);
  // Plugged in when the charge is low enough to bother, as most drivers do.
  plugged_ = soc_pct_ < rng_.uniform(45, 85);
}

void ev_charger::on_change(millis t, const home_context& ctx) {
  if (t >= full_at_)
    soc_pct_ = 100.0; // absorbs the rounding of the full-time estimate
  if (t >= next_midnight_)
    plan_from(t, ctx);
  if (car_home_ && t >= today_.departs) {
    car_home_ = false;
    plugged_ = false;
    trip_km_ = today_.km;
    today_.departs = never;
  } else if (!car_home_ && t >= today_.returns) {
    today_.returns = never;
    arrive(t, ctx);
  }
  update_full_at(t);
}

double ev_charger::drawn_power_w() const {
  return charging() ? charge_power_w() : 0.0;
}

device_state ev_charger::current_state() const {
  if (!enabled_)
    return device_state::off;
  return charging() ? device_state::on : device_state::standby;
}

command_outcome ev_charger::on_command(const command& c, millis t, const home_context&) {
  switch (c.action) {
  case command_action::off:
  case command_action::on:
    enabled_ = c.action == command_action::on;
    update_full_at(t);
    return command_outcome::ok();
  case command_action::set: {
    auto w = c.param("max_power_w");
    if (!w || c.params.size() != 1)
      return command_outcome::failed("set on " + id() + " takes exactly max_power_w");
    if (!(*w >= min_power_w && *w <= profile_.charger_w))
      return command_outcome::failed("max_power_w must be within " +
                                     std::to_string(static_cast<int>(min_power_w)) + ".." +
                                     std::to_string(static_cast<int>(profile_.charger_w)));
    limit_w_ = *w;
    update_full_at(t);
    return command_outcome::ok();
  }
  case command_action::start:
    break;
  }
  return unsupported(*this, c);
}

void ev_charger::add_details(sample& out) const {
  if (car_home_ && plugged_)
    out.soc_pct = std::round(soc_pct_ * 10.0) / 10.0;
}

} // namespace hems::sim
