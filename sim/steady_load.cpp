#include "sim/steady_load.hpp"

#include <algorithm>

namespace hems::sim {

steady_load::steady_load(std::string id, std::uint64_t seed, double watts_lo, double watts_hi,
                         device_state idle_state)
    : device_model(std::move(id), device_kind::plug, true), rng_(seed),
      mean_w_(rng_.uniform(watts_lo, watts_hi)), idle_state_(idle_state) {}

void steady_load::redraw(millis t) {
  power_w_ = std::max(0.1, rng_.normal(mean_w_, 0.04 * mean_w_));
  next_ = t + minute_ms;
}

void steady_load::on_start(millis t, const home_context&) {
  redraw(t);
}

void steady_load::on_change(millis t, const home_context&) {
  redraw(t);
}

command_outcome steady_load::on_command(const command& c, millis, const home_context&) {
  if (c.action == command_action::off || c.action == command_action::on) {
    switched_off_ = c.action == command_action::off;
    return command_outcome::ok();
  }
  return unsupported(*this, c);
}

} // namespace hems::sim
