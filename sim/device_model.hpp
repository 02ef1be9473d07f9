#pragma once
// The base of every simulated device: a small discrete-event model.
//
// Between two of its own events a device draws constant power; an event
// (a compressor starting, a cycle phase ending, the thermostat looking at the
// room again) changes it. `advance_to(t)` runs the events up to `t` and
// integrates the power on the way, so the meter is exact whatever the sample
// rate, and a month runs in a few thousand events per device instead of
// millions of ticks. Continuous state (a room's temperature, a car's charge)
// evolves analytically between events. Nothing reads the wall clock: time is
// whatever the caller passes in, so runs are reproducible.

#include <limits>
#include <string>

#include "core/sample.hpp"
#include "sim/command.hpp"
#include "sim/home_context.hpp"

namespace hems::sim {

class device_model {
public:
  static constexpr millis never = std::numeric_limits<millis>::max();

  device_model(std::string id, device_kind kind, bool has_meter)
      : id_(std::move(id)), kind_(kind), has_meter_(has_meter) {}
  virtual ~device_model() = default;
  device_model(const device_model&) = delete;
  device_model& operator=(const device_model&) = delete;

  const std::string& id() const { return id_; }
  device_kind kind() const { return kind_; }
  /// Reports `energy_wh`; the others leave energy to the power rule.
  bool has_meter() const { return has_meter_; }
  bool started() const { return started_; }
  /// The time the model has been run to.
  millis time() const { return time_; }

  /// Sets up the state at `t`. Runs once; later calls do nothing.
  void start(millis t, const home_context& ctx);
  /// Runs the model's events up to `t`, integrating energy. Earlier times do nothing.
  void advance_to(millis t, const home_context& ctx);
  /// Runs to `t` (or the model's own time if that is later), then obeys `c`.
  command_outcome apply(const command& c, millis t, const home_context& ctx);
  /// The reading at `time()`: every field but home, ts and seq.
  void read(sample& out) const;

  double power_w() const { return reported_power_w(); }
  /// What its meter reads, in Wh (the whole-home meter: the home's total).
  double energy_wh() const { return reported_energy_wh(); }
  /// Energy the device itself drew since it started, in Wh.
  double drawn_energy_wh() const { return energy_wh_; }
  device_state state() const { return current_state(); }

protected:
  virtual void on_start(millis t, const home_context& ctx) = 0;
  /// When the model next changes by itself (at or after `time()`), or `never`.
  virtual millis next_change() const = 0;
  /// The change due at `t` (== the previous next_change()).
  virtual void on_change(millis t, const home_context& ctx) = 0;
  /// Continuous state over [from, to), during which power is constant.
  virtual void evolve(millis /*from*/, millis /*to*/) {}
  /// Power drawn now and until the next event (negative: production).
  virtual double drawn_power_w() const = 0;
  virtual device_state current_state() const = 0;
  /// Default: the device takes no commands.
  virtual command_outcome on_command(const command& c, millis t, const home_context& ctx);
  /// Kind-specific fields (temperature_c, soc_pct, occupied...).
  virtual void add_details(sample& /*out*/) const {}
  /// What the device reports; the whole-home meter adds the others to its own.
  virtual double reported_power_w() const { return drawn_power_w(); }
  virtual double reported_energy_wh() const { return energy_wh_; }

private:
  void run_until(millis t);

  std::string id_;
  device_kind kind_;
  bool has_meter_;
  bool started_ = false;
  millis time_ = 0;
  double energy_wh_ = 0;
};

/// A failure outcome naming the device and the action it cannot take.
command_outcome unsupported(const device_model& d, const command& c);

} // namespace hems::sim
