#pragma once
// The authorization layer: one wrapper around every route, applying the
// route's access declaration (access.hpp) before its handler runs:
//
//   1. authentication   Authorization: Bearer <token>, verified      -> 401
//   2. rate limit       the token's bucket                           -> 429 + Retry-After
//   3. permission       the token's role holds the route's permission -> 403
//   4. homes            every home the request names is in the token's
//                       scope (query, path object, JSON body)         -> 403 (404 for path objects)
//   5. the handler, with req.caller set; `home=H` filled in when the
//      token covers exactly one home and the request left it out
//   6. the audit log    every state-changing request of a known caller,
//                       whatever its outcome
//
// Handlers never check roles or scopes themselves, except list handlers,
// which show only what req.caller->scope covers (home_filter routes).

#include <vector>

#include "api/http.hpp"
#include "core/metrics.hpp"
#include "security/audit_log.hpp"
#include "security/rate_limiter.hpp"
#include "security/token_registry.hpp"

namespace hems::api {

struct guard_services {
  security::token_registry& tokens;
  security::rate_limiter& limiter;
  security::audit_log& audit;
  metrics_registry& metrics;
};

/// Every route with its handler wrapped in the checks its declaration asks for.
std::vector<route> guard_routes(std::vector<route> routes, guard_services services);

} // namespace hems::api
