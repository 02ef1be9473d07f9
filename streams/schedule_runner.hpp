#pragma once
// One home's automation as plain C++, driven by its scheduler actor
// (actors/home_scheduler.hpp): which commands are due at a given time (its
// on/off/setpoint schedules in the home's zone, away_off once the home has
// been empty long enough, the optimizer's planned starts), each through the
// safety gate; what the devices' telemetry says (states, presence, manual
// changes, commands followed or not); and the notifications all that is
// worth. Time is always passed in, so tests drive it by hand.

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/sample.hpp"
#include "streams/automation_types.hpp"
#include "streams/local_time.hpp"
#include "streams/safety.hpp"
#include "streams/schedule.hpp"

namespace hems::streams {

/// A notification (docs/AUTOMATION.md): `{"home", "ts_ms", "kind",
/// "subject", "severity", "title", "message", "evidence"}`.
struct automation_notice {
  std::string home;
  millis ts_ms = 0;
  std::string kind;              ///< automation, command_failed, manual_override, peak_warning
  std::string subject;           ///< usually the device
  std::string severity = "info"; ///< info, warning, alert
  std::string title;
  std::string message;
  std::map<std::string, std::string> evidence;
};

/// What one step of the runner decided.
struct runner_output {
  std::vector<command> commands; ///< allowed by the safety gate, to send now
  std::vector<automation_notice> notices;
};

struct runner_settings {
  /// A command's expiry; a device that has not followed it by then is reported.
  millis command_expiry_ms = 5 * minute_ms;
};

class schedule_runner {
public:
  /// Nothing before `now` fires: a schedule's past times are not caught up.
  schedule_runner(std::string home, local_zone zone, millis now, runner_settings settings = {});

  void set_schedules(std::vector<schedule> schedules);
  void set_zone(local_zone zone) { zone_ = std::move(zone); }
  const local_zone& zone() const { return zone_; }
  /// The optimizer's decisions, replacing earlier ones not yet fired.
  void set_planned(std::vector<planned_start> starts);

  /// A durable sample of one of the home's devices.
  void observe(const sample& s, const safety_settings& safety, runner_output& out);
  /// Fires everything due by `now` and reports commands not followed in time.
  void run_due(millis now, const safety_settings& safety, runner_output& out);
  /// When run_due next has something to do (none: only telemetry can wake it).
  std::optional<millis> next_due(millis now) const;

  /// What the home's schedules ask of the optimizer over [now, now + horizon).
  automation_inputs inputs(millis now, millis horizon_ms) const;
  const std::vector<schedule>& schedules() const { return schedules_; }
  const std::string& home() const { return home_; }

private:
  struct device_info {
    device_safety_state safety;
    std::optional<double> setpoint_c;        ///< as last reported
    std::optional<double> setpoint_before_c; ///< before a setpoint schedule changed it
  };
  struct pending {
    command cmd;
    device_state expected = device_state::unknown;
  };

  device_info& device(const std::string& id);
  void fire(command_action action, const std::string& device, const std::string& source,
            const std::string& reason, std::map<std::string, double, std::less<>> params,
            command_source who, millis now, const safety_settings& safety, runner_output& out);
  void fire_schedules(millis now, const safety_settings& safety, runner_output& out);
  void fire_away_off(millis now, const safety_settings& safety, runner_output& out);
  void fire_planned(millis now, const safety_settings& safety, runner_output& out);
  void expire_pending(millis now, runner_output& out);
  automation_notice notice(std::string kind, std::string subject, millis at) const;
  std::string new_command_id();

  std::string home_;
  local_zone zone_;
  runner_settings settings_;
  millis checked_until_ms_; ///< firings at or before this have been handled
  std::vector<schedule> schedules_;
  std::vector<planned_start> planned_;
  std::map<std::string, device_info, std::less<>> devices_;
  presence_tracker presence_;
  std::map<std::string, millis> away_done_; ///< away_off schedule -> the empty period it acted on
  std::vector<pending> pending_;
  std::mt19937_64 ids_{std::random_device{}()};
};

} // namespace hems::streams
