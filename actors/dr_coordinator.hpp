#pragma once
// The demand-response coordinator: one actor for the node's events. It holds
// every event that is not over, and on each tick (and on every change an
// operator or resident makes over REST) moves them to their state at the
// injected clock's time. Each state change is published on the feed
// (fleet/dr/<id>) and told to every participating home's optimizer; the
// residents of each target home get a `dr_event` notification when the event
// is announced and when it is cancelled. What the actor does with an event
// is plain C++ below (dr_step); the actor only holds state and wakes up.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "core/clock.hpp"
#include "streams/dr_event.hpp"

namespace hems::actors {

struct dr_coordinator_settings {
  std::shared_ptr<const clock> time = std::make_shared<system_clock>();
  /// The actor ticks itself this often; 0: only when sent a tick (tests).
  millis tick_interval_ms = 1000;
  /// A state change of an event (the feed's fleet/dr/<id>).
  std::function<void(const streams::dr_event&, streams::dr_state)> publish;
  /// Residents of `homes` are told about the event ("announced" or "cancelled").
  std::function<void(const std::vector<std::string>& homes, const streams::dr_event&,
                     std::string_view what)>
    notify_residents;
  /// A home's optimizer is told (the automation's optimizer actor listens).
  std::function<void(const streams::dr_notice&)> tell_home;
  /// Homes among the given ones with a standing opt-out.
  std::function<std::vector<std::string>(const std::vector<std::string>&)> standing_opt_outs;
  /// Whether this node owns a home (a cluster: an event reaches every owner,
  /// and each notifies and tells only its own homes); null: every home.
  std::function<bool(const std::string& home)> owns;
};

/// One event as the coordinator tracks it.
struct dr_tracked {
  streams::dr_event event;
  std::optional<streams::dr_state> published; ///< the state last published
};

/// What the coordinator holds; plain, so dr_step is tested without actors.
struct dr_book {
  dr_coordinator_settings settings;
  std::map<std::string, dr_tracked> events;
};

/// Takes in a new or changed event (announces new ones, tells homes that
/// opted out, notifies a cancellation), then advances.
void dr_upsert(dr_book& book, const streams::dr_event& e);
/// Publishes and tells homes every state change up to the clock's time.
void dr_advance(dr_book& book);

struct dr_coordinator_state {
  dr_coordinator_state() = default;
  static inline const char* name = "hems.dr_coordinator";
  dr_book book;
};

/// `stored`: the events in storage at start-up (those not over are resumed).
dr_coordinator_actor::behavior_type
dr_coordinator_behavior(dr_coordinator_actor::stateful_pointer<dr_coordinator_state> self,
                        std::vector<streams::dr_event> stored, dr_coordinator_settings settings);

} // namespace hems::actors
