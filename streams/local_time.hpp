#pragma once
// A home's local time. Residents live by the wall clock ("dinner at seven"):
// the simulator writes its schedules in local time, and daily usage windows
// and weekly patterns follow the home's calendar (days of 23 or 25 hours
// included), while samples carry UTC only. A zone is UTC, a fixed offset
// ("+01:00") or an IANA name ("Europe/Berlin", with daylight saving time).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace date {
class time_zone;
}

namespace hems::streams {

inline constexpr millis second_ms = 1000;
inline constexpr millis minute_ms = 60 * second_ms;
inline constexpr millis hour_ms = 60 * minute_ms;
inline constexpr millis day_ms = 24 * hour_ms;

/// Floor division, for days before 1970 too.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// The first time after `t` on the grid `phase + k * period`.
constexpr millis next_tick(millis t, millis period, millis phase) {
  return phase + (floor_div(t - phase, period) + 1) * period;
}

/// One instant as the residents see it.
struct local_moment {
  std::int64_t day = 0; ///< days since 1970-01-01, local calendar
  millis ms_of_day = 0; ///< 0 .. day_ms - 1
  int weekday = 0;      ///< 0 = Monday .. 6 = Sunday
  int day_of_year = 0;  ///< 0 = January 1st
  bool weekend() const { return weekday >= 5; }
  double hour() const { return static_cast<double>(ms_of_day) / hour_ms; }
};

/// Weekday of a local day number (0 = Monday); 1970-01-01 was a Thursday.
constexpr int weekday_of(std::int64_t day) {
  return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

class local_zone {
public:
  /// UTC.
  local_zone() = default;
  /// "UTC", "Z", "+HH:MM", "-HH:MM", "+HH", or an IANA zone name.
  static result<local_zone> from_name(std::string_view name);

  const std::string& name() const { return name_; }
  /// Wall-clock time in the zone, as milliseconds since a local 1970-01-01.
  millis to_local(millis utc) const;
  /// The UTC instant of a local wall-clock time. A time that does not exist
  /// (skipped by a DST change) maps to the change; a repeated one to its first.
  millis to_utc(millis local) const;
  local_moment moment(millis utc) const;
  /// The UTC instant of `ms_of_day` on local day `day`.
  millis at(std::int64_t day, millis ms_of_day) const { return to_utc(day * day_ms + ms_of_day); }
  /// Standard (winter) offset in hours: the zone's longitude, roughly, for the sun.
  double standard_offset_hours() const;

private:
  millis offset_at(millis utc) const; // local - utc

  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr; // null: fixed offset
  millis fixed_offset_ = 0;
  // The zone's offset is constant between transitions: cache the last range.
  mutable millis cache_begin_ = 1;
  mutable millis cache_end_ = 0;
  mutable millis cache_offset_ = 0;
  mutable millis cache_standard_ = 0;
};

} // namespace hems::streams
