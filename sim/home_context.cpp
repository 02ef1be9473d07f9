#include "sim/home_context.hpp"

namespace hems::sim {

bool home_context::occupied(millis utc) const {
  auto m = local(utc);
  return household_.plan(m.day).occupied_at(m.ms_of_day);
}

bool home_context::awake(millis utc) const {
  auto m = local(utc);
  return household_.plan(m.day).awake_at(m.ms_of_day);
}

double home_context::sun_elevation_deg(millis utc) const {
  millis solar = utc + static_cast<millis>(solar_offset_h_ * hour_ms);
  std::int64_t day = floor_div(solar, day_ms);
  double hour = static_cast<double>(solar - day * day_ms) / hour_ms;
  return weather_.sun_elevation_deg(local(utc).day_of_year, hour);
}

} // namespace hems::sim
