#pragma once
// One actor per home computing its usage windows (streams/home_windows.hpp):
// it starts from storage (actors/window_recovery.hpp), takes the home's
// readings after they are durable, writes windows with the home's close point
// as they close, tells the feed, and moves closed hours of raw samples into
// chunks. If a write fails it stops; its home restarts it and it resumes from
// storage, so nothing is lost or counted twice. As windows close it looks
// for anomalies and keeps the home's base-load quarters (actors/home_insight.hpp).

#include <optional>

#include "actors/home_insight.hpp"
#include "actors/live_settings.hpp"
#include "actors/messages.hpp"

namespace hems::actors {

struct aggregator_state {
  // Not an aggregate: CAF would otherwise try to build it from the actor pointer.
  aggregator_state() = default;
  static inline const char* name = "hems.aggregator";
  std::string home;
  std::optional<streams::home_windows> windows;
  storage::windows_checkpoint checkpoint;
  /// Anomalies and the base-load forecast (none when patterns are off).
  std::optional<insight_state> insights;
  live_context_ptr context;
};

aggregator_actor::behavior_type
aggregator_behavior(aggregator_actor::stateful_pointer<aggregator_state> self, std::string home,
                    known_devices devices, live_context_ptr context);

} // namespace hems::actors
