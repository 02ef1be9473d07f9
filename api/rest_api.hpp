#pragma once
// The whole REST API as one object: every route group, each route behind the
// authorization layer, and the security state they share (tokens, rate
// limits, audit log). The server serves `routes()`; the authorization-matrix
// test walks the very same table, and docs/SECURITY.md is generated from it,
// so a route added to any group below is served, tested and documented alike.

#include <memory>
#include <vector>

#include "api/command_routes.hpp"
#include "api/event_hub.hpp"
#include "api/history_routes.hpp"
#include "api/http.hpp"
#include "api/live_routes.hpp"
#include "api/schedule_routes.hpp"
#include "api/preference_routes.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "security/audit_log.hpp"
#include "security/rate_limiter.hpp"
#include "security/token_registry.hpp"
#include "storage/store.hpp"

namespace hems::api {

struct rest_api_options {
  security::rate_limit per_token_limit;
  /// Schedules (POST/GET/DELETE /schedule); null: not served.
  std::shared_ptr<schedule_services> schedules = {};
  /// Told when preferences or tariffs change; null: plans are not refreshed.
  std::shared_ptr<actors::home_optimizers> optimizers = {};
};

class rest_api {
public:
  rest_api(storage::store& db, const clock& time, metrics_registry& metrics,
           std::shared_ptr<live_services> live, std::shared_ptr<command_services> commands,
           std::shared_ptr<history_services> history, rest_api_options options);

  /// Adds a route group served with the others (fleet views, demand response).
  void add(std::vector<route> group);
  /// Every route of the API, guarded.
  std::vector<route> routes();
  /// GET /events, streaming what `hub` fans out; without a hub there is no such route.
  void serve_events(std::shared_ptr<event_hub> hub) { events_ = std::move(hub); }
  /// `extra` routes behind the same authorization layer and security state.
  std::vector<route> guarded(std::vector<route> extra);

  security::token_registry& tokens() { return tokens_; }
  security::audit_log& audit() { return audit_; }

private:
  metrics_registry& metrics_;
  const clock& time_;
  std::shared_ptr<actors::home_optimizers> optimizers_;
  std::shared_ptr<live_services> live_;
  std::shared_ptr<command_services> commands_;
  std::shared_ptr<history_services> history_; ///< null: a server that keeps no history
  std::shared_ptr<event_hub> events_;         ///< null: no GET /events
  std::shared_ptr<schedule_services> schedules_; ///< null: no schedules
  security::token_registry tokens_;
  security::rate_limiter limiter_;
  security::audit_log audit_;
  std::vector<route> added_;
};

} // namespace hems::api
