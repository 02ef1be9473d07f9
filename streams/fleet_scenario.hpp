#pragma once
// A simulated fleet's flexible demand as plan problems: one problem per home
// and day, noon to noon (the night's charging and reheating sit inside one
// problem), on one time-of-use tariff. The numbers follow sim/'s device
// models (EV: 7.4 kW charger, 40 km commute at 0.17 kWh/km, 92 % grid to
// battery; resistive water heaters of 2-3 kW; dishwashers and washing
// machines of about 2 kW) and households that come home around 17:00 and
// leave around 8:00. Deterministic for a seed; used by the fleet
// coordination bench and its unit test.

#include <cstdint>
#include <vector>

#include "streams/plan_problem.hpp"

namespace hems::streams {

/// A time-of-use tariff of three periods, in local hours [from, to).
struct tou_tariff {
  double off_peak = 0.15; ///< 00:00-07:00
  double shoulder = 0.28;
  double peak = 0.42; ///< 17:00-21:00
  int off_peak_from_h = 0, off_peak_to_h = 7;
  int peak_from_h = 17, peak_to_h = 21;

  double price_at_hour(double local_hour) const;
};

struct fleet_mix {
  double p_ev = 0.45;           ///< homes with an EV
  double p_water_heater = 0.55; ///< homes with an electric water heater
  double p_dishwasher = 0.5;    ///< a deferred dishwasher cycle on a day
  double p_washer = 0.3;        ///< a deferred washing machine cycle on a day
};

/// Slot 0 of every problem is this local hour (noon).
inline constexpr int fleet_day_start_h = 12;

/// Home `home`'s problem for day `day` (96 slots of 15 minutes from noon).
plan_problem fleet_home_day(std::uint64_t seed, int home, int day, const tou_tariff& tariff,
                            const fleet_mix& mix = {});

/// Every home's problem for one day.
std::vector<plan_problem> fleet_day(std::uint64_t seed, int homes, int day,
                                    const tou_tariff& tariff, const fleet_mix& mix = {});

} // namespace hems::streams
