#pragma once
// Rooftop solar (kind `pv`): negative power, following the sun's elevation
// and the day's clouds, recomputed every minute. No meter: its energy
// follows the power rule (and a production meter would run the other way).

#include <cstdint>

#include "sim/device_model.hpp"

namespace hems::sim {

class pv_array final : public device_model {
public:
  pv_array(std::string id, double peak_w)
      : device_model(std::move(id), device_kind::pv, false), peak_w_(peak_w) {}

  double peak_w() const { return peak_w_; }

protected:
  void on_start(millis t, const home_context& ctx) override { look(t, ctx); }
  millis next_change() const override { return next_; }
  void on_change(millis t, const home_context& ctx) override { look(t, ctx); }
  double drawn_power_w() const override { return -output_w_; }
  device_state current_state() const override {
    return output_w_ > 0 ? device_state::on : device_state::standby;
  }

private:
  void look(millis t, const home_context& ctx);

  double peak_w_;
  double output_w_ = 0;
  millis next_ = never;
};

} // namespace hems::sim
