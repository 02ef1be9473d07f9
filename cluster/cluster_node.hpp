#pragma once
// The cluster_node actor: one per `hems serve`. It publishes itself on the
// member's middleman port, keeps a connection to every other member
// (reconnecting to those that are down), answers fleet queries for the homes
// it owns through the handler registered for the query's kind, and fans a
// query out to every member with a deadline, so a member that is down or slow
// shows up as a missing share instead of holding the answer up.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cluster/assignment.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/messages.hpp"

namespace hems::cluster {

/// Which homes a node counts: those it owns and the query covers.
using home_predicate = std::function<bool(std::string_view home)>;
/// Answers one kind of fleet query for the homes `counts` admits.
using fleet_handler = std::function<fleet_part(const fleet_query&, const home_predicate& counts)>;

struct node_context {
  cluster_config config;
  std::string self_id;
  std::chrono::milliseconds timeout{2000};         ///< how long a fan-out waits for a member
  std::chrono::milliseconds reconnect_every{1000}; ///< how often down members are tried
  std::map<std::string, fleet_handler> handlers;   ///< by query kind
  /// Whether this node publishes itself and connects to peers (false: a
  /// single node, or a test without a network).
  bool networked = true;
  /// What a member that comes up (again) is sent, each query answered by it
  /// alone: the changes it may have missed while down (demand-response events
  /// not over, groups). Their handlers merge, so a repeat changes nothing.
  std::function<std::vector<fleet_query>()> resend_on_member_up;
};
using node_context_ptr = std::shared_ptr<const node_context>;

/// A node of one member only (no --cluster): fleet queries still work, locally.
cluster_config single_node_config(const std::string& id);

struct cluster_node_state {
  node_context_ptr context;
  std::unique_ptr<assignment> owners;
  std::size_t self_index = 0;
  std::vector<cluster_node_actor> peers; ///< by member index; invalid when down
  std::vector<bool> connecting;
  static inline const char* name = "cluster_node";
};

cluster_node_actor::behavior_type
cluster_node_behavior(cluster_node_actor::stateful_pointer<cluster_node_state> self,
                      node_context_ptr context);

/// This node's own answer to `q`: the kind's handler over the homes it owns.
fleet_part answer_locally(const node_context& context, const assignment& owners,
                          const fleet_query& q);

} // namespace hems::cluster
