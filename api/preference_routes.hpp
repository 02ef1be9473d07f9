#pragma once
// The optimizer's side of automation over REST (docs/AUTOMATION.md):
// GET/PUT /preferences, GET/PUT /tariff, POST/GET /prices and GET /plan.
// Preferences and the tariff are stored as home values (the time zone in the
// same "time_zone" value PUT /homes/{home}/time_zone writes); after a change
// the home's optimizer re-reads them and re-plans; GET /plan serves the plan
// it stored last.

#include <memory>
#include <string>
#include <vector>

#include "actors/home_optimizer.hpp"
#include "api/http.hpp"
#include "core/clock.hpp"
#include "storage/store.hpp"

namespace hems::api {

struct automation_services {
  storage::store& db; ///< db.history() is not null
  const clock& time;
  actors::fleet_directory_actor directory; ///< told when PUT /preferences moves the time zone
  std::string default_time_zone = "UTC";
  /// Told after every change; null: no optimizer runs (plans are not refreshed).
  std::shared_ptr<actors::home_optimizers> optimizers;
};

std::vector<route> preference_routes(std::shared_ptr<automation_services> services);

} // namespace hems::api
