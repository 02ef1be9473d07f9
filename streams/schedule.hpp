#pragma once
// Schedules as plain values (docs/AUTOMATION.md): parsed and validated from
// the JSON of POST /schedule (a 400 names the field), written back as JSON,
// the next moment an on/off/setpoint schedule fires in the home's zone
// (across DST changes), and what a home's schedules ask of its optimizer.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/sample.hpp"
#include "streams/automation_types.hpp"
#include "streams/local_time.hpp"

namespace hems::streams {

enum class schedule_type : std::uint8_t { on, off, run, window, setpoint, away_off, peak_avoid };

std::string_view to_string(schedule_type t);
std::optional<schedule_type> parse_schedule_type(std::string_view name);

/// `HH:MM` in the home's zone, or an absolute instant (a one-shot).
struct schedule_time {
  std::optional<millis> time_of_day_ms; ///< 0 .. day_ms - 1
  std::optional<millis> at_ms;          ///< UTC

  bool absolute() const { return at_ms.has_value(); }
  friend bool operator==(const schedule_time&, const schedule_time&) = default;
};

struct schedule_params {
  std::optional<double> duration_min; ///< run
  std::optional<double> energy_wh;    ///< run
  std::optional<double> power_w;      ///< run
  std::optional<double> setpoint_c;   ///< setpoint
  std::optional<int> minutes;         ///< away_off
  std::vector<device_kind> kinds;     ///< away_off (default light, plug)

  friend bool operator==(const schedule_params&, const schedule_params&) = default;
};

inline constexpr std::uint8_t every_day = 0x7f;

struct schedule {
  std::string id;
  std::string home;
  std::string device; ///< empty for away_off and peak_avoid
  schedule_type type = schedule_type::on;
  std::optional<schedule_time> start;
  std::optional<schedule_time> end;
  std::uint8_t days = every_day; ///< bit d set: weekday d (0 = Monday) is included
  bool days_given = false;
  schedule_params params;
  bool enabled = true;
  millis created_ms = 0;
  std::string created_by;

  bool on_day(int weekday) const { return (days >> weekday) & 1; }
  friend bool operator==(const schedule&, const schedule&) = default;
};

/// A new schedule from the body of POST /schedule; the error names the field
/// ("end: must be HH:MM or a time"). id, created_ms and created_by are the
/// server's to fill in.
std::expected<schedule, std::string> parse_schedule(std::string_view json);
/// A stored schedule (the JSON schedule_json wrote).
std::expected<schedule, std::string> decode_schedule(std::string_view json);
/// The schedule as served by GET /schedule and stored.
std::string schedule_json(const schedule& s);

/// A new id: `sch-` and 16 hex digits.
std::string new_schedule_id();

/// One moment a schedule acts on a device.
struct firing {
  millis at_ms = 0;
  command_action action = command_action::on;
  std::optional<double> setpoint_c; ///< for `set`; empty at a setback's end: restore
  bool restore = false;             ///< a setpoint schedule's end: back to the earlier setpoint

  friend bool operator==(const firing&, const firing&) = default;
};

/// The first firing strictly after `after` of an on, off or setpoint
/// schedule; none for other types, disabled schedules or a past one-shot.
/// A time of day skipped by a DST change fires at the change; one repeated
/// fires once, at its first occurrence.
std::optional<firing> next_firing(const schedule& s, const local_zone& zone, millis after);

/// What a home's schedules contribute to its plan over [now, now + horizon):
/// run requests of `run` schedules whose deadline is ahead, blocked intervals
/// for `peak_avoid` hours and for the outside of each device's `window`s.
automation_inputs inputs_of(const std::vector<schedule>& schedules, const local_zone& zone,
                            millis now, millis horizon_ms);

/// Whether a home is empty, from its presence sensors. A home without any
/// presence sensor is never considered empty: away_off stays inactive there
/// (hems cannot tell an empty home from one without sensors).
class presence_tracker {
public:
  /// A presence sensor's reading.
  void update(const std::string& device, bool occupied, millis ts);
  /// Since when every sensor reports unoccupied; none while anyone is home
  /// or when the home has no presence sensor.
  std::optional<millis> empty_since() const;
  bool has_sensors() const { return !sensors_.empty(); }

private:
  struct reading {
    std::string device;
    bool occupied = false;
    millis since = 0; ///< when it last changed
  };
  std::vector<reading> sensors_;
};

} // namespace hems::streams
