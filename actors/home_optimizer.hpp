#pragma once
// One optimizer per home (docs/AUTOMATION.md): it re-plans the home when its
// run requests, preferences, tariff, forecast or demand-response events
// change (debounced: a burst of changes is one re-plan), and every 15
// minutes; it stores the plan (GET /plan serves it, across restarts), tells
// its listener (the scheduler) the planned starts when they change, and
// notifies the residents of loads it moved ("dishwasher moved to 01:15,
// saves 0.42 EUR"). Planning itself is plain C++: streams/home_plan_builder.
//
// Preferences, the tariff and the time zone are read from storage (home
// values written by the REST routes, which then send `reload`), so there is
// one source of truth; run requests, forecasts and demand-response events
// arrive in messages.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "actors/base_load.hpp"
#include "actors/messages.hpp"
#include "core/clock.hpp"
#include "storage/store.hpp"

namespace hems::actors {

/// The home values the automation keeps (storage/history_store.hpp).
inline constexpr std::string_view preferences_value = "preferences";
inline constexpr std::string_view tariff_value = "tariff";
inline constexpr std::string_view plan_value = "plan";
inline constexpr std::string_view time_zone_value = "time_zone";

/// A home's stored preferences (defaults when none are stored).
result<streams::home_preferences> stored_preferences(storage::history_store& db,
                                                     const std::string& home);
/// A home's stored tariff (no versions when none is stored).
result<streams::home_tariff> stored_tariff(storage::history_store& db, const std::string& home);
/// A home's time zone name: its own, else `fallback`.
std::string stored_time_zone(storage::history_store& db, const std::string& home,
                             const std::string& fallback);

/// A home's plan inputs from storage alone (zone, preferences, tariff; no
/// run requests, forecast or events): what the optimizer starts from, and
/// what GET /plan plans on before the optimizer stored a plan.
streams::home_plan_inputs stored_plan_inputs(storage::history_store& db, const std::string& home,
                                             millis now, const std::string& default_time_zone);

struct optimizer_settings {
  std::shared_ptr<const clock> time;
  storage::store* db = nullptr; ///< db->history() is not null; outlives the actors
  std::string default_time_zone = "UTC";
  millis debounce_ms = 2'000;
  millis interval_ms = 15 * 60'000;
  double standby_kw = 0.3;       ///< the base load while no forecast arrived
  double time_budget_ms = 2'000; ///< per solve
  /// The learned base-load forecast (actors/base_load.hpp), asked at every
  /// re-plan unless a forecast message came; null: standby_kw.
  std::shared_ptr<const base_load_source> base_load;
  /// After each plan is stored (the live events' `event: plan`); any thread.
  std::function<void(const std::string& home, const streams::home_plan&)> on_plan;
  /// After a notification is stored (the feed's home/<h>/notification).
  std::function<void(const std::string& home, const storage::notification_record&)> on_notification;
};
using optimizer_settings_ptr = std::shared_ptr<const optimizer_settings>;

struct home_optimizer_state {
  home_optimizer_state() = default;
  static inline const char* name = "hems.home_optimizer";
  std::string home;
  optimizer_settings_ptr settings;
  plan_listener_actor listener; ///< may be invalid: nobody fires plans
  streams::automation_inputs inputs;
  std::optional<streams::load_forecast> forecast;
  dr_events dr;
  std::uint64_t generation = 0; ///< bumped by every change; the debounce timer carries it
  streams::home_plan plan;      ///< computed_ms 0: none yet
  planned_starts issued;        ///< what the listener was last told
};

home_optimizer_actor::behavior_type
home_optimizer_behavior(home_optimizer_actor::stateful_pointer<home_optimizer_state> self,
                        std::string home, optimizer_settings_ptr settings,
                        plan_listener_actor listener);

/// The optimizers of every home, spawned on first use. Thread-safe: the REST
/// routes (after a PUT) and the scheduler (with run requests) reach a home's
/// optimizer here.
class home_optimizers {
public:
  home_optimizers(caf::actor_system& system, optimizer_settings_ptr settings,
                  plan_listener_actor listener = {});
  ~home_optimizers();
  /// The home's optimizer (spawned now if it has none yet).
  home_optimizer_actor of(const std::string& home);
  /// The home's preferences, tariff or time zone changed in storage.
  void changed(const std::string& home);
  /// Stops every optimizer.
  void stop();

private:
  caf::actor_system& system_;
  optimizer_settings_ptr settings_;
  plan_listener_actor listener_;
  std::mutex mutex_;
  std::map<std::string, home_optimizer_actor> actors_;
};

} // namespace hems::actors
