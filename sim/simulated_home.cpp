#include "sim/simulated_home.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/home_meter.hpp"
#include "sim/random.hpp"

namespace hems::sim {

std::string home_id(int number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "h-%04d", number);
  return buf;
}

namespace {

millis interval_for(double rate_hz) {
  // At most 1000 Hz: seq is the timestamp in milliseconds.
  double ms = rate_hz > 0 && std::isfinite(rate_hz) ? 1000.0 / rate_hz : 1000.0;
  return std::max<millis>(1, std::llround(ms));
}

} // namespace

simulated_home::simulated_home(home_config config, weather outdoors)
    : config_(std::move(config)),
      features_(config_.features.value_or(home_features::draw(config_.seed))),
      context_(config_.zone, outdoors, household_schedule{derive_seed(config_.seed, "household")}),
      devices_(make_device_mix(features_, config_.devices, config_.seed)),
      interval_ms_(interval_for(config_.rate_hz)),
      phase_ms_(static_cast<millis>(derive_seed(config_.seed, "phase") %
                                    static_cast<std::uint64_t>(interval_ms_))) {
  if (config_.meter) {
    auto meter = std::make_unique<home_meter>("meter", derive_seed(config_.seed, "meter"));
    meter_ = meter.get();
    devices_.push_back(std::move(meter));
  }
}

device_model* simulated_home::find(std::string_view device_id) const {
  for (const auto& d : devices_)
    if (d->id() == device_id)
      return d.get();
  return nullptr;
}

void simulated_home::advance_to(millis now) {
  double tracked_w = 0, tracked_wh = 0;
  for (const auto& d : devices_) {
    if (d.get() == meter_)
      continue;
    d->advance_to(now, context_);
    if (d->kind() != device_kind::pv) { // the meter counts consumption only
      tracked_w += d->power_w();
      tracked_wh += d->drawn_energy_wh();
    }
  }
  if (meter_)
    meter_->observe(now, context_, tracked_w, tracked_wh);
}

void simulated_home::sample_all(millis now, std::vector<sample>& out) {
  if (last_ts_ && now <= *last_ts_)
    return;
  last_ts_ = now;
  advance_to(now);
  auto seq =
      now >= 0 ? std::optional<std::uint64_t>{static_cast<std::uint64_t>(now)} : std::nullopt;
  for (const auto& d : devices_) {
    sample& s = out.emplace_back();
    s.home = config_.id;
    s.ts_ms = now;
    s.seq = seq;
    d->read(s);
  }
}

void simulated_home::step(millis now, std::vector<sample>& out) {
  if (!scheduled_) {
    scheduled_ = true;
    // Homes are spread over the interval by their phase, so frames arrive
    // evenly rather than all at once.
    next_due_ =
        (now - phase_ms_) % interval_ms_ == 0 ? now : next_tick(now, interval_ms_, phase_ms_);
  }
  if (now < next_due_)
    return;
  sample_all(now, out);
  next_due_ = next_tick(now, interval_ms_, phase_ms_);
}

command_outcome simulated_home::apply(const command& c, millis now) {
  device_model* d = find(c.device);
  if (!d)
    return command_outcome::failed("home " + config_.id + " has no device '" + c.device + "'");
  return d->apply(c, now, context_);
}

} // namespace hems::sim
