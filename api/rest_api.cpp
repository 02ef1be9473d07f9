#include "api/rest_api.hpp"

#include "api/event_routes.hpp"
#include "api/guard.hpp"
#include "api/plan_routes.hpp"
#include "api/security_routes.hpp"

namespace hems::api {

rest_api::rest_api(storage::store& db, const clock& time, metrics_registry& metrics,
                   std::shared_ptr<live_services> live,
                   std::shared_ptr<command_services> commands,
                   std::shared_ptr<history_services> history, rest_api_options options)
  : metrics_(metrics), time_(time), optimizers_(options.optimizers), live_(std::move(live)),
    commands_(std::move(commands)), history_(std::move(history)),
    schedules_(std::move(options.schedules)), tokens_(db, time),
    limiter_(options.per_token_limit, time), audit_(db, time) {}

std::vector<route> rest_api::routes() {
  // Route groups: add new ones here.
  std::vector<route> all = live_routes(live_);
  auto add = [&all](std::vector<route> group) {
    for (auto& r : group)
      all.push_back(std::move(r));
  };
  add(plan_routes());
  add(command_routes(commands_));
  if (history_) {
    add(history_routes(history_));
    add(preference_routes(std::make_shared<automation_services>(automation_services{
        history_->db, time_, history_->directory, history_->default_time_zone, optimizers_})));
  }
  if (schedules_)
    add(schedule_routes(schedules_));
  add(security_routes(std::make_shared<security_services>(tokens_, audit_)));
  if (events_)
    add(event_routes(events_));
  add(added_);
  return guarded(std::move(all));
}

void rest_api::add(std::vector<route> group) {
  for (auto& r : group)
    added_.push_back(std::move(r));
}

std::vector<route> rest_api::guarded(std::vector<route> extra) {
  return guard_routes(std::move(extra), {tokens_, limiter_, audit_, metrics_});
}

} // namespace hems::api
