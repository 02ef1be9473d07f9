#pragma once
// The cluster's actor interface and messages. These cross nodes through
// CAF's middleman, so each type has an `inspect` function and is registered
// by name (add_cluster_message_types) instead of being allowed unsafe.

#include <string>
#include <vector>

#include <caf/all.hpp>

#include "cluster/fleet_query.hpp"

namespace hems::cluster {

// -- atoms --------------------------------------------------------------------

using fleet_atom = caf::atom_constant<caf::atom("fleet")>;
using fan_out_atom = caf::atom_constant<caf::atom("fanout")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;

// -- message types ------------------------------------------------------------

/// One member as this node sees it now.
struct member_state {
  std::string id;
  std::string node; ///< the middleman's HOST:PORT
  std::string hub;
  std::string http;
  bool self = false;
  bool up = false;  ///< this node, or a peer connected through the middleman
  double share = 0; ///< the fraction of all homes it owns
};

/// Every member and whether it is reachable from this node.
struct cluster_status {
  std::string self;
  std::vector<member_state> members;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, member_state& x) {
  return f(x.id, x.node, x.hub, x.http, x.self, x.up, x.share);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_status& x) {
  return f(x.self, x.members);
}

// -- interfaces -----------------------------------------------------------------

/// One node of the cluster: answers for the homes it owns, and fans a fleet
/// query out over every member.
using cluster_node_actor = caf::typed_actor<
    /// Answers a fleet query for the homes this node owns (asked by any member).
    caf::replies_to<fleet_atom, fleet_query>::with<fleet_part>,
    /// Asks every member (this one too) and merges their parts; a member that
    /// is down or does not answer in time is listed as missing.
    caf::replies_to<fan_out_atom, fleet_query>::with<fleet_answer>,
    /// Asks which members are reachable now.
    caf::replies_to<members_atom>::with<cluster_status>,
    /// Time to connect to members that are down.
    caf::reacts_to<reconnect_atom>>;

/// Registers every type above with a CAF config (before the actor system starts).
void add_cluster_message_types(caf::actor_system_config& config);

} // namespace hems::cluster
