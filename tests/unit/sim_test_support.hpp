#pragma once
// Helpers shared by the simulator's tests: times, the contract's rules for
// one sample, and homes with chosen equipment.

#include <cmath>
#include <set>
#include <string>
#include <string_view>

#include "core/sample.hpp"
#include "sim/local_time.hpp"
#include "sim/simulated_home.hpp"

namespace sim_test {

using hems::millis;
using namespace hems::sim;

/// Local midnight UTC of a civil date (the homes in these tests live in UTC).
inline millis utc_midnight(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (static_cast<millis>(era) * 146097 + doe - 719468) * day_ms;
}

/// Every rule of the telemetry contract one sample can break; empty when it
/// breaks none.
inline std::string contract_violation(const hems::sample& s) {
  using hems::device_kind;
  using hems::device_state;
  if (!hems::is_valid_id(s.home))
    return "home id '" + s.home + "'";
  if (!hems::is_valid_id(s.device))
    return "device id '" + s.device + "'";
  if (!std::isfinite(s.power_w) || s.power_w < -1e6 || s.power_w > 1e6)
    return s.device + ": power_w " + std::to_string(s.power_w);
  if (s.state == device_state::unknown || s.state == device_state::unavailable)
    return s.device + ": state";
  if (s.kind == device_kind::unknown)
    return s.device + ": kind";
  if (s.energy_wh && (!std::isfinite(*s.energy_wh) || *s.energy_wh < 0))
    return s.device + ": energy_wh";
  if (!s.seq)
    return s.device + ": no seq";
  if (s.occupied.has_value() != (s.kind == device_kind::presence))
    return s.device + ": occupied only and always on presence sensors";
  if (s.kind == device_kind::presence && s.power_w != 0)
    return s.device + ": presence draws power";
  if (s.kind != device_kind::pv && s.power_w < 0)
    return s.device + ": negative power on a consumer";
  if (s.soc_pct && !(*s.soc_pct >= 0 && *s.soc_pct <= 100))
    return s.device + ": soc_pct";
  if (s.temperature_c && !(*s.temperature_c > -40 && *s.temperature_c < 100))
    return s.device + ": temperature_c " + std::to_string(*s.temperature_c);
  if (s.setpoint_c && !(*s.setpoint_c >= 5 && *s.setpoint_c <= 75))
    return s.device + ": setpoint_c";
  return {};
}

/// A home with every kind of equipment, so a test sees every device model.
inline home_config fully_equipped(std::string id, std::uint64_t seed, int devices,
                                  heating_type heating = heating_type::heat_pump) {
  home_config c;
  c.id = std::move(id);
  c.seed = seed;
  c.devices = devices;
  c.meter = true;
  home_features f;
  f.heating = heating;
  f.ev = true;
  f.ev_charger_w = 7400;
  f.pv = true;
  f.pv_peak_w = 6000;
  c.features = f;
  return c;
}

} // namespace sim_test
