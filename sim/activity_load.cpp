#include "sim/activity_load.hpp"

#include <algorithm>

namespace hems::sim {

namespace {
using win = activity_window;
using d = activity_window::days;
} // namespace

activity_profile light_profile(std::string_view room) {
  activity_profile p;
  p.kind = device_kind::light;
  p.needs_dark = true;
  p.dimmable = true;
  p.has_meter = false; // smart bulbs rarely meter: their energy follows the power rule
  p.forget_chance = 0.05;
  if (room == "living") {
    p.on_w_lo = 20, p.on_w_hi = 60, p.forget_chance = 0.15;
    p.windows = {win{6, 9, d::all, 0.3, 15, 60}, win{15, 24, d::all, 0.5, 60, 240}};
  } else if (room == "kitchen") {
    p.on_w_lo = 15, p.on_w_hi = 40, p.forget_chance = 0.1;
    p.windows = {win{5.5, 9, d::all, 0.45, 10, 40}, win{11.5, 13.5, d::weekends, 0.3, 15, 40},
                 win{16.5, 22, d::all, 0.4, 15, 90}};
  } else if (room == "bedroom") {
    p.on_w_lo = 8, p.on_w_hi = 20;
    p.windows = {win{5.5, 9, d::all, 0.3, 5, 25}, win{20.5, 24, d::all, 0.45, 10, 45}};
  } else if (room == "hall") {
    p.on_w_lo = 6, p.on_w_hi = 15;
    p.windows = {win{5.5, 24, d::all, 0.15, 2, 8}};
  } else if (room == "bathroom") {
    p.on_w_lo = 10, p.on_w_hi = 25;
    p.windows = {win{5.5, 9, d::all, 0.4, 5, 20}, win{19, 24, d::all, 0.25, 5, 15}};
  } else if (room == "dining") {
    p.on_w_lo = 15, p.on_w_hi = 45;
    p.windows = {win{17, 21, d::all, 0.4, 30, 90}};
  } else if (room == "garden") {
    p.on_w_lo = 10, p.on_w_hi = 30, p.forget_chance = 0.2;
    p.windows = {win{17, 23, d::all, 0.2, 30, 180}};
  } else {
    p.on_w_lo = 8, p.on_w_hi = 30;
    p.windows = {win{16, 23.5, d::all, 0.25, 20, 120}};
  }
  return p;
}

activity_profile tv_profile() {
  activity_profile p;
  p.kind = device_kind::plug;
  p.on_w_lo = 60, p.on_w_hi = 150, p.standby_w = 0.8;
  p.windows = {win{7, 8.5, d::all, 0.1, 15, 30}, win{10, 18, d::weekends, 0.08, 30, 120},
               win{18, 23.5, d::all, 0.4, 45, 180}};
  return p;
}

activity_profile office_profile() {
  activity_profile p;
  p.kind = device_kind::plug;
  p.on_w_lo = 60, p.on_w_hi = 130, p.standby_w = 2.0, p.ripple = 0.2;
  p.windows = {win{8, 17, d::weekdays, 0.25, 60, 240}, win{19, 22.5, d::all, 0.1, 30, 90}};
  return p;
}

activity_profile cooker_profile() {
  activity_profile p;
  p.kind = device_kind::appliance;
  p.on_w_lo = 1000, p.on_w_hi = 2000, p.ripple = 0.5; // hob and oven elements cycle
  p.windows = {win{6.5, 9, d::all, 0.06, 5, 15}, win{11.5, 13.5, d::weekends, 0.25, 20, 50, true},
               win{17, 20, d::all, 0.35, 25, 60, true}};
  return p;
}

activity_profile kettle_profile() {
  activity_profile p;
  p.kind = device_kind::plug;
  p.on_w_lo = 1800, p.on_w_hi = 2200;
  p.windows = {win{6, 9, d::all, 0.35, 2, 4}, win{15, 17, d::all, 0.15, 2, 4},
               win{19, 21.5, d::all, 0.1, 2, 4}};
  return p;
}

activity_profile generic_plug_profile() {
  activity_profile p;
  p.kind = device_kind::plug;
  p.on_w_lo = 20, p.on_w_hi = 80, p.standby_w = 1.0, p.ripple = 0.1;
  p.windows = {win{7, 23, d::all, 0.08, 20, 120}};
  return p;
}

activity_load::activity_load(std::string id, std::uint64_t seed, activity_profile profile)
    : device_model(std::move(id), profile.kind, profile.has_meter), profile_(std::move(profile)),
      rng_(seed), rated_w_(rng_.uniform(profile_.on_w_lo, profile_.on_w_hi)),
      phase_(rng_.between(0, look_period - 1)), used_on_day_(profile_.windows.size(), -1) {}

void activity_load::on_start(millis t, const home_context& ctx) {
  was_occupied_ = ctx.occupied(t);
  look(t, ctx);
}

millis activity_load::next_change() const {
  return in_use_ ? std::min(next_look_, session_end_) : next_look_;
}

const activity_window* activity_load::open_window(const local_moment& m) const {
  double h = m.hour();
  for (const auto& w : profile_.windows) {
    bool day_fits = w.on == activity_window::days::all ||
                    (w.on == activity_window::days::weekends) == m.weekend();
    if (day_fits && h >= w.from_h && h < w.to_h)
      return &w;
  }
  return nullptr;
}

void activity_load::begin_session(millis t, millis until) {
  in_use_ = true;
  forgotten_ = false;
  session_end_ = std::max(until, t + 1);
  brightness_ = 1.0;
}

void activity_load::end_session() {
  in_use_ = false;
  forgotten_ = false;
  session_end_ = never;
}

void activity_load::look(millis t, const home_context& ctx) {
  next_look_ = next_tick(t, look_period, phase_);
  if (profile_.ripple > 0)
    level_ = rng_.uniform(1.0 - profile_.ripple, 1.0 + profile_.ripple);
  bool occupied = ctx.occupied(t);
  bool left_just_now = was_occupied_ && !occupied;
  was_occupied_ = occupied;
  if (t < hold_until_)
    return; // the residents leave a commanded device alone for a while

  bool wanted = ctx.awake(t) && (!profile_.needs_dark || ctx.dark(t));
  if (in_use_) {
    if (!occupied) {
      if (left_just_now && rng_.chance(profile_.forget_chance))
        forgotten_ = true;
      if (!forgotten_)
        end_session();
    } else if (forgotten_) {
      // Back home to a light left burning: used a little longer, then off.
      forgotten_ = false;
      session_end_ = t + static_cast<millis>(rng_.uniform(5, 30) * minute_ms);
    } else if (!wanted) {
      end_session();
    }
    return;
  }
  if (!wanted)
    return;
  auto m = ctx.local(t);
  const activity_window* w = open_window(m);
  if (!w)
    return;
  auto index = static_cast<std::size_t>(w - profile_.windows.data());
  if (w->once_a_day && used_on_day_[index] == m.day)
    return;
  if (!rng_.chance(w->start_chance))
    return;
  used_on_day_[index] = m.day;
  switched_off_ = false; // whoever starts a session switches it on
  begin_session(t,
                t + static_cast<millis>(rng_.uniform(w->min_minutes, w->max_minutes) * minute_ms));
}

void activity_load::on_change(millis t, const home_context& ctx) {
  if (in_use_ && t >= session_end_) {
    if (forgotten_)
      session_end_ = never; // nobody is there to switch it off
    else
      end_session();
    return;
  }
  look(t, ctx);
}

double activity_load::drawn_power_w() const {
  if (in_use_)
    return rated_w_ * level_ * brightness_;
  return switched_off_ ? 0.0 : profile_.standby_w;
}

device_state activity_load::current_state() const {
  if (in_use_)
    return device_state::on;
  return switched_off_ || profile_.standby_w <= 0 ? device_state::off : device_state::standby;
}

command_outcome activity_load::on_command(const command& c, millis t, const home_context&) {
  switch (c.action) {
  case command_action::off:
    end_session();
    switched_off_ = true;
    hold_until_ = t + command_hold;
    return command_outcome::ok();
  case command_action::on:
    switched_off_ = false;
    begin_session(t, t + hour_ms);
    hold_until_ = t + command_hold;
    return command_outcome::ok();
  case command_action::set: {
    if (!profile_.dimmable)
      return unsupported(*this, c);
    auto pct = c.param("brightness_pct");
    if (!pct || c.params.size() != 1)
      return command_outcome::failed("set on " + id() + " takes exactly brightness_pct");
    if (!(*pct >= 0 && *pct <= 100))
      return command_outcome::failed("brightness_pct must be within 0..100");
    if (!in_use_) {
      switched_off_ = false;
      begin_session(t, t + hour_ms);
    }
    brightness_ = *pct / 100.0;
    hold_until_ = t + command_hold;
    return command_outcome::ok();
  }
  case command_action::start:
    break;
  }
  return unsupported(*this, c);
}

} // namespace hems::sim
