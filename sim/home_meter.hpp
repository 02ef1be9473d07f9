#pragma once
// The whole-home meter (kind `meter`): what the utility's meter sees of the
// home's consumption, i.e. every simulated device plus an untracked
// remainder that no smart device reports (a base load of pumps, chargers and
// clocks, the kettle, the microwave). PV production is not netted in: the
// PV reports it, and a consumption register never runs backwards.
//
// The home hands it the other devices' totals at each reading (`observe`);
// its own remainder is a pair of ordinary device models it runs alongside.

#include <cstdint>

#include "sim/activity_load.hpp"
#include "sim/device_model.hpp"
#include "sim/steady_load.hpp"

namespace hems::sim {

class home_meter final : public device_model {
public:
  home_meter(std::string id, std::uint64_t seed);

  /// The tracked devices' power and energy (since they started) at `t`.
  void observe(millis t, const home_context& ctx, double tracked_w, double tracked_wh);
  double untracked_w() const;
  double untracked_wh() const;

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override { return never; }
  void on_change(millis, const home_context&) override {}
  double drawn_power_w() const override { return 0.0; } // reported through the totals below
  device_state current_state() const override { return device_state::on; }
  double reported_power_w() const override { return tracked_w_ + untracked_w(); }
  double reported_energy_wh() const override { return tracked_wh_ + untracked_wh(); }

private:
  steady_load base_;
  activity_load kettle_;
  activity_load microwave_;
  double tracked_w_ = 0;
  double tracked_wh_ = 0;
};

} // namespace hems::sim
