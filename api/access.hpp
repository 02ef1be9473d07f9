#pragma once
// What a route needs from its caller, declared next to the route:
//
//   {"GET", "/devices", needs(permission::live_read, home_query()), handler}
//   {"DELETE", "/schedule/:id", needs(permission::schedules_write,
//                                     home_of("id", schedule_homes)), handler}
//   {"GET", "/healthz", open_access(), handler}
//
// The authorization layer (api/guard) reads these declarations and checks,
// before any handler runs, that the token is valid, that its role holds the
// permission, and that its scope covers every home the request names:
// in the query, in a path parameter's object, or inside the JSON body. List
// endpoints that may span homes declare home_filter(): the layer checks a
// given filter, and the handler shows only what the caller's scope covers.
// docs/SECURITY.md's endpoint-by-role matrix is generated from the same
// declarations.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "security/role.hpp"

namespace hems::api {

/// The homes of the object a path parameter names ("*" for every home), or
/// nullopt when there is no such object.
using owner_lookup =
  std::function<result<std::optional<std::vector<std::string>>>(std::string_view id)>;

/// One place a route finds a home it touches.
struct home_source {
  enum class kind : std::uint8_t {
    query,  ///< a required query parameter; may be left out when the token covers one home
    filter, ///< an optional query parameter narrowing a list; the handler filters by scope
    path,   ///< a path parameter naming an object; `owner` says which homes it belongs to
    body,   ///< a field of the JSON body (a JSON pointer): an id or an array of ids
  };
  kind where = kind::query;
  std::string name; ///< the parameter's name, or the JSON pointer into the body
  owner_lookup owner;
};

struct access {
  bool open = false; ///< no token needed (health, readiness, the API description)
  security::permission permission = security::permission::tokens_manage;
  std::vector<home_source> homes;
  /// A POST that changes nothing (a dry run): kept out of the audit log.
  bool read_only = false;
};

/// No token needed.
access open_access();
/// A token whose role holds `p`, and whose scope covers every home named by `homes`.
access needs(security::permission p, std::vector<home_source> homes = {});

/// The same, for a POST that changes nothing (POST /plan, a dry run).
access read_only(access a);

home_source home_query(std::string name = "home");
home_source home_filter(std::string name = "home");
home_source home_in_body(std::string json_pointer);
home_source home_of(std::string path_param, owner_lookup owner);

/// "query home", "body /homes", ...: how docs/SECURITY.md names a source.
std::string describe(const home_source& s);

} // namespace hems::api
