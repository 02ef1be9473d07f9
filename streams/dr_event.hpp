#pragma once
// A demand-response event with OpenADR 2.0b's semantics, as plain data and
// plain functions: the event model, its validation (every error names the
// field), the state machine driven by time alone, and opt-outs.
//
// States (OpenADR eventStatus): far until `notification` before the start,
// near from then until the start, active during [start, start + duration),
// completed after; cancelled from the moment an operator cancels it (a
// completed event can no longer be cancelled). The state is a function of
// the event and the time: nothing has to run for it to be right, and the
// coordinator actor only has to wake at the next transition to publish it.
//
// The signal is OpenADR's SIMPLE level (0 normal, 1 moderate, 2 high,
// 3 special) or a shed target in kW for the whole event (split over the
// participating homes by their baselines: dr_baseline.hpp).

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace hems::streams {

enum class dr_state : std::uint8_t { far, near, active, completed, cancelled };

std::string_view to_string(dr_state s);

struct dr_event {
  std::string id;                 ///< "dr-" + 16 hex digits, assigned by the server
  std::string group;              ///< the group it was sent to; empty when homes were listed
  std::vector<std::string> homes; ///< the target homes (a group's members when created)
  millis start_ms = 0;
  millis duration_ms = 0;
  millis notification_ms = 0;   ///< lead time: near from start - notification
  int level = 1;                ///< SIMPLE level 0-3 (ignored when shed_kw is set)
  std::optional<double> shed_kw; ///< the fleet's shed target instead of a level
  millis created_ms = 0;
  std::string created_by;
  std::optional<millis> cancelled_ms;
  std::vector<std::string> opted_out; ///< homes opted out of this event (sorted)

  millis end_ms() const { return start_ms + duration_ms; }
  friend bool operator==(const dr_event&, const dr_event&) = default;
};

/// What an operator asks for (POST /dr/events), before it is an event.
struct dr_request {
  std::string group;
  std::vector<std::string> homes;
  std::optional<millis> start_ms;
  std::optional<millis> duration_ms;
  std::optional<millis> notification_ms;
  std::optional<int> level;
  std::optional<double> shed_kw;
};

struct dr_invalid {
  std::string field;
  std::string detail;
};

/// Limits a request is checked against.
inline constexpr millis dr_max_duration_ms = 24LL * 3'600'000;
inline constexpr millis dr_max_notification_ms = 7LL * 86'400'000;
inline constexpr std::size_t dr_max_homes = 100'000;

/// Checks a request and makes the event (id, homes and creator filled in by
/// the caller). The start may not be in the past (by more than a minute of
/// clock skew); exactly one of group and homes; level 0-3 or a positive kW
/// target, not both; duration 1 minute to 24 hours; notification 0 to 7 days.
std::expected<dr_event, dr_invalid> make_dr_event(const dr_request& r, millis now);

/// The event's state at `now`.
dr_state state_at(const dr_event& e, millis now);

/// When the state next changes after `now` (none once completed or cancelled).
std::optional<millis> next_transition(const dr_event& e, millis now);

/// Cancels the event; an error when it is already completed or cancelled.
std::expected<void, std::string> cancel(dr_event& e, millis now);

/// Records a home's opt-out; an error when the home is not a target or the
/// event is over. Opting out twice is fine.
std::expected<void, std::string> opt_out(dr_event& e, std::string_view home, millis now);

/// The homes that take part: targets, minus this event's opt-outs, minus the
/// homes with a standing opt-out.
std::vector<std::string> participants(const dr_event& e,
                                       const std::vector<std::string>& standing_opt_outs);

/// The kW each participant is asked to shed: the target split in proportion
/// to their baselines' average over the event (equal shares when every
/// baseline is zero), or, for a SIMPLE level, the share of its baseline the
/// level asks for (level 1: 10 %, 2: 25 %, 3: 50 %, 0: nothing).
std::vector<double> shed_targets_kw(const dr_event& e, const std::vector<double>& baseline_avg_kw);

/// The share of a home's baseline a SIMPLE level asks it to shed.
double level_share(int level);

/// What a home's optimizer is told about an event (on every state change,
/// and when the home opts out): it re-plans to shed inside [start, end)
/// while keeping every safety rule.
struct dr_notice {
  std::string home;
  std::string event_id;
  dr_state state = dr_state::far;
  millis start_ms = 0;
  millis end_ms = 0;
  int level = 0;        ///< SIMPLE level (shed level_share of the home's baseline)
  double target_kw = 0; ///< a kW event's share for this home (even split; 0 for a level)
  bool opted_out = false; ///< the home no longer takes part: plan as usual

  friend bool operator==(const dr_notice&, const dr_notice&) = default;
};

} // namespace hems::streams
