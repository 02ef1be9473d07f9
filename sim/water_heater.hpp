#pragma once
// An electric hot-water tank. Showers in the morning and washing up in the
// evening draw heat out of it; its element (2-3 kW) reheats it on a
// thermostat, and it loses a little heat all day. A classic deferrable load:
// hems may switch it `off` for a while (the tank keeps water warm) and back
// `on`; `set` with `setpoint_c` (40..75) changes the tank temperature.
// Reports `temperature_c` (tank) and `setpoint_c`.

#include <cstdint>

#include "sim/device_model.hpp"
#include "sim/random.hpp"

namespace hems::sim {

class water_heater final : public device_model {
public:
  water_heater(std::string id, std::uint64_t seed);

  double tank_c() const { return tank_c_; }

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override;
  void on_change(millis t, const home_context& ctx) override;
  void evolve(millis from, millis to) override;
  double drawn_power_w() const override { return heating() ? rated_w_ : 0.0; }
  device_state current_state() const override;
  command_outcome on_command(const command& c, millis t, const home_context& ctx) override;
  void add_details(sample& out) const override;

private:
  static constexpr double hysteresis_k = 6.0;

  bool heating() const { return enabled_ && element_on_; }
  void thermostat(millis t);
  /// The next draw strictly after `t`, with its heat in Wh.
  void plan_draw(millis t, const home_context& ctx);

  std::uint64_t seed_;
  double rated_w_;
  double capacity_wh_per_k_;
  double loss_w_;
  double setpoint_c_ = 55;
  double tank_c_ = 55;
  bool enabled_ = true;
  bool element_on_ = false;
  millis next_draw_ = never;
  double next_draw_wh_ = 0;
  millis next_thermostat_ = never;
};

} // namespace hems::sim
