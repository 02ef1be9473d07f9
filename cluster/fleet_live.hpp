#pragma once
// The "live" fleet query: this node's share of the fleet's load now, summed
// from the live board (the statuses home actors publish), so answering costs
// no actor round trip per home.
//
// totals: homes, devices, devices_online, power_w (sum of home totals: the
// whole-home meter where one is online), max_home_power_w.

#include <memory>

#include "actors/live_board.hpp"
#include "actors/live_settings.hpp"
#include "cluster/cluster_node.hpp"

namespace hems::cluster {

inline constexpr const char* live_query_kind = "live";

fleet_handler live_fleet_handler(actors::live_context_ptr live);

} // namespace hems::cluster
