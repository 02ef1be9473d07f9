#pragma once
// One actor per physical device: applies its samples to its live state and
// reports the result to its home, which supervises it.

#include "actors/live_settings.hpp"
#include "actors/messages.hpp"

namespace hems::actors {

struct device_actor_state {
  // Not an aggregate: CAF would otherwise try to build it from the actor pointer.
  device_actor_state() = default;
  static inline const char* name = "hems.device";
  /// Weak: the home owns its devices, a strong handle back would be a cycle.
  caf::actor_addr home;
  std::string device;
  device_kind kind = device_kind::unknown;
  millis last_seen_ms = 0;
  streams::live_device live; ///< the newest sample and today's energy
  live_context_ptr context;
};

/// Spawned by its home with the status to resume from (empty for a new device).
device_actor::behavior_type
device_behavior(device_actor::stateful_pointer<device_actor_state> self, home_actor home,
                device_status initial, live_context_ptr context);

} // namespace hems::actors
