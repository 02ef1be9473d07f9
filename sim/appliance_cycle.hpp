#pragma once
// A program-cycle appliance: dishwasher, washing machine, dryer. A cycle is
// a fixed program of phases (water heating at ~2 kW, washing at ~0.2 kW,
// spinning, drying), each with its own power and ripple. On some days the
// residents load it at a typical time and start it; on a share of those days
// they leave it loaded and pending instead, for hems to start at a good
// moment (`start`). Nobody waits forever: a pending cycle starts by itself
// after `max_delay_h`, like a delay-start timer.
//
// Commands: `start` runs the pending cycle now; `off` aborts a running
// cycle and cuts standby power (the load stays pending); `on` restores it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/device_model.hpp"
#include "sim/random.hpp"

namespace hems::sim {

struct cycle_phase {
  double minutes = 10;
  double watts = 100;
  double ripple = 0; ///< +- fraction, redrawn every minute (drum turning, pumps)
};

struct usage_window {
  double from_h = 19, to_h = 21; ///< local hours when the residents load it
};

struct appliance_profile {
  std::vector<cycle_phase> program;
  double idle_w = 0.5;
  double base_chance = 0.3; ///< of a cycle on a weekday...
  double chance_per_resident = 0.1;
  double weekend_bonus = 0.1; ///< ...added on Saturdays and Sundays
  std::vector<usage_window> weekday_windows;
  std::vector<usage_window> weekend_windows;
  double deferred_share = 0.3; ///< of loads left pending for a `start`
  double max_delay_h = 8;

  static appliance_profile dishwasher();
  static appliance_profile washing_machine();
  static appliance_profile dryer();
  /// Energy of one cycle at nominal power, Wh.
  double cycle_wh() const;
};

class appliance_cycle final : public device_model {
public:
  appliance_cycle(std::string id, std::uint64_t seed, appliance_profile profile);

  bool running() const { return phase_.has_value(); }
  bool pending() const { return pending_; }
  /// The residents load it at `time()`: it starts now, or waits for `start`.
  /// False when it is already loaded or running.
  bool load(bool deferred);

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override;
  void on_change(millis t, const home_context& ctx) override;
  double drawn_power_w() const override;
  device_state current_state() const override;
  command_outcome on_command(const command& c, millis t, const home_context& ctx) override;

private:
  struct day_use {
    millis load_at = never;
    bool deferred = false;
  };
  day_use plan_day(std::int64_t day, const home_context& ctx) const;
  void plan_from(millis t, const home_context& ctx);
  void start_cycle(millis t);
  void enter_phase(std::size_t index, millis t);
  void redraw_ripple(millis t);

  appliance_profile profile_;
  std::uint64_t seed_;
  rng rng_;
  double heater_scale_; // this unit's heating element against the nominal 2 kW

  std::optional<std::size_t> phase_;
  millis phase_end_ = never;
  millis next_ripple_ = never;
  double power_w_ = 0;

  bool pending_ = false;
  millis deadline_ = never;
  bool switched_off_ = false;

  day_use today_;
  millis next_midnight_ = never;
};

} // namespace hems::sim
