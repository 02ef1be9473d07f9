#pragma once
// The fleet views for operators: GET /fleet/homes (each home's devices
// online, power now, last seen, groups), GET /fleet/usage (the homes' power
// now and their usage windows summed, optionally of one group) and groups
// of homes (feeder, region, programme): PUT/GET/DELETE /fleet/groups/{group},
// GET /fleet/groups. Every answer covers only the homes in the caller's scope.
//
// Handlers ask a `fleet_source` for the homes' data. The local source reads
// the live board and the history store of this node; a cluster's source
// fans the same questions out to the nodes that own the homes (fleet query
// kinds "fleet_homes" and "fleet_usage", answered on each node by the
// handlers below over its local source) and merges their partial answers,
// naming the nodes and homes that did not answer.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/live_settings.hpp"
#include "api/http.hpp"
#include "cluster/cluster_node.hpp"
#include "core/error.hpp"
#include "storage/store.hpp"
#include "streams/fleet_usage.hpp"
#include "streams/window_grid.hpp"

namespace hems::actors {
class live_board;
}

namespace hems::api {

struct cluster_services;

struct fleet_home_status {
  std::string home;
  std::uint32_t devices = 0;
  std::uint32_t devices_online = 0;
  double power_w = 0;
  millis last_seen_ms = 0;
};

/// Usage windows of one resolution with start in [from, to).
struct fleet_window_query {
  streams::resolution res = streams::resolution::m15;
  millis from = 0;
  millis to = 0;
};

/// The homes a fleet question is about: every home of the fleet, or a list.
struct fleet_selection {
  bool all = true;
  std::vector<std::string> homes; ///< when not all
};

struct fleet_statuses {
  std::vector<fleet_home_status> homes;        ///< the known homes asked about
  std::vector<cluster::missing_share> missing; ///< nodes that did not answer (a cluster)
};

struct fleet_usage_answer {
  streams::fleet_usage_part part; ///< `answered` may be left empty: see homes_answered
  std::size_t homes = 0;          ///< homes asked about (all: those of the nodes that answered)
  std::size_t homes_answered = 0;
  std::vector<cluster::missing_share> missing; ///< nodes that did not answer (a cluster)
};

class fleet_source {
public:
  virtual ~fleet_source() = default;
  /// Every home this source knows, sorted.
  virtual std::vector<std::string> homes() = 0;
  /// The status of each listed home it knows (unknown homes are left out).
  virtual std::vector<fleet_home_status> statuses(const std::vector<std::string>& homes) = 0;
  /// The listed homes' power now and, with a query, their windows summed.
  virtual streams::fleet_usage_part usage(const std::vector<std::string>& homes,
                                          const std::optional<fleet_window_query>& windows) = 0;
  /// The statuses of the homes asked about (by default: this source's homes).
  virtual std::expected<fleet_statuses, http_reply> statuses_of(const fleet_selection& asked);
  /// The usage of the homes asked about (by default: this source's homes).
  virtual std::expected<fleet_usage_answer, http_reply>
  usage_of(const fleet_selection& asked, const std::optional<fleet_window_query>& windows);
};

/// This node's homes: live state from the board, windows from the history
/// (null: no windows, every home answers with live data only).
std::shared_ptr<fleet_source> local_fleet_source(std::shared_ptr<const actors::live_board> board,
                                                 actors::live_settings settings,
                                                 storage::history_store* history);

/// Every node's homes: the questions fan out through this node's cluster_node
/// (each member answers with fleet_homes_handler / fleet_usage_handler).
std::shared_ptr<fleet_source> cluster_fleet_source(std::shared_ptr<cluster_services> cluster);

inline constexpr const char* fleet_homes_kind = "fleet_homes";
inline constexpr const char* fleet_usage_kind = "fleet_usage";
/// A node's answer to "fleet_homes": a row per home it owns (devices,
/// devices_online, power_w, max_last_seen_ms).
cluster::fleet_handler fleet_homes_handler(std::shared_ptr<fleet_source> local);
/// A node's answer to "fleet_usage" (params resolution, from, to): totals
/// homes, homes_answered, power_w, homes_online and a row per window start
/// (key: the start zero-padded; max_end, energy_wh, max_home_power_w, homes).
cluster::fleet_handler fleet_usage_handler(std::shared_ptr<fleet_source> local);

struct fleet_group {
  std::string name;
  std::string kind; ///< feeder, region or programme
  std::vector<std::string> members; ///< sorted
  std::optional<double> limit_kw;   ///< a feeder's limit (coordination)
  millis updated_ms = 0;
};

result<std::optional<fleet_group>> read_group(storage::store& db, std::string_view name);
result<std::vector<fleet_group>> read_groups(storage::store& db);
result<void> write_group(storage::store& db, const fleet_group& g);

struct fleet_services {
  storage::store& db;
  const clock& time;
  std::shared_ptr<fleet_source> source;
  /// The cluster group definitions are sent through (null: a single node).
  std::shared_ptr<cluster_services> cluster;
};

inline constexpr const char* fleet_group_kind = "fleet_group";
/// A node's answer to "fleet_group" (params group, json: the group's JSON,
/// empty when deleted): stores it unless it holds a newer version of the
/// group (updated_ms). Every member keeps every group, so a group is known
/// wherever a fleet question or an event names it.
cluster::fleet_handler fleet_group_handler(storage::store& db);
/// The "fleet_group" query that sends a group (json empty: deleted) to every member.
cluster::fleet_query fleet_group_query(const std::string& name, const std::string& json);
/// What a member coming (back) up is sent: every group this node keeps.
std::vector<cluster::fleet_query> groups_to_resend(storage::store& db);

std::vector<route> fleet_routes(std::shared_ptr<fleet_services> services);

/// The members of a group, for the authorization layer (nullopt: no such group).
owner_lookup group_owner(storage::store& db);

} // namespace hems::api
