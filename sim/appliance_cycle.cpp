#include "sim/appliance_cycle.hpp"

#include <algorithm>

namespace hems::sim {

appliance_profile appliance_profile::dishwasher() {
  appliance_profile p;
  p.program = {{8, 60, 0.3},     {15, 2000, 0.03}, {35, 150, 0.3},
               {10, 2000, 0.03}, {15, 120, 0.3},   {25, 15, 0.2}};
  p.base_chance = 0.25, p.chance_per_resident = 0.15, p.weekend_bonus = 0.1;
  p.weekday_windows = {{19.0, 21.5}, {7.0, 7.5}};
  p.weekend_windows = {{13.0, 14.5}, {19.5, 21.5}};
  return p;
}

appliance_profile appliance_profile::washing_machine() {
  appliance_profile p;
  p.program = {{6, 80, 0.3}, {15, 2000, 0.03}, {40, 220, 0.5}, {20, 150, 0.4}, {12, 450, 0.4}};
  p.base_chance = 0.1, p.chance_per_resident = 0.08, p.weekend_bonus = 0.25;
  p.weekday_windows = {{18.0, 20.5}};
  p.weekend_windows = {{9.0, 12.0}, {15.0, 17.0}};
  return p;
}

appliance_profile appliance_profile::dryer() {
  appliance_profile p;
  p.program = {{110, 800, 0.15}, {10, 150, 0.2}};
  p.idle_w = 0.3;
  p.base_chance = 0.05, p.chance_per_resident = 0.04, p.weekend_bonus = 0.15;
  p.weekday_windows = {{19.5, 21.5}};
  p.weekend_windows = {{11.0, 14.0}};
  return p;
}

double appliance_profile::cycle_wh() const {
  double wh = 0;
  for (const auto& ph : program)
    wh += ph.watts * ph.minutes / 60.0;
  return wh;
}

appliance_cycle::appliance_cycle(std::string id, std::uint64_t seed, appliance_profile profile)
    : device_model(std::move(id), device_kind::appliance, true), profile_(std::move(profile)),
      seed_(seed), rng_(derive_seed(seed, "cycles")), heater_scale_(rng_.uniform(0.9, 1.1)) {}

appliance_cycle::day_use appliance_cycle::plan_day(std::int64_t day,
                                                   const home_context& ctx) const {
  rng r{derive_seed(seed_, static_cast<std::uint64_t>(day))};
  bool weekend = weekday_of(day) >= 5;
  double chance = profile_.base_chance +
                  profile_.chance_per_resident * ctx.household().traits().residents +
                  (weekend ? profile_.weekend_bonus : 0.0);
  const auto& windows = weekend ? profile_.weekend_windows : profile_.weekday_windows;
  day_use use;
  if (windows.empty() || !r.chance(std::min(chance, 0.95)))
    return use;
  // The first window is the usual one; the others are occasional.
  std::size_t i = windows.size() > 1 && r.chance(0.25) ? 1 + r.next() % (windows.size() - 1) : 0;
  double hour = r.uniform(windows[i].from_h, windows[i].to_h);
  use.load_at = ctx.zone().at(day, static_cast<millis>(hour * hour_ms));
  use.deferred = r.chance(profile_.deferred_share);
  return use;
}

void appliance_cycle::plan_from(millis t, const home_context& ctx) {
  auto day = ctx.local(t).day;
  today_ = plan_day(day, ctx);
  if (today_.load_at < t)
    today_.load_at = never; // that moment has passed
  next_midnight_ = ctx.zone().at(day + 1, 0);
  if (next_midnight_ <= t)
    next_midnight_ = t + 1;
}

void appliance_cycle::on_start(millis t, const home_context& ctx) {
  power_w_ = profile_.idle_w;
  plan_from(t, ctx);
}

millis appliance_cycle::next_change() const {
  millis next = std::min(next_midnight_, today_.load_at);
  if (pending_ && !switched_off_)
    next = std::min(next, deadline_);
  if (phase_)
    next = std::min({next, phase_end_, next_ripple_});
  return next;
}

bool appliance_cycle::load(bool deferred) {
  if (pending_ || phase_)
    return false;
  switched_off_ = false; // the residents press the power button when they load it
  if (deferred) {
    pending_ = true;
    deadline_ = time() + static_cast<millis>(profile_.max_delay_h * hour_ms);
  } else {
    start_cycle(time());
  }
  return true;
}

void appliance_cycle::start_cycle(millis t) {
  pending_ = false;
  deadline_ = never;
  switched_off_ = false;
  enter_phase(0, t);
}

void appliance_cycle::enter_phase(std::size_t index, millis t) {
  if (index >= profile_.program.size()) {
    phase_.reset();
    phase_end_ = next_ripple_ = never;
    power_w_ = profile_.idle_w;
    return;
  }
  phase_ = index;
  double minutes = profile_.program[index].minutes * rng_.uniform(0.9, 1.1);
  phase_end_ = t + std::max<millis>(1, static_cast<millis>(minutes * minute_ms));
  redraw_ripple(t);
}

void appliance_cycle::redraw_ripple(millis t) {
  const auto& ph = profile_.program[*phase_];
  double watts = ph.watts >= 1000 ? ph.watts * heater_scale_ : ph.watts;
  power_w_ = watts * (1.0 + ph.ripple * rng_.uniform(-1.0, 1.0));
  next_ripple_ = ph.ripple > 0 ? t + minute_ms : never;
}

void appliance_cycle::on_change(millis t, const home_context& ctx) {
  if (t >= next_midnight_)
    plan_from(t, ctx);
  if (phase_ && t >= phase_end_)
    enter_phase(*phase_ + 1, t);
  else if (phase_ && t >= next_ripple_)
    redraw_ripple(t);
  if (t >= today_.load_at) {
    bool deferred = today_.deferred;
    today_.load_at = never;
    if (ctx.occupied(t)) // somebody has to be there to load it
      load(deferred);
  }
  if (pending_ && !switched_off_ && t >= deadline_)
    start_cycle(t);
}

double appliance_cycle::drawn_power_w() const {
  if (phase_)
    return power_w_;
  return switched_off_ ? 0.0 : profile_.idle_w;
}

device_state appliance_cycle::current_state() const {
  if (phase_)
    return device_state::on;
  return switched_off_ ? device_state::off : device_state::standby;
}

command_outcome appliance_cycle::on_command(const command& c, millis t, const home_context&) {
  switch (c.action) {
  case command_action::start:
    if (phase_)
      return command_outcome::failed(id() + " is already running a cycle");
    if (!pending_)
      return command_outcome::failed(id() + " has no cycle waiting to start");
    start_cycle(t);
    return command_outcome::ok();
  case command_action::off:
    if (phase_) { // aborted: the load is still in it, waiting again
      phase_.reset();
      phase_end_ = next_ripple_ = never;
      pending_ = true;
      deadline_ = t + static_cast<millis>(profile_.max_delay_h * hour_ms);
    }
    switched_off_ = true;
    return command_outcome::ok();
  case command_action::on:
    switched_off_ = false;
    if (pending_ && t >= deadline_)
      start_cycle(t);
    return command_outcome::ok();
  case command_action::set:
    break;
  }
  return unsupported(*this, c);
}

} // namespace hems::sim
