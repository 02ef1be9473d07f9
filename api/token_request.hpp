#pragma once
// The body of POST /tokens, read strictly: unknown fields, duplicate keys and
// out-of-range values are errors that name the field.
//
//   {"role": "resident", "homes": ["h-0001"], "expires_in_s": 2592000, "label": "app"}
//
// `homes` is a list of home ids or "*" (every home: admin, operator and
// integrator tokens only; admin tokens always cover every home). At most one
// of `expires` (ms since the epoch or RFC 3339) and `expires_in_s`; neither
// means the token lasts until it is revoked.

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "security/home_scope.hpp"
#include "security/role.hpp"

namespace hems::api {

struct token_request {
  security::role role = security::role::integrator;
  security::home_scope scope;
  std::optional<millis> expires_ms;
  std::string label;
};

inline constexpr std::size_t max_token_homes = 1000;
inline constexpr std::size_t max_token_label = 100;
inline constexpr millis max_token_lifetime_ms = 10LL * 366 * 24 * 3600 * 1000;

std::expected<token_request, std::string> parse_token_request(std::string_view body, millis now);

} // namespace hems::api
