#pragma once
// The security endpoints: POST /tokens, GET /tokens, DELETE /tokens/{id},
// GET /audit. Their access declarations sit beside them, like every route's.

#include <memory>
#include <vector>

#include "api/http.hpp"
#include "security/audit_log.hpp"
#include "security/token_registry.hpp"

namespace hems::api {

struct security_services {
  security::token_registry& tokens;
  security::audit_log& audit;
};

std::vector<route> security_routes(std::shared_ptr<security_services> services);

} // namespace hems::api
