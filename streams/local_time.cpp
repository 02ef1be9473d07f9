#include "streams/local_time.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include <date/date.h>
#include <date/tz.h>

namespace hems::streams {

namespace {

int digit(char c) {
  return c >= '0' && c <= '9' ? c - '0' : -1;
}

// "+HH", "+HH:MM", "+HHMM" (and '-').
bool parse_fixed_offset(std::string_view s, millis& out) {
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-'))
    return false;
  int h1 = digit(s[1]), h2 = digit(s[2]);
  if (h1 < 0 || h2 < 0)
    return false;
  int hours = h1 * 10 + h2, minutes = 0;
  std::string_view rest = s.substr(3);
  if (!rest.empty() && rest[0] == ':')
    rest.remove_prefix(1);
  if (!rest.empty()) {
    if (rest.size() != 2 || digit(rest[0]) < 0 || digit(rest[1]) < 0)
      return false;
    minutes = digit(rest[0]) * 10 + digit(rest[1]);
  }
  if (hours > 14 || minutes > 59)
    return false;
  millis magnitude = hours * hour_ms + minutes * minute_ms;
  out = s[0] == '-' ? -magnitude : magnitude;
  return true;
}

} // namespace

result<local_zone> local_zone::from_name(std::string_view name) {
  local_zone z;
  z.name_ = std::string{name};
  if (name.empty() || name == "UTC" || name == "Z" || name == "utc")
    return z;
  if (name[0] == '+' || name[0] == '-') {
    if (!parse_fixed_offset(name, z.fixed_offset_))
      return fail(errc::invalid_input,
                  "bad UTC offset '" + std::string{name} + "' (expected +HH:MM or -HH:MM)");
    return z;
  }
  try {
    z.zone_ = date::locate_zone(name);
  } catch (const std::exception&) {
    return fail(errc::invalid_input, "unknown time zone '" + std::string{name} + "'");
  }
  return z;
}

millis local_zone::offset_at(millis utc) const {
  if (!zone_)
    return fixed_offset_;
  if (utc < cache_begin_ || utc >= cache_end_) {
    using namespace std::chrono;
    auto info = zone_->get_info(date::sys_seconds{seconds{floor_div(utc, 1000)}});
    cache_begin_ = duration_cast<milliseconds>(info.begin.time_since_epoch()).count();
    cache_end_ = duration_cast<milliseconds>(info.end.time_since_epoch()).count();
    cache_offset_ = duration_cast<milliseconds>(info.offset).count();
    cache_standard_ = cache_offset_ - duration_cast<milliseconds>(info.save).count();
  }
  return cache_offset_;
}

millis local_zone::to_local(millis utc) const {
  return utc + offset_at(utc);
}

millis local_zone::to_utc(millis local) const {
  if (!zone_)
    return local - fixed_offset_;
  // The offsets a day before and a day after bracket any transition near
  // `local` (real zones never change twice within two days).
  millis before = local - offset_at(local - day_ms);
  millis after = local - offset_at(local + day_ms);
  bool before_holds = offset_at(before) == local - before;
  bool after_holds = offset_at(after) == local - after;
  if (before_holds && after_holds)
    return std::min(before, after); // repeated wall-clock time: its first occurrence
  if (before_holds)
    return before;
  if (after_holds)
    return after;
  // A skipped wall-clock time: the transition itself, where `before`'s range begins.
  offset_at(before);
  return cache_begin_;
}

local_moment local_zone::moment(millis utc) const {
  millis local = to_local(utc);
  local_moment m;
  m.day = floor_div(local, day_ms);
  m.ms_of_day = local - m.day * day_ms;
  m.weekday = weekday_of(m.day);
  date::year_month_day ymd{date::sys_days{date::days{m.day}}};
  auto jan1 = date::sys_days{ymd.year() / date::January / 1};
  m.day_of_year = static_cast<int>(m.day - jan1.time_since_epoch().count());
  return m;
}

double local_zone::standard_offset_hours() const {
  if (!zone_)
    return static_cast<double>(fixed_offset_) / hour_ms;
  // Any fixed instant will do: the standard offset is the offset minus the
  // daylight saving in effect. A recent one, since zones have changed.
  constexpr millis jan_2024 = 1'704'067'200'000;
  offset_at(jan_2024);
  return static_cast<double>(cache_standard_) / hour_ms;
}

} // namespace hems::streams
