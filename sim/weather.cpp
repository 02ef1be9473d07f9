#include "sim/weather.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sim/random.hpp"

namespace hems::sim {

namespace {
constexpr double two_pi = 2.0 * std::numbers::pi;
constexpr double deg = std::numbers::pi / 180.0;
} // namespace

double weather::day_anomaly_c(std::int64_t day) const {
  rng r{derive_seed(seed_, static_cast<std::uint64_t>(day) ^ 0x7e3a11ULL)};
  return r.normal(0.0, climate_.anomaly_sd_c);
}

double weather::day_clearness(std::int64_t day) const {
  rng r{derive_seed(seed_, static_cast<std::uint64_t>(day) ^ 0xc10dULL)};
  // Mostly clear or mostly overcast days, fewer in between.
  double u = r.uniform();
  return 0.1 + 0.9 * (u * u * (3.0 - 2.0 * u));
}

double weather::outdoor_c(const local_moment& m) const {
  double day_fraction = static_cast<double>(m.day_of_year) / 365.25;
  // Coldest around January 15th (day 15), warmest half a year later.
  double seasonal =
      -climate_.seasonal_amplitude_c * std::cos(two_pi * (day_fraction - 15.0 / 365.25));
  // Warmest at 15:00, coldest at 03:00.
  double daily = climate_.daily_amplitude_c * std::cos(two_pi * (m.hour() - 15.0) / 24.0);
  // Weather fronts: one anomaly per day, interpolated from noon to noon.
  double t = m.hour() / 24.0 - 0.5;
  std::int64_t d0 = t < 0 ? m.day - 1 : m.day;
  double w = t < 0 ? t + 1.0 : t;
  double anomaly = (1.0 - w) * day_anomaly_c(d0) + w * day_anomaly_c(d0 + 1);
  return climate_.annual_mean_c + seasonal + daily + anomaly;
}

double weather::sun_elevation_deg(int day_of_year, double solar_hour) const {
  double declination = 23.44 * deg * std::sin(two_pi * (284.0 + day_of_year) / 365.0);
  double hour_angle = 15.0 * deg * (solar_hour - 12.0);
  double lat = climate_.latitude_deg * deg;
  double s = std::sin(lat) * std::sin(declination) +
             std::cos(lat) * std::cos(declination) * std::cos(hour_angle);
  return std::asin(std::clamp(s, -1.0, 1.0)) / deg;
}

double weather::clearness(const local_moment& m) const {
  // Passing clouds: a slow wobble within the day around the day's cover.
  double base = day_clearness(m.day);
  double wobble = 0.15 * std::sin(two_pi * m.hour() / 3.1 + static_cast<double>(m.day % 97));
  return std::clamp(base + wobble * base, 0.05, 1.0);
}

} // namespace hems::sim
