#pragma once
// An always-on load: a router, a network box, the standby of a media
// corner. A few watts, with a little noise redrawn every minute. A smart
// plug in front of it obeys `off` and `on`.

#include <cstdint>

#include "sim/device_model.hpp"
#include "sim/random.hpp"

namespace hems::sim {

class steady_load final : public device_model {
public:
  steady_load(std::string id, std::uint64_t seed, double watts_lo, double watts_hi,
              device_state idle_state = device_state::on);

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override { return next_; }
  void on_change(millis t, const home_context& ctx) override;
  double drawn_power_w() const override { return switched_off_ ? 0.0 : power_w_; }
  device_state current_state() const override {
    return switched_off_ ? device_state::off : idle_state_;
  }
  command_outcome on_command(const command& c, millis t, const home_context& ctx) override;

private:
  void redraw(millis t);

  rng rng_;
  double mean_w_;
  device_state idle_state_;
  double power_w_ = 0;
  bool switched_off_ = false;
  millis next_ = never;
};

} // namespace hems::sim
