#include "sim/pv_array.hpp"

#include <cmath>
#include <numbers>

namespace hems::sim {

void pv_array::look(millis t, const home_context& ctx) {
  double elevation = ctx.sun_elevation_deg(t);
  double sun = elevation > 0 ? std::sin(elevation * std::numbers::pi / 180.0) : 0.0;
  // 0.85: inverter, wiring and temperature losses; the power law: the
  // longer path through the air when the sun is low.
  output_w_ = sun > 0 ? peak_w_ * 0.85 * std::pow(sun, 1.15) * ctx.clearness(t) : 0.0;
  next_ = next_tick(t, minute_ms, 0);
}

} // namespace hems::sim
