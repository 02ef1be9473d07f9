#pragma once
// One actor per home. It supervises the home's device actors (restarting a
// failed one with its last reported state, quarantining one that keeps
// failing, as OTP's restart intensity does) and keeps the home's live view.

#include <unordered_map>

#include "actors/live_settings.hpp"
#include "actors/messages.hpp"

namespace hems::actors {

struct supervised_device {
  device_actor actor;          ///< invalid while quarantined
  device_status status;        ///< the latest status the device reported
  /// Failure times within the restart window (a vector: empty costs nothing,
  /// and it never holds more than max_restarts + 1 entries).
  std::vector<millis> failures;
};

struct home_actor_state {
  // Not an aggregate: CAF would otherwise try to build it from the actor pointer.
  home_actor_state() = default;
  static inline const char* name = "hems.home";
  std::string home;
  std::unordered_map<std::string, supervised_device> devices;
  std::unordered_map<caf::actor_addr, std::string> device_by_addr;
  /// The home's usage windows (invalid without history, or after failing too often).
  aggregator_actor aggregator;
  std::vector<millis> aggregator_failures;
  live_context_ptr context;
};

/// `initial` holds the devices recovered from storage at start-up.
home_actor::behavior_type home_behavior(home_actor::stateful_pointer<home_actor_state> self,
                                        std::string home, std::vector<device_status> initial,
                                        live_context_ptr context);

} // namespace hems::actors
