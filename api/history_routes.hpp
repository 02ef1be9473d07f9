#pragma once
// The history endpoints: usage windows (GET /usage with resolution 1m, 15m,
// 1h or 1d, reached through live_routes), learned patterns (GET /patterns),
// notifications (GET /notifications) and a home's time zone
// (GET/PUT /homes/{home}/time_zone).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/messages.hpp"
#include "api/http.hpp"
#include "api/usage_day_cache.hpp"
#include "storage/history_store.hpp"
#include "storage/store.hpp"

namespace hems::api {

struct history_services {
  caf::actor_system& system;
  actors::fleet_directory_actor directory;
  storage::store& db; ///< db.history() is not null
  std::string default_time_zone = "UTC";
  std::chrono::milliseconds ask_timeout{2000};
  /// Rendered closed days of GET /usage (null: every request renders).
  std::shared_ptr<usage_day_cache> day_cache = {};
  /// What the store's retention drops, and the time it drops it by: a cached
  /// day is not served once retention may have dropped it (null: no cache).
  storage::retention_policy retention = {};
  std::shared_ptr<const clock> time = {};
};

/// GET /usage?home=H&from=T&to=T&resolution=1m|15m|1h|1d[&device=D][&format=objects|columns].
http_reply usage_windows(const history_services& s, const http_request& req,
                         const std::string& home);

std::vector<route> history_routes(std::shared_ptr<history_services> services);

} // namespace hems::api
