#pragma once
// The fleet views for operators: GET /fleet/homes (each home's devices
// online, power now, last seen, groups), GET /fleet/usage (the homes' power
// now and their usage windows summed, optionally of one group) and groups
// of homes (feeder, region, programme): PUT/GET/DELETE /fleet/groups/{group},
// GET /fleet/groups. Every answer covers only the homes in the caller's scope.
//
// Handlers ask a `fleet_source` for the homes' data. The local source reads
// the live board and the history store of this node; a cluster's source
// fans the same questions out to the nodes that own the homes and merges
// their partial answers (streams/fleet_usage.hpp), naming the homes that did
// not answer.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/live_settings.hpp"
#include "api/http.hpp"
#include "core/error.hpp"
#include "storage/store.hpp"
#include "streams/fleet_usage.hpp"
#include "streams/window_grid.hpp"

namespace hems::actors {
class live_board;
}

namespace hems::api {

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
};

/// This node's homes: live state from the board, windows from the history
/// (null: no windows, every home answers with live data only).
std::shared_ptr<fleet_source> local_fleet_source(std::shared_ptr<const actors::live_board> board,
                                                 actors::live_settings settings,
                                                 storage::history_store* history);

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
};

std::vector<route> fleet_routes(std::shared_ptr<fleet_services> services);

/// The members of a group, for the authorization layer (nullopt: no such group).
owner_lookup group_owner(storage::store& db);

} // namespace hems::api
