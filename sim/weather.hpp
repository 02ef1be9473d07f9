#pragma once
// The neighbourhood's weather: outdoor temperature, the sun, and cloud cover.
// Heating follows the temperature, lights follow the daylight, PV follows
// both the sun and the clouds. Everything is a pure function of time and the
// seed, so a day in March can be asked for without simulating February.

#include <cstdint>

#include "sim/local_time.hpp"

namespace hems::sim {

/// A temperate climate by default (central Europe, 50 degrees north).
struct climate {
  double annual_mean_c = 10.0;
  double seasonal_amplitude_c = 8.5; ///< coldest mid-January, warmest late July
  double daily_amplitude_c = 3.5;    ///< coldest before dawn, warmest mid-afternoon
  double anomaly_sd_c = 3.0;         ///< day-to-day weather, smoothed between days
  double latitude_deg = 50.0;
};

class weather {
public:
  explicit weather(std::uint64_t seed = 0, climate c = {}) : seed_(seed), climate_(c) {}

  const climate& conditions() const { return climate_; }
  double outdoor_c(const local_moment& m) const;
  /// Sun elevation in degrees at solar hour `solar_hour` (12 = noon).
  double sun_elevation_deg(int day_of_year, double solar_hour) const;
  /// Fraction of clear-sky sunshine that gets through the clouds, 0.05 .. 1.
  double clearness(const local_moment& m) const;

private:
  double day_anomaly_c(std::int64_t day) const;
  double day_clearness(std::int64_t day) const;

  std::uint64_t seed_;
  climate climate_;
};

} // namespace hems::sim
