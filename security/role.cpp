#include "security/role.hpp"

namespace hems::security {

namespace {

constexpr std::uint32_t bit(permission p) { return 1u << static_cast<unsigned>(p); }

constexpr std::uint32_t all_bits() {
  std::uint32_t bits = 0;
  for (auto p : all_permissions)
    bits |= bit(p);
  return bits;
}

// The role table. docs/SECURITY.md shows it per endpoint; a test keeps the two equal.
constexpr std::uint32_t granted(role r) {
  switch (r) {
    case role::admin:
      return all_bits();
    case role::fleet_operator: // fleet views and demand response; no resident's personal settings
      return bit(permission::live_read) | bit(permission::history_read) |
             bit(permission::fleet_read) | bit(permission::demand_response) |
             bit(permission::plans_run) | bit(permission::metrics_read) |
             bit(permission::audit_read) | bit(permission::tariffs_write) |
             bit(permission::prices_write);
    case role::resident: // their own homes: read, schedules, preferences, their devices
      return bit(permission::live_read) | bit(permission::history_read) |
             bit(permission::schedules_read) | bit(permission::schedules_write) |
             bit(permission::preferences_read) | bit(permission::preferences_write) |
             bit(permission::plans_run) | bit(permission::devices_control) |
             bit(permission::tariffs_write); // their own time-of-use tariff, not price series
    case role::integrator: // read-only telemetry of the homes it was granted
      return bit(permission::live_read) | bit(permission::history_read);
  }
  return 0;
}

} // namespace

std::string_view to_string(role r) {
  switch (r) {
    case role::admin:
      return "admin";
    case role::fleet_operator:
      return "operator";
    case role::resident:
      return "resident";
    case role::integrator:
      return "integrator";
  }
  return "unknown";
}

std::optional<role> parse_role(std::string_view name) {
  for (auto r : all_roles)
    if (to_string(r) == name)
      return r;
  return std::nullopt;
}

std::string_view to_string(permission p) {
  switch (p) {
    case permission::live_read:
      return "live:read";
    case permission::history_read:
      return "history:read";
    case permission::schedules_read:
      return "schedules:read";
    case permission::schedules_write:
      return "schedules:write";
    case permission::preferences_read:
      return "preferences:read";
    case permission::preferences_write:
      return "preferences:write";
    case permission::plans_run:
      return "plans:run";
    case permission::devices_control:
      return "devices:control";
    case permission::fleet_read:
      return "fleet:read";
    case permission::demand_response:
      return "demand-response";
    case permission::metrics_read:
      return "metrics:read";
    case permission::audit_read:
      return "audit:read";
    case permission::tokens_manage:
      return "tokens:manage";
    case permission::tariffs_write:
      return "tariffs:write";
    case permission::prices_write:
      return "prices:write";
  }
  return "unknown";
}

std::optional<permission> parse_permission(std::string_view name) {
  for (auto p : all_permissions)
    if (to_string(p) == name)
      return p;
  return std::nullopt;
}

bool role_has(role r, permission p) { return (granted(r) & bit(p)) != 0; }

bool may_grant(role granter, role granted_role) {
  return role_has(granter, permission::tokens_manage) &&
         (granted(granter) & granted(granted_role)) == granted(granted_role);
}

} // namespace hems::security
