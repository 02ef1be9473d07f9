#pragma once
// Who may do what: roles, the permissions routes ask for, and the table that
// grants permissions to roles. Routes never test roles; they declare the
// permission they need (api/access.hpp) and this table decides, so adding a
// role or moving a right is one line here and docs/SECURITY.md follows.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hems::security {

enum class role : std::uint8_t {
  admin,          ///< everything, every home
  fleet_operator, ///< "operator": a utility's fleet views and demand response for its homes
  resident,       ///< their own homes: read, schedules, preferences
  integrator,     ///< read-only, the homes it was granted
};

inline constexpr std::array all_roles{role::admin, role::fleet_operator, role::resident,
                                      role::integrator};

/// The wire name: admin, operator, resident, integrator.
std::string_view to_string(role r);
std::optional<role> parse_role(std::string_view name);

/// What a route needs. Some have no route yet (schedules, preferences, plans,
/// devices, fleet, demand response): their routes register later with the
/// same mechanism, and the rights are decided here already.
enum class permission : std::uint8_t {
  live_read,         ///< a home's live devices and usage
  history_read,      ///< a home's stored samples and usage windows
  schedules_read,    ///< a home's schedules
  schedules_write,   ///< create and remove a home's schedules
  preferences_read,  ///< a resident's personal settings
  preferences_write, ///< change them
  plans_run,         ///< run the optimizer on a home's plan problem
  devices_control,   ///< send commands to a home's devices
  fleet_read,        ///< fleet-wide views across homes
  demand_response,   ///< create and cancel demand-response events
  metrics_read,      ///< the server's Prometheus metrics
  audit_read,        ///< the audit log
  tokens_manage,     ///< issue, list and revoke tokens
  tariffs_write,     ///< add a version to a home's time-of-use tariff
  prices_write,      ///< push a price series (utility, market) for a home
};

inline constexpr std::array all_permissions{
  permission::live_read,         permission::history_read,    permission::schedules_read,
  permission::schedules_write,   permission::preferences_read, permission::preferences_write,
  permission::plans_run,         permission::devices_control, permission::fleet_read,
  permission::demand_response,   permission::metrics_read,    permission::audit_read,
  permission::tokens_manage,     permission::tariffs_write,   permission::prices_write,
};

std::string_view to_string(permission p);
std::optional<permission> parse_permission(std::string_view name);

/// Whether `r` holds `p`: the role table.
bool role_has(role r, permission p);

/// Whether a token of role `granter` may issue a token of role `granted`:
/// only with a superset of its permissions, so no token can mint a stronger one.
bool may_grant(role granter, role granted);

} // namespace hems::security
