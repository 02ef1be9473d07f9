#pragma once
// The fleet's usage as partial answers that merge: each node (or each share
// of homes) sums the windows of the homes it holds and says which homes
// answered; partial answers from other nodes merge into one by adding
// window by window. A fleet query fanned out over a cluster is the merge of
// its nodes' parts, and a node that does not answer shows up as missing
// homes, never as a wrong total.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace hems::streams {

/// One window of the fleet: the sum of its homes' windows with that start.
struct fleet_window {
  millis start = 0;
  millis end = 0;
  double energy_wh = 0;
  double max_home_power_w = 0; ///< the highest single home's peak in it
  std::uint32_t homes = 0;     ///< homes with a window here

  friend bool operator==(const fleet_window&, const fleet_window&) = default;
};

struct fleet_usage_part {
  std::vector<fleet_window> windows; ///< by start
  std::vector<std::string> answered; ///< homes whose data is included (sorted)
  std::vector<std::string> missing;  ///< homes asked for that could not answer (sorted)
  double live_power_w = 0;           ///< the homes' power now
  std::uint32_t homes_online = 0;    ///< homes with a device online now
};

/// Adds one home's windows (by start, as stored) to a part.
void add_home_windows(fleet_usage_part& part, const std::vector<fleet_window>& home_windows);

/// Merges `other` into `into` (windows added start by start, homes united).
void merge(fleet_usage_part& into, const fleet_usage_part& other);

} // namespace hems::streams
