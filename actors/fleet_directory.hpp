#pragma once
// The directory of homes: spawns a home actor on a home's first sample,
// routes committed samples to their homes, and answers which homes exist.

#include <unordered_map>

#include "actors/live_settings.hpp"
#include "actors/messages.hpp"

namespace hems::actors {

/// A device recovered from storage at start-up.
struct recovered_device {
  std::string home;
  device_status status;
};

struct fleet_directory_state {
  // Not an aggregate: CAF would otherwise try to build it from the actor pointer.
  fleet_directory_state() = default;
  static inline const char* name = "hems.fleet_directory";
  std::unordered_map<std::string, home_actor> homes;
  live_context_ptr context;
};

fleet_directory_actor::behavior_type
fleet_directory_behavior(fleet_directory_actor::stateful_pointer<fleet_directory_state> self,
                         std::vector<recovered_device> recovered, live_context_ptr context);

} // namespace hems::actors
