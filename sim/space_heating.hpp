#pragma once
// Space heating: a heat pump (kind `hvac`) or electric heaters on a
// thermostat (kind `thermostat`), warming a house modelled as one thermal
// mass losing heat to the outdoors (a first-order RC model: loss coefficient
// H in W/K, time constant tau in hours). The indoor temperature is solved
// exactly between control steps, so it is right at any sample rate.
//
// The residents' program: comfort when home and awake, a setback at night
// and when away. The heat pump modulates its output, with a COP that falls
// as it gets colder outside, and also heats the hot water twice a day.
// Electric heaters switch at full power around the setpoint (hysteresis).
//
// Commands: `set` with `setpoint_c` holds that setpoint until the program
// next changes (as a real thermostat's temporary hold does); `off` stops
// heating until `on`. Reports `temperature_c` (indoor) and `setpoint_c`.

#include <cstdint>
#include <optional>

#include "sim/device_model.hpp"
#include "sim/random.hpp"

namespace hems::sim {

enum class heating_type { heat_pump, electric };

struct heating_profile {
  heating_type type = heating_type::heat_pump;
  double loss_w_per_k = 130;   ///< H: heat lost per kelvin of indoor-outdoor difference
  double time_constant_h = 45; ///< tau = C / H
  double max_heat_w = 5000;    ///< heat pump thermal output, or heaters' rating
  double comfort_c = 20.5, night_c = 18.5, away_c = 19.0;
  double hot_water_w = 1500; ///< heat pump only; 0: no hot water duty

  /// A typical house of that type, drawn from `r`.
  static heating_profile typical(heating_type type, rng& r);
};

class space_heating final : public device_model {
public:
  space_heating(std::string id, std::uint64_t seed, heating_profile profile);

  double indoor_c() const { return indoor_c_; }
  double setpoint_c() const { return setpoint_c_; }
  /// The heat pump's coefficient of performance at an outdoor temperature.
  static double cop_at(double outdoor_c);

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override;
  void on_change(millis t, const home_context& ctx) override;
  void evolve(millis from, millis to) override;
  double drawn_power_w() const override { return power_w_; }
  device_state current_state() const override;
  command_outcome on_command(const command& c, millis t, const home_context& ctx) override;
  void add_details(sample& out) const override;

private:
  static constexpr millis control_period = 5 * minute_ms;

  double program_setpoint(millis t, const home_context& ctx) const;
  void control(millis t, const home_context& ctx);
  /// The next hot-water run that has not ended by `t`.
  void plan_hot_water(millis t, const home_context& ctx);
  /// When the indoor temperature reaches `target` under the current heat, or never.
  millis crossing(millis t, double target) const;
  double equilibrium_c() const;

  heating_profile profile_;
  std::uint64_t seed_;
  double indoor_c_ = 20;
  double setpoint_c_ = 20;
  std::optional<double> hold_c_; // commanded setpoint
  double held_program_c_ = 0;    // the program's setpoint when the hold began
  bool enabled_ = true;
  double outdoor_c_ = 10;  // held between control steps
  double gains_w_ = 0;     // people, appliances and sun
  double heat_w_ = 0;      // thermal output into the house
  double power_w_ = 0;     // electric input
  bool heater_on_ = false; // electric thermostat and heat pump low-load cycling
  millis next_control_ = never;
  millis hot_water_from_ = never, hot_water_to_ = never; // the next hot-water run
};

} // namespace hems::sim
