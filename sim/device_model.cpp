#include "sim/device_model.hpp"

#include <algorithm>
#include <cmath>

namespace hems::sim {

namespace {

double round_to(double v, double step) {
  return std::round(v / step) * step;
}

} // namespace

void device_model::start(millis t, const home_context& ctx) {
  if (started_)
    return;
  started_ = true;
  time_ = t;
  on_start(t, ctx);
}

void device_model::run_until(millis t) {
  if (t <= time_)
    return;
  // The power of the interval is the power at its start: evolve() may move
  // the state to where the next event would change it (a battery full).
  energy_wh_ += drawn_power_w() * static_cast<double>(t - time_) / 3'600'000.0;
  evolve(time_, t);
  time_ = t;
}

void device_model::advance_to(millis t, const home_context& ctx) {
  start(t, ctx);
  int at_this_instant = 0;
  for (millis next = next_change(); next <= t; next = next_change()) {
    // Several events may fall on one instant; a model that keeps asking for
    // the past, though, would loop forever: leave it for the next call.
    millis at = std::max(next, time_);
    if (at > time_)
      at_this_instant = 0;
    else if (++at_this_instant > 64)
      break;
    run_until(at);
    on_change(at, ctx);
  }
  run_until(t);
}

command_outcome device_model::apply(const command& c, millis t, const home_context& ctx) {
  advance_to(t, ctx);
  return on_command(c, time_, ctx);
}

command_outcome device_model::on_command(const command& c, millis, const home_context&) {
  return unsupported(*this, c);
}

void device_model::read(sample& out) const {
  out.device = id_;
  out.kind = kind_;
  out.power_w = round_to(reported_power_w(), 0.1) + 0.0; // + 0.0: no "-0"
  out.state = current_state();
  out.energy_wh =
      has_meter_ ? std::optional<double>{round_to(reported_energy_wh(), 0.001)} : std::nullopt;
  out.occupied.reset();
  out.temperature_c.reset();
  out.setpoint_c.reset();
  out.soc_pct.reset();
  add_details(out);
}

command_outcome unsupported(const device_model& d, const command& c) {
  return command_outcome::failed(std::string{d.id()} + " does not support '" +
                                 std::string{to_string(c.action)} + "'");
}

} // namespace hems::sim
