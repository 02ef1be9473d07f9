#pragma once
// The cluster's endpoints: GET /cluster/status (every member, up or down)
// and GET /fleet/live (the fleet's load now, from every node). A fleet query
// goes to this node's cluster_node actor, which asks every member and merges;
// other fleet views build their answers with ask_fleet and fleet_answer_json.

#include <chrono>
#include <expected>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "api/http.hpp"
#include "cluster/messages.hpp"
#include "core/json_writer.hpp"

namespace hems::api {

struct cluster_services {
  caf::actor_system& system;
  cluster::cluster_node_actor node;
  /// How long a REST thread waits for the merged answer (the node's fan-out
  /// timeout and a margin: the node always answers by then).
  std::chrono::milliseconds ask_timeout{3000};
};

std::vector<route> cluster_routes(std::shared_ptr<cluster_services> services);

/// A fleet query of `kind` covering the caller's scope.
cluster::fleet_query scoped_fleet_query(const http_request& req, std::string kind);
/// The merged answer of every member (503 when this node does not answer).
std::expected<cluster::fleet_answer, http_reply> ask_fleet(cluster_services& s,
                                                           const cluster::fleet_query& q);
/// ask_fleet, or when this node's cluster actor does not answer in time, an
/// answer that lists the whole fleet ("*", with the query's homes) as missing:
/// for writes sent to every owner, whose answer says who did not get them.
cluster::fleet_answer ask_fleet_or_missing(cluster_services& s, const cluster::fleet_query& q);
/// The array of shares an answer lacks: [{node, reason, share, homes}].
void write_missing_shares(json_writer& w, const std::vector<cluster::missing_share>& missing);
/// {totals..., "nodes": [...], "rows": [...], "missing": [...], "complete": bool}
std::string fleet_answer_json(const cluster::fleet_answer& a);

} // namespace hems::api
