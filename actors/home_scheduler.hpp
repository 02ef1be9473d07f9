#pragma once
// One actor per home with automation: it holds the home's schedules (loaded
// from the schedule book at start and on every change), fires their commands
// at the right local time, runs away_off, fires the optimizer's planned
// starts, warns of high use in peak hours (streams/peak_warning.hpp), and
// reports devices that do not follow (streams/schedule_runner.hpp
// holds the logic). Every command passes the safety gate and goes out through
// the server's command path (ids, expiry, retries, outcomes). Timers are
// delayed messages to itself, each one re-reading the injected clock, so a
// test moves the manual clock and triggers them.
//
// One actor per home (not per shard): a home's automation is small, its
// timers are its own, and a home without schedules costs no actor.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actors/automation_notifier.hpp"
#include "actors/messages.hpp"
#include "core/clock.hpp"
#include "storage/schedule_book.hpp"
#include "streams/peak_warning.hpp"
#include "streams/preferences.hpp"
#include "streams/schedule_runner.hpp"

namespace hems::actors {

/// What every home's scheduler is given; fixed at start-up, shared.
struct scheduler_context {
  std::shared_ptr<const clock> time;
  storage::schedule_book* book = nullptr; ///< owned by the server, outlives the actors
  /// Sends a command through the command path (hub link or MQTT).
  std::function<void(command)> send;
  /// The home's safety settings (its preferences once they exist; defaults until then).
  std::function<streams::safety_settings(const std::string& home)> safety;
  /// The home's IANA time zone (or offset).
  std::function<std::string(const std::string& home)> time_zone;
  std::shared_ptr<const automation_notifier> notifier;
  /// Told when a home's schedules change what they ask of the optimizer.
  std::function<void(const std::string& home, const streams::automation_inputs&)> on_inputs = {};
  /// The home's preferences (peak hours, import cap, notification choices);
  /// none: no peak warnings.
  std::function<std::optional<streams::home_preferences>(const std::string& home)> preferences = {};
  /// Whether a home without a scheduler needs one for its live samples
  /// (peak warnings); asked at most once per `wants_recheck_ms` per home.
  std::function<bool(const std::string& home)> wants_scheduler = {};
  millis wants_recheck_ms = 60'000;
  streams::runner_settings runner;
  streams::peak_warning_settings peak;
  millis inputs_horizon_ms = 48 * 3'600'000;
  /// The longest a scheduler sleeps: it looks again at least this often.
  millis max_sleep_ms = 60'000;
};
using scheduler_context_ptr = std::shared_ptr<const scheduler_context>;

struct home_scheduler_state {
  home_scheduler_state() = default; // not an aggregate (see aggregator_state)
  static inline const char* name = "hems.home_scheduler";
  std::optional<streams::schedule_runner> runner;
  std::optional<streams::peak_watch> peaks; ///< peak warnings from the live samples
  scheduler_context_ptr context;
  std::uint64_t timer = 0;       ///< the generation of the one live timer
  std::optional<millis> wake_ms; ///< when it wakes (server time)
};

home_scheduler_actor::behavior_type
home_scheduler_behavior(home_scheduler_actor::stateful_pointer<home_scheduler_state> self,
                        std::string home, scheduler_context_ptr context);

} // namespace hems::actors
