#include "sim/fridge.hpp"

#include <algorithm>

namespace hems::sim {

fridge_model::fridge_model(std::string id, std::uint64_t seed, fridge_profile p)
    : device_model(std::move(id), device_kind::appliance, true), profile_(p), rng_(seed),
      seed_(seed), rated_w_(rng_.uniform(p.compressor_w_lo, p.compressor_w_hi)) {}

millis fridge_model::defrost_time(std::int64_t day, const home_context& ctx) const {
  // Once a day at a time fixed per appliance (the controller's own clock).
  rng r{derive_seed(seed_, "defrost")};
  return ctx.zone().at(day, r.between(0, 23) * hour_ms + r.between(0, 59) * minute_ms);
}

void fridge_model::on_start(millis t, const home_context& ctx) {
  if (profile_.defrost_w > 0) {
    auto day = ctx.local(t).day;
    next_defrost_ = defrost_time(day, ctx);
    if (next_defrost_ <= t)
      next_defrost_ = defrost_time(day + 1, ctx);
  }
  // Start somewhere inside a cycle, so a fleet of fridges is not in step.
  if (rng_.chance(0.35)) {
    cool(t);
    next_ = t + static_cast<millis>(rng_.uniform(0.0, 1.0) * (next_ - t)) + 1;
  } else {
    rest(t, ctx);
    next_ = t + static_cast<millis>(rng_.uniform(0.0, 1.0) * (next_ - t)) + 1;
  }
}

void fridge_model::rest(millis t, const home_context& ctx) {
  phase_ = phase::resting;
  power_w_ = profile_.idle_w;
  double minutes = rng_.uniform(profile_.off_min_lo, profile_.off_min_hi);
  // A warm kitchen and an opened door shorten the rest; a cool night lengthens it.
  double hour = ctx.local(t).hour();
  if (hour < 6.0)
    minutes *= 1.25;
  else if (hour >= 14.0 && hour < 21.0)
    minutes *= 0.85;
  if (ctx.awake(t))
    minutes *= rng_.uniform(0.7, 0.95);
  next_ = t + static_cast<millis>(minutes * minute_ms);
  if (next_defrost_ != never && next_ > next_defrost_)
    next_ = std::max(next_defrost_, t + 1);
}

void fridge_model::cool(millis t) {
  phase_ = phase::cooling;
  power_w_ = rated_w_ * rng_.uniform(0.94, 1.06);
  next_ = t + static_cast<millis>(rng_.uniform(profile_.on_min_lo, profile_.on_min_hi) * minute_ms);
}

void fridge_model::on_change(millis t, const home_context& ctx) {
  if (phase_ == phase::resting && next_defrost_ != never && t >= next_defrost_) {
    phase_ = phase::defrosting;
    power_w_ = profile_.defrost_w;
    next_ = t + static_cast<millis>(profile_.defrost_min * minute_ms);
    next_defrost_ = defrost_time(ctx.local(t).day + 1, ctx);
    return;
  }
  if (phase_ == phase::cooling)
    rest(t, ctx);
  else
    cool(t); // after a rest, and after defrosting the compressor pulls the heat out again
}

double fridge_model::drawn_power_w() const {
  return power_w_;
}

device_state fridge_model::current_state() const {
  return phase_ == phase::resting ? device_state::standby : device_state::on;
}

command_outcome fridge_model::on_command(const command& c, millis, const home_context&) {
  if (c.action == command_action::on)
    return command_outcome::ok(); // it is always on
  if (c.action == command_action::off)
    return command_outcome::failed(id() + " is essential and is never switched off");
  return unsupported(*this, c);
}

} // namespace hems::sim
