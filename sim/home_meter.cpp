#include "sim/home_meter.hpp"

#include "sim/random.hpp"

namespace hems::sim {

namespace {

activity_profile microwave_profile() {
  activity_profile p = generic_plug_profile();
  p.on_w_lo = 800, p.on_w_hi = 1200, p.standby_w = 2.0, p.ripple = 0;
  p.windows = {activity_window{7, 9, activity_window::days::all, 0.1, 2, 5},
               activity_window{12, 14, activity_window::days::all, 0.15, 3, 8},
               activity_window{18, 21, activity_window::days::all, 0.15, 3, 8}};
  return p;
}

} // namespace

home_meter::home_meter(std::string id, std::uint64_t seed)
    : device_model(std::move(id), device_kind::meter, true),
      base_("untracked-base", derive_seed(seed, "base"), 60, 140),
      kettle_("untracked-kettle", derive_seed(seed, "kettle"), kettle_profile()),
      microwave_("untracked-microwave", derive_seed(seed, "microwave"), microwave_profile()) {}

void home_meter::on_start(millis t, const home_context& ctx) {
  base_.start(t, ctx);
  kettle_.start(t, ctx);
  microwave_.start(t, ctx);
}

void home_meter::observe(millis t, const home_context& ctx, double tracked_w, double tracked_wh) {
  advance_to(t, ctx);
  base_.advance_to(t, ctx);
  kettle_.advance_to(t, ctx);
  microwave_.advance_to(t, ctx);
  tracked_w_ = tracked_w;
  tracked_wh_ = tracked_wh;
}

double home_meter::untracked_w() const {
  return base_.power_w() + kettle_.power_w() + microwave_.power_w();
}

double home_meter::untracked_wh() const {
  return base_.drawn_energy_wh() + kettle_.drawn_energy_wh() + microwave_.drawn_energy_wh();
}

} // namespace hems::sim
