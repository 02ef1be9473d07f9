#pragma once
// A home's preferences (docs/AUTOMATION.md, GET/PUT /preferences): peak
// hours, import cap, comfort, the devices automation must not switch off or
// touch, the safety timings and which notifications the residents want.
// Plain data, its reader (every bad value names its field) and its writer.
// The time zone is not kept here: it is the home's "time_zone" value that
// PUT /homes/{home}/time_zone sets too (one source of truth); the document
// carries it on the wire only.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streams/automation_types.hpp"
#include "streams/local_time.hpp"
#include "streams/plan_problem.hpp"

namespace hems::streams {

/// Hours of some days of the week, local time: "17:00"-"21:00" on weekdays.
/// An end at or before the start runs past midnight; "24:00" ends the day.
struct daily_period {
  std::vector<int> days; ///< 0 = Monday .. 6 = Sunday; empty: every day
  millis start = 0;      ///< ms of the local day
  millis end = 0;        ///< ms of the local day (exclusive), up to day_ms

  /// Whether the local moment lies inside (a period past midnight belongs
  /// to the day it starts on).
  bool contains(const local_moment& m) const;

  friend bool operator==(const daily_period&, const daily_period&) = default;
};

struct thermostat_comfort {
  double min_c = 19;
  double max_c = 23;
  friend bool operator==(const thermostat_comfort&, const thermostat_comfort&) = default;
};

/// Which notifications the residents want.
struct notification_choices {
  bool automation = true;
  bool peak_warning = true;
  bool anomaly = true;
  bool offline = true;
  bool command_failed = true;
  friend bool operator==(const notification_choices&, const notification_choices&) = default;
};

struct home_preferences {
  std::vector<daily_period> peak_hours;
  std::optional<double> import_cap_w;
  std::optional<thermostat_comfort> thermostat;
  std::vector<std::string> essential_devices;
  std::vector<std::string> protected_devices;
  int manual_override_min = 120;
  int min_on_min = 5;
  int min_off_min = 5;
  notification_choices notifications;

  friend bool operator==(const home_preferences&, const home_preferences&) = default;
};

/// "HH:MM" (00:00 .. 23:59, and 24:00 when `allow_end_of_day`) as ms of the day.
std::optional<millis> parse_time_of_day(std::string_view text, bool allow_end_of_day);
/// "HH:MM" of ms of the day.
std::string format_time_of_day(millis ms_of_day);
/// "mon" .. "sun" as 0 .. 6.
std::optional<int> parse_weekday(std::string_view name);
std::string_view weekday_name(int day);

/// The PUT body read: the preferences and, when the body has one, the time
/// zone (checked to be a zone local_zone knows). Absent fields take their
/// defaults; unknown fields are refused. `home`, when present, must be `home`.
struct preferences_document {
  home_preferences preferences;
  std::optional<std::string> time_zone;
};
std::expected<preferences_document, invalid_field> read_preferences(std::string_view json,
                                                                    std::string_view home);

/// The document as GET answers it (and as it is stored, with the zone left out
/// when `time_zone` is empty).
std::string preferences_json(std::string_view home, const home_preferences& p,
                             std::string_view time_zone);

/// The safety gate's settings. Devices whose id says fridge, freezer or
/// medical are essential whatever the list says: the gate checks ids itself
/// (is_essential_id), this only carries the residents' lists.
safety_settings to_safety_settings(const home_preferences& p);

/// Whether a device id names an essential device by itself (fridge, freezer, medical).
bool is_essential_id(std::string_view device);

} // namespace hems::streams
