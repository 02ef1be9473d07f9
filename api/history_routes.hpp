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
#include "storage/store.hpp"

namespace hems::api {

struct history_services {
  caf::actor_system& system;
  actors::fleet_directory_actor directory;
  storage::store& db; ///< db.history() is not null
  std::string default_time_zone = "UTC";
  std::chrono::milliseconds ask_timeout{2000};
};

/// GET /usage?home=H&from=T&to=T&resolution=1m|15m|1h|1d[&device=D].
http_reply usage_windows(const history_services& s, const http_request& req,
                         const std::string& home);

std::vector<route> history_routes(std::shared_ptr<history_services> services);

} // namespace hems::api
