#pragma once
// Random plan problems that look like homes: time-of-use, dynamic and flat
// tariffs, feed-in and negative-price events, base load with morning and
// evening peaks, solar, import caps that bind, tight and loose windows, EVs,
// water heaters, batteries. Deterministic per seed.

#include <cstdint>

#include "streams/plan_problem.hpp"

namespace hems::testing {

struct problem_mix {
  int horizon = 96;
  int slot_minutes = 15;
  int min_shiftables = 0;
  int max_shiftables = 6;
  double p_ev = 0.8;           ///< one EV session per day of horizon
  double p_water_heater = 0.4; ///< one water heater per day of horizon
  double p_battery = 0.6;
  double p_pv = 0.6;
  double p_cap = 0.4;       ///< an import cap, often binding
  double p_export = 0.7;    ///< a feed-in tariff
  double p_negative = 0.15; ///< a midday negative-price event
  /// Spot-based export (import price minus a fee) with fees that make export
  /// negative in many ordinary hours too, not only in negative-price events:
  /// a stress case for the battery's charge/discharge exclusivity.
  bool adversarial_export = false;
};

streams::plan_problem random_plan_problem(std::uint64_t seed, const problem_mix& mix = {});

} // namespace hems::testing
