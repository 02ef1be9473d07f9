#include "sim/water_heater.hpp"

#include <algorithm>
#include <cmath>

namespace hems::sim {

water_heater::water_heater(std::string id, std::uint64_t seed)
    : device_model(std::move(id), device_kind::water_heater, true), seed_(seed) {
  rng r{derive_seed(seed, "tank")};
  rated_w_ = std::round(r.uniform(2000, 3000) / 100.0) * 100.0;
  capacity_wh_per_k_ = r.uniform(120, 200) * 1.163; // litres of water
  loss_w_ = r.uniform(30, 55);
}

void water_heater::plan_draw(millis t, const home_context& ctx) {
  next_draw_ = never;
  auto today = ctx.local(t).day;
  double residents = ctx.household().traits().residents;
  for (auto day = today; day <= today + 1; ++day) {
    rng r{derive_seed(seed_, static_cast<std::uint64_t>(day))};
    const auto& plan = ctx.household().plan(day);
    // Showers one after another after getting up; washing up in the evening.
    millis at = plan.wake + r.between(10, 40) * minute_ms;
    auto showers = static_cast<int>(residents);
    for (int i = 0; i <= showers; ++i) {
      bool evening = i == showers;
      if (evening)
        at = static_cast<millis>(r.uniform(18.0, 22.0) * hour_ms);
      // A five-minute shower: ~40 l heated by 30 K, ~1.4 kWh; not everyone every day.
      double wh = evening ? r.uniform(400, 1000) : r.uniform(900, 1700) * (r.chance(0.8) ? 1 : 0);
      millis when = ctx.zone().at(day, at);
      if (when > t && wh > 0) {
        next_draw_ = when;
        next_draw_wh_ = wh;
        return;
      }
      at += r.between(10, 25) * minute_ms;
    }
  }
}

void water_heater::thermostat(millis t) {
  if (tank_c_ < setpoint_c_ - hysteresis_k)
    element_on_ = true;
  else if (tank_c_ >= setpoint_c_)
    element_on_ = false;
  // The tank's temperature moves linearly: when it crosses the next threshold is exact.
  double rate_k_per_h = ((heating() ? rated_w_ : 0.0) - loss_w_) / capacity_wh_per_k_;
  double target = heating() ? setpoint_c_ : setpoint_c_ - hysteresis_k;
  double hours = (target - tank_c_) / rate_k_per_h;
  next_thermostat_ =
      hours > 0 ? t + std::max<millis>(1000, static_cast<millis>(hours * hour_ms)) : t + hour_ms;
}

void water_heater::on_start(millis t, const home_context& ctx) {
  rng r{derive_seed(seed_, "start")};
  tank_c_ = setpoint_c_ - r.uniform(0, hysteresis_k);
  plan_draw(t, ctx);
  thermostat(t);
}

millis water_heater::next_change() const {
  return std::min(next_draw_, next_thermostat_);
}

void water_heater::evolve(millis from, millis to) {
  double hours = static_cast<double>(to - from) / hour_ms;
  // Losses are taken as constant; the tank never cools below the room it stands in.
  tank_c_ = std::max(20.0, tank_c_ + ((heating() ? rated_w_ : 0.0) - loss_w_) * hours /
                                         capacity_wh_per_k_);
}

void water_heater::on_change(millis t, const home_context& ctx) {
  if (t >= next_draw_) {
    tank_c_ = std::max(12.0, tank_c_ - next_draw_wh_ / capacity_wh_per_k_);
    plan_draw(t, ctx);
  }
  thermostat(t);
}

device_state water_heater::current_state() const {
  if (!enabled_)
    return device_state::off;
  return heating() ? device_state::on : device_state::standby;
}

command_outcome water_heater::on_command(const command& c, millis t, const home_context&) {
  switch (c.action) {
  case command_action::off:
  case command_action::on:
    enabled_ = c.action == command_action::on;
    break;
  case command_action::set: {
    auto sp = c.param("setpoint_c");
    if (!sp || c.params.size() != 1)
      return command_outcome::failed("set on " + id() + " takes exactly setpoint_c");
    if (!(*sp >= 40.0 && *sp <= 75.0))
      return command_outcome::failed("setpoint_c must be within 40..75");
    setpoint_c_ = *sp;
    break;
  }
  case command_action::start:
    return unsupported(*this, c);
  }
  thermostat(t);
  return command_outcome::ok();
}

void water_heater::add_details(sample& out) const {
  out.temperature_c = std::round(tank_c_ * 100.0) / 100.0;
  out.setpoint_c = setpoint_c_;
}

} // namespace hems::sim
