#include "sim/household.hpp"

#include <algorithm>

#include "sim/local_time.hpp"
#include "sim/random.hpp"

namespace hems::sim {

namespace {

millis clamp_ms(double v, millis lo, millis hi) {
  return std::clamp(static_cast<millis>(v), lo, hi);
}

} // namespace

household_schedule::household_schedule(std::uint64_t seed) : seed_(seed) {
  rng r{derive_seed(seed, "household")};
  // Household sizes roughly as in European statistics: many of one or two.
  double u = r.uniform();
  traits_.residents = u < 0.3 ? 1 : u < 0.65 ? 2 : u < 0.82 ? 3 : u < 0.95 ? 4 : 5;
  traits_.someone_home_by_day = r.chance(0.2);
  traits_.wake = clamp_ms(r.normal(6.5 * hour_ms, 0.4 * hour_ms), 5 * hour_ms, 8 * hour_ms);
  traits_.leave = clamp_ms(r.normal(8.0 * hour_ms, 0.3 * hour_ms), traits_.wake + 30 * minute_ms,
                           9 * hour_ms + 30 * minute_ms);
  traits_.back = clamp_ms(r.normal(17.0 * hour_ms, 0.5 * hour_ms), 15 * hour_ms, 19 * hour_ms);
  traits_.sleep = clamp_ms(r.normal(22.75 * hour_ms, 0.4 * hour_ms), 21 * hour_ms + 30 * minute_ms,
                           23 * hour_ms + 45 * minute_ms);
}

const day_plan& household_schedule::plan(std::int64_t day) const {
  auto slot = static_cast<std::size_t>(day & 3);
  if (!cached_[slot] || cache_[slot].day != day) {
    cache_[slot] = draw_plan(day);
    cached_[slot] = true;
  }
  return cache_[slot];
}

day_plan household_schedule::draw_plan(std::int64_t day) const {
  rng r{derive_seed(seed_, static_cast<std::uint64_t>(day))};
  day_plan p;
  p.day = day;
  p.weekday = weekday_of(day);
  bool weekend = p.weekday >= 5;
  constexpr millis latest = day_ms - 5 * minute_ms;

  if (!weekend) {
    p.wake = clamp_ms(r.normal(static_cast<double>(traits_.wake), 15.0 * minute_ms), 4 * hour_ms,
                      9 * hour_ms);
    if (!traits_.someone_home_by_day && r.chance(0.9)) {
      p.away = true;
      p.leave = clamp_ms(r.normal(static_cast<double>(traits_.leave), 20.0 * minute_ms),
                         p.wake + 20 * minute_ms, 11 * hour_ms);
      p.back = clamp_ms(r.normal(static_cast<double>(traits_.back), 40.0 * minute_ms),
                        p.leave + 4 * hour_ms, 21 * hour_ms);
    } else if (r.chance(0.3)) { // errands
      p.away = true;
      p.leave = r.between(10 * hour_ms, 12 * hour_ms);
      p.back = p.leave + r.between(60 * minute_ms, 150 * minute_ms);
    }
  } else {
    p.wake = clamp_ms(r.normal(static_cast<double>(traits_.wake) + 1.5 * hour_ms, 30.0 * minute_ms),
                      5 * hour_ms, 11 * hour_ms);
    if (r.chance(0.45)) { // an outing
      p.away = true;
      p.leave = std::max(p.wake + 30 * minute_ms, r.between(10 * hour_ms, 14 * hour_ms));
      p.back = p.leave + r.between(2 * hour_ms, 6 * hour_ms);
    }
  }
  double bedtime = static_cast<double>(traits_.sleep) + (weekend ? 45.0 * minute_ms : 0.0);
  millis earliest_sleep = p.away ? p.back + hour_ms : p.wake + 12 * hour_ms;
  p.sleep = clamp_ms(r.normal(bedtime, 25.0 * minute_ms), std::min(earliest_sleep, latest), latest);
  return p;
}

} // namespace hems::sim
