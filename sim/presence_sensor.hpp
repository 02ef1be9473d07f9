#pragma once
// A presence sensor for the whole home (kind `presence`): `occupied` is true
// while anyone is home, asleep or awake, following the household schedule.
// It draws no power and has no meter; it looks once a minute.

#include "sim/device_model.hpp"

namespace hems::sim {

class presence_sensor final : public device_model {
public:
  explicit presence_sensor(std::string id)
      : device_model(std::move(id), device_kind::presence, false) {}

  bool occupied() const { return occupied_; }

protected:
  void on_start(millis t, const home_context& ctx) override { look(t, ctx); }
  millis next_change() const override { return next_; }
  void on_change(millis t, const home_context& ctx) override { look(t, ctx); }
  double drawn_power_w() const override { return 0.0; }
  device_state current_state() const override { return device_state::on; }
  void add_details(sample& out) const override { out.occupied = occupied_; }

private:
  void look(millis t, const home_context& ctx) {
    occupied_ = ctx.occupied(t);
    next_ = next_tick(t, minute_ms, 0);
  }

  bool occupied_ = false;
  millis next_ = never;
};

} // namespace hems::sim
