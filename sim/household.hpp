#pragma once
// When the residents of a home are in, awake, away or asleep. Lights, the
// TV, cooking, appliance cycles, the car and the thermostat program all
// follow this one schedule, so a home's devices tell one consistent story
// (and an "everybody left" automation has something real to react to).
//
// Weekdays: the household leaves around 8:00 and is back around 17:00, with
// a few minutes to an hour of jitter, on most days; some households always
// have someone at home. Weekends: up later, mostly home, sometimes out for
// an afternoon. Each day's plan is drawn from the seed and the day alone.

#include <array>
#include <cstdint>

#include "core/clock.hpp"

namespace hems::sim {

/// What a household is like, drawn once per home.
struct household_traits {
  int residents = 2;
  bool someone_home_by_day = false; ///< home office, retired, small children
  millis wake = 0;                  ///< typical weekday wake-up, ms of local day
  millis leave = 0;                 ///< typical weekday departure
  millis back = 0;                  ///< typical weekday return
  millis sleep = 0;                 ///< typical bedtime
};

/// One local day. Times are milliseconds since local midnight.
struct day_plan {
  std::int64_t day = 0;
  int weekday = 0; ///< 0 = Monday
  millis wake = 0;
  millis sleep = 0;
  bool away = false; ///< nobody home during [leave, back)
  millis leave = 0;
  millis back = 0;

  bool occupied_at(millis ms_of_day) const {
    return !(away && ms_of_day >= leave && ms_of_day < back);
  }
  bool awake_at(millis ms_of_day) const {
    return occupied_at(ms_of_day) && ms_of_day >= wake && ms_of_day < sleep;
  }
};

class household_schedule {
public:
  explicit household_schedule(std::uint64_t seed);

  const household_traits& traits() const { return traits_; }
  /// The plan for a local day (cached: consecutive calls mostly hit one day).
  const day_plan& plan(std::int64_t day) const;

private:
  day_plan draw_plan(std::int64_t day) const;

  std::uint64_t seed_;
  household_traits traits_;
  mutable std::array<day_plan, 4> cache_{};
  mutable std::array<bool, 4> cached_{};
};

} // namespace hems::sim
