#pragma once
// The caller of a request, once its token is verified: which token, its role
// and the homes it covers. Shared read-only by every request of that token.

#include <string>

#include "security/home_scope.hpp"
#include "security/role.hpp"

namespace hems::security {

struct principal {
  std::string token_id;
  security::role role = role::integrator;
  home_scope scope;

  bool may(permission p) const { return role_has(role, p); }
};

} // namespace hems::security
