#include "streams/window_grid.hpp"

namespace hems::streams {

std::string_view to_string(resolution r) {
  switch (r) {
  case resolution::m1:
    return "1m";
  case resolution::m15:
    return "15m";
  case resolution::h1:
    return "1h";
  case resolution::d1:
    return "1d";
  }
  return "?";
}

std::optional<resolution> parse_resolution(std::string_view name) {
  for (auto r : all_resolutions)
    if (to_string(r) == name)
      return r;
  return std::nullopt;
}

millis nominal_length(resolution r) {
  switch (r) {
  case resolution::m1:
    return minute_ms;
  case resolution::m15:
    return 15 * minute_ms;
  case resolution::h1:
    return hour_ms;
  case resolution::d1:
    return day_ms;
  }
  return minute_ms;
}

millis window_calendar::start_of(resolution r, millis t) const {
  if (r != resolution::d1)
    return floor_to(t, nominal_length(r));
  // Local midnight on t's local day; a midnight skipped by a DST change maps
  // to the change itself (local_zone::to_utc).
  millis start = zone_.to_utc(floor_to(zone_.to_local(t), day_ms));
  return start <= t ? start : zone_.to_utc(floor_to(zone_.to_local(t), day_ms) - day_ms);
}

millis window_calendar::end_of(resolution r, millis start) const {
  if (r != resolution::d1)
    return start + nominal_length(r);
  return zone_.to_utc(floor_to(zone_.to_local(start), day_ms) + day_ms);
}

} // namespace hems::streams
