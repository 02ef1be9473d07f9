#pragma once
// A wallbox and the household's electric car. The car leaves with the
// household (commute, outings) and comes back with less charge; on arrival
// it is plugged in when its charge is low enough to bother (so some evenings
// draw 7.4 kW for hours and others nothing: EV days stand out). Once
// plugged in, it charges at the wallbox's rate (7.4 or 3.7 kW) until full.
//
// Commands: `off` pauses charging until `on` (or until the car leaves: a new
// session starts enabled); `set` with `max_power_w` limits the rate
// (1380 W, the 6 A minimum, up to the wallbox's rating). Reports `soc_pct`
// while a car is plugged in.

#include <cstdint>

#include "sim/device_model.hpp"
#include "sim/random.hpp"

namespace hems::sim {

struct ev_profile {
  double charger_w = 7400;
  double capacity_kwh = 60;
  double commute_km = 40; ///< round trip on a workday
  double kwh_per_km = 0.17;
  double efficiency = 0.92; ///< grid to battery
};

class ev_charger final : public device_model {
public:
  static constexpr double min_power_w = 1380; // 6 A on one phase

  ev_charger(std::string id, std::uint64_t seed, ev_profile profile);

  bool car_home() const { return car_home_; }
  bool plugged() const { return plugged_; }
  bool charging() const;
  double soc_pct() const { return soc_pct_; }
  /// Test and scenario hook: the car is home and plugged in at `soc`.
  void plug_in(double soc_pct);

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override;
  void on_change(millis t, const home_context& ctx) override;
  void evolve(millis from, millis to) override;
  double drawn_power_w() const override;
  device_state current_state() const override;
  command_outcome on_command(const command& c, millis t, const home_context& ctx) override;
  void add_details(sample& out) const override;

private:
  struct trip {
    millis departs = never;
    millis returns = never;
    double km = 0;
  };
  trip plan_trip(std::int64_t day, const home_context& ctx) const;
  void plan_from(millis t, const home_context& ctx);
  void arrive(millis t, const home_context& ctx);
  double charge_power_w() const;
  void update_full_at(millis t);

  ev_profile profile_;
  std::uint64_t seed_;
  rng rng_;
  bool car_home_ = true;
  bool plugged_ = false;
  bool enabled_ = true;
  double soc_pct_ = 60;
  double limit_w_;
  trip today_;
  double trip_km_ = 0; // of the trip under way
  millis full_at_ = never;
  millis next_midnight_ = never;
};

} // namespace hems::sim
