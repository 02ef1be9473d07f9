#pragma once
// Times on the wire: milliseconds since the Unix epoch, or RFC 3339 strings
// ("2026-11-27T06:00:00Z", "2026-11-27T07:00:00.250+01:00").

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace hems {

/// Parses an RFC 3339 date-time with a zone (Z or +hh:mm / -hh:mm).
std::optional<millis> parse_rfc3339(std::string_view text);

/// Parses either an integer of milliseconds or an RFC 3339 date-time.
std::optional<millis> parse_time(std::string_view text);

/// Formats as RFC 3339 in UTC with milliseconds: 2026-11-27T06:00:00.000Z.
std::string format_rfc3339(millis t);

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
long long days_from_civil(long long y, unsigned m, unsigned d);

} // namespace hems
