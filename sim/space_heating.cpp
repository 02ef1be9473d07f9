#include "sim/space_heating.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hems::sim {

heating_profile heating_profile::typical(heating_type type, rng& r) {
  heating_profile p;
  p.type = type;
  if (type == heating_type::heat_pump) { // houses, reasonably insulated
    p.loss_w_per_k = r.uniform(80, 140);
    p.time_constant_h = r.uniform(35, 60);
    // Sized for -12 C with room to spare for warming up after a setback.
    p.max_heat_w = std::round(p.loss_w_per_k * 40.0 / 500.0) * 500.0;
    p.hot_water_w = r.uniform(1200, 1800);
  } else { // flats and small houses with panel heaters
    p.loss_w_per_k = r.uniform(45, 75);
    p.time_constant_h = r.uniform(25, 45);
    // A heater per room adds up to far more than the house loses.
    p.max_heat_w = std::round(p.loss_w_per_k * 50.0 / 500.0) * 500.0;
    p.hot_water_w = 0;
  }
  p.comfort_c = std::round(r.uniform(19.5, 21.5) * 2.0) / 2.0;
  // Modest setbacks: a heavy house takes hours to warm up again.
  p.night_c = p.comfort_c - 2.0;
  p.away_c = p.comfort_c - 1.5;
  return p;
}

space_heating::space_heating(std::string id, std::uint64_t seed, heating_profile profile)
    : device_model(std::move(id),
                   profile.type == heating_type::heat_pump ? device_kind::hvac
                                                           : device_kind::thermostat,
                   true),
      profile_(profile), seed_(seed) {}

double space_heating::cop_at(double outdoor_c) {
  // Air-to-water at a 35 C flow: about 3.4 at 2 C, 4.4 at 12 C, 2.5 at -7 C.
  return std::clamp(3.2 + 0.1 * outdoor_c, 2.0, 5.0);
}

double space_heating::program_setpoint(millis t, const home_context& ctx) const {
  if (!ctx.occupied(t))
    return profile_.away_c;
  // Warm by the time they get up.
  if (ctx.awake(t) || ctx.awake(t + hour_ms))
    return profile_.comfort_c;
  return profile_.night_c;
}

double space_heating::equilibrium_c() const {
  return outdoor_c_ + (heat_w_ + gains_w_) / profile_.loss_w_per_k;
}

void space_heating::evolve(millis from, millis to) {
  double eq = equilibrium_c();
  double tau_ms = profile_.time_constant_h * hour_ms;
  indoor_c_ = eq + (indoor_c_ - eq) * std::exp(-static_cast<double>(to - from) / tau_ms);
}

millis space_heating::crossing(millis t, double target) const {
  double eq = equilibrium_c();
  double ratio = (target - eq) / (indoor_c_ - eq);
  if (!(ratio > 0.0 && ratio < 1.0))
    return never;
  double tau_ms = profile_.time_constant_h * hour_ms;
  return t + static_cast<millis>(-tau_ms * std::log(ratio));
}

void space_heating::plan_hot_water(millis t, const home_context& ctx) {
  hot_water_from_ = hot_water_to_ = never;
  if (profile_.hot_water_w <= 0)
    return;
  auto today = ctx.local(t).day;
  double residents = ctx.household().traits().residents;
  for (auto day = today; day <= today + 1; ++day) {
    rng r{derive_seed(seed_, static_cast<std::uint64_t>(day))};
    const auto& plan = ctx.household().plan(day);
    millis morning = plan.wake + r.between(20, 60) * minute_ms;
    millis evening = static_cast<millis>(r.uniform(18.5, 21.0) * hour_ms);
    for (millis start : {morning, evening}) {
      auto minutes = r.uniform(25, 45) * (0.6 + 0.2 * residents);
      millis from = ctx.zone().at(day, start);
      millis to = from + static_cast<millis>(minutes * minute_ms);
      if (to > t) {
        hot_water_from_ = from;
        hot_water_to_ = to;
        return;
      }
    }
  }
}

void space_heating::control(millis t, const home_context& ctx) {
  outdoor_c_ = ctx.outdoor_c(t);
  double sun = std::max(0.0, std::sin(ctx.sun_elevation_deg(t) * std::numbers::pi / 180.0));
  gains_w_ = (ctx.occupied(t) ? 350.0 : 120.0) + 500.0 * sun * ctx.clearness(t);

  double program = program_setpoint(t, ctx);
  if (hold_c_ && program != held_program_c_)
    hold_c_.reset(); // the program moved on: the temporary hold ends
  setpoint_c_ = hold_c_.value_or(program);

  if (t >= hot_water_to_)
    plan_hot_water(t, ctx);
  bool hot_water_now = t >= hot_water_from_ && t < hot_water_to_;
  next_control_ = t + control_period;
  double sp = setpoint_c_;

  if (!enabled_) {
    heater_on_ = false;
    heat_w_ = power_w_ = 0;
    return;
  }
  if (hot_water_now) { // the heat pump serves the tank; the house waits
    heat_w_ = 0;
    power_w_ = profile_.hot_water_w;
    return;
  }
  double upper = sp + 0.25, lower = sp - 0.25;
  if (profile_.type == heating_type::heat_pump) {
    double capacity_wh_per_k = profile_.loss_w_per_k * profile_.time_constant_h;
    double need = profile_.loss_w_per_k * (sp - outdoor_c_) - gains_w_ +
                  capacity_wh_per_k * (sp - indoor_c_) / 1.5; // recover within ~1.5 h
    double least = 0.25 * profile_.max_heat_w;
    if (need >= least) {
      heater_on_ = true;
      heat_w_ = std::min(need, profile_.max_heat_w);
    } else {
      // Below its lowest modulation it cycles around the setpoint.
      if (indoor_c_ < lower && need > 0)
        heater_on_ = true;
      else if (indoor_c_ >= upper || need <= 0)
        heater_on_ = false;
      heat_w_ = heater_on_ ? least : 0.0;
      next_control_ = std::min(
          next_control_, std::max(t + 10 * second_ms, crossing(t, heater_on_ ? upper : lower)));
    }
    power_w_ = heat_w_ / cop_at(outdoor_c_);
  } else {
    if (indoor_c_ < lower)
      heater_on_ = true;
    else if (indoor_c_ >= upper)
      heater_on_ = false;
    heat_w_ = heater_on_ ? profile_.max_heat_w : 0.0;
    power_w_ = heat_w_;
    next_control_ = std::min(next_control_,
                             std::max(t + 10 * second_ms, crossing(t, heater_on_ ? upper : lower)));
  }
}

void space_heating::on_start(millis t, const home_context& ctx) {
  rng r{derive_seed(seed_, "start")};
  indoor_c_ = program_setpoint(t, ctx) + r.uniform(-0.5, 0.3);
  outdoor_c_ = ctx.outdoor_c(t);
  // In a warm season the house is as warm as the weather makes it.
  indoor_c_ = std::max(indoor_c_, std::min(26.0, outdoor_c_ + 3.0));
  plan_hot_water(t, ctx);
  control(t, ctx);
}

millis space_heating::next_change() const {
  millis next = next_control_;
  if (hot_water_from_ > time())
    next = std::min(next, hot_water_from_);
  return std::min(next, hot_water_to_);
}

void space_heating::on_change(millis t, const home_context& ctx) {
  control(t, ctx);
}

device_state space_heating::current_state() const {
  if (!enabled_)
    return device_state::off;
  return power_w_ > 0 ? device_state::on : device_state::standby;
}

command_outcome space_heating::on_command(const command& c, millis t, const home_context& ctx) {
  switch (c.action) {
  case command_action::set: {
    auto sp = c.param("setpoint_c");
    if (!sp || c.params.size() != 1)
      return command_outcome::failed("set on " + id() + " takes exactly setpoint_c");
    if (!(*sp >= 5.0 && *sp <= 30.0))
      return command_outcome::failed("setpoint_c must be within 5..30");
    hold_c_ = *sp;
    held_program_c_ = program_setpoint(t, ctx);
    break;
  }
  case command_action::off:
  case command_action::on:
    enabled_ = c.action == command_action::on;
    break;
  case command_action::start:
    return unsupported(*this, c);
  }
  control(t, ctx);
  return command_outcome::ok();
}

void space_heating::add_details(sample& out) const {
  out.temperature_c = std::round(indoor_c_ * 100.0) / 100.0;
  out.setpoint_c = setpoint_c_;
}

} // namespace hems::sim
