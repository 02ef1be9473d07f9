#include "api/guard.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "api/json_body.hpp"
#include "core/sample.hpp"

namespace hems::api {

namespace {

using security::principal;

struct guard_metrics {
  explicit guard_metrics(metrics_registry& m)
    : missing(m.add_counter("hems_http_auth_failures_total",
                            "Requests refused for want of a valid token.", "reason=\"missing\"")),
      invalid(m.add_counter("hems_http_auth_failures_total",
                            "Requests refused for want of a valid token.", "reason=\"invalid\"")),
      expired(m.add_counter("hems_http_auth_failures_total",
                            "Requests refused for want of a valid token.", "reason=\"expired\"")),
      revoked(m.add_counter("hems_http_auth_failures_total",
                            "Requests refused for want of a valid token.", "reason=\"revoked\"")),
      permission(m.add_counter("hems_http_denied_total",
                               "Authenticated requests refused by role or scope.",
                               "reason=\"permission\"")),
      scope(m.add_counter("hems_http_denied_total",
                          "Authenticated requests refused by role or scope.", "reason=\"scope\"")),
      rate_limited(m.add_counter("hems_http_rate_limited_total",
                                 "Requests refused by a token's rate limit.")),
      audit_failures(m.add_counter("hems_audit_write_failures_total",
                                   "Audit entries that could not be stored.")) {}
  counter& missing;
  counter& invalid;
  counter& expired;
  counter& revoked;
  counter& permission;
  counter& scope;
  counter& rate_limited;
  counter& audit_failures;
};

struct guard_state {
  guard_services services;
  guard_metrics metrics;
};

http_reply unauthorized(std::string_view detail, bool token_given) {
  auto r = error_reply(401, "unauthorized", detail);
  r.headers.emplace_back("WWW-Authenticate", token_given
                                               ? R"(Bearer realm="hems", error="invalid_token")"
                                               : R"(Bearer realm="hems")");
  return r;
}

// "Bearer <token>", the scheme in any case (RFC 7235), one space or more.
std::optional<std::string_view> bearer_token(std::string_view value) {
  constexpr std::string_view scheme = "bearer";
  if (value.size() <= scheme.size())
    return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i])
      return std::nullopt;
  value.remove_prefix(scheme.size());
  if (value.front() != ' ')
    return std::nullopt;
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ')
    value.remove_suffix(1);
  if (value.empty())
    return std::nullopt;
  return value;
}

http_reply scope_denied(std::string_view home) {
  return error_reply(403, "forbidden",
                     "home '" + std::string{home} + "' is not in this token's scope");
}

// Step 4: every home the request names, checked against the caller's scope.
// Fills in an omitted `home` query parameter for a one-home token.
std::optional<http_reply> check_homes(const route& r, http_request& req, const principal& who,
                                      std::vector<std::string>& touched) {
  std::optional<simdjson::dom::parser> parser;
  std::optional<simdjson::dom::element> body;
  for (const auto& source : r.access.homes) {
    switch (source.where) {
      case home_source::kind::query:
      case home_source::kind::filter: {
        auto it = req.query.find(source.name);
        if (it == req.query.end()) {
          if (source.where == home_source::kind::filter)
            break;
          auto only = who.scope.single_home();
          if (!only)
            return error_reply(400, "invalid",
                               source.name + ": required query parameter" +
                                 (who.scope.all() ? "" : " (this token covers several homes)"));
          it = req.query.emplace(source.name, std::string{*only}).first;
        }
        if (!is_valid_id(it->second))
          return error_reply(400, "invalid",
                             source.name + ": not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
        if (!who.scope.covers(it->second))
          return scope_denied(it->second);
        touched.push_back(it->second);
        break;
      }
      case home_source::kind::path: {
        auto it = req.params.find(source.name);
        if (it == req.params.end())
          return error_reply(500, "internal", "route declares an unknown path parameter");
        auto owners = source.owner(it->second);
        if (!owners)
          return error_reply(503, "unavailable", "storage: " + owners.error().detail);
        // Not found and not yours answer alike: ids of other homes stay unknowable.
        auto not_found = error_reply(404, "not_found", "no such object: '" + it->second + "'");
        if (!*owners)
          return not_found;
        for (const auto& home : **owners) {
          if (home == "*" ? !who.scope.all() : !who.scope.covers(home))
            return not_found;
          touched.push_back(home);
        }
        break;
      }
      case home_source::kind::body: {
        if (!body) {
          parser.emplace();
          auto doc = parse_json_body(*parser, req.body);
          if (!doc)
            return error_reply(400, "invalid", doc.error());
          body = *doc;
        }
        auto homes = body_homes(*body, {source.name});
        if (!homes)
          return error_reply(400, "invalid", homes.error());
        for (const auto& home : *homes) {
          if (home == "*" ? !who.scope.all() : !who.scope.covers(home))
            return home == "*" ? error_reply(403, "forbidden",
                                             "this token's scope does not cover every home")
                               : scope_denied(home);
          touched.push_back(home);
        }
        break;
      }
    }
  }
  return std::nullopt;
}

void audit(guard_state& g, const http_request& req, const principal& who,
           std::vector<std::string> touched, const http_reply& reply) {
  security::audit_entry e;
  e.actor = who.token_id;
  e.role = security::to_string(who.role);
  e.action = req.method + " " + req.path;
  e.status = reply.status;
  e.remote = req.remote;
  if (reply.audit) {
    e.target = reply.audit->target;
    e.detail = reply.audit->detail;
    touched.insert(touched.end(), reply.audit->homes.begin(), reply.audit->homes.end());
  } else if (reply.status >= 400 && reply.content_type == "application/json") {
    e.detail = reply.body.substr(0, 300);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  e.homes = std::move(touched);
  if (auto ok = g.services.audit.record(std::move(e)); !ok) {
    g.metrics.audit_failures.inc();
    std::cerr << "hems: audit entry not stored: " << ok.error().detail << '\n';
  }
}

http_reply guarded_call(guard_state& g, const route& r, const http_request& original) {
  if (r.access.open)
    return r.handler(original);
  auto header = original.header("authorization");
  if (!header) {
    g.metrics.missing.inc();
    return unauthorized("Authorization: Bearer <token> is required", false);
  }
  auto token = bearer_token(*header);
  if (!token) {
    g.metrics.invalid.inc();
    return unauthorized("expected Authorization: Bearer <token>", true);
  }
  auto who = g.services.tokens.verify(*token);
  if (!who) {
    using security::auth_failure;
    if (who.error() == auth_failure::unavailable)
      return error_reply(503, "unavailable", security::describe(who.error()));
    (who.error() == auth_failure::expired   ? g.metrics.expired
     : who.error() == auth_failure::revoked ? g.metrics.revoked
                                            : g.metrics.invalid)
      .inc();
    return unauthorized(security::describe(who.error()), true);
  }
  const principal& caller = **who;
  if (auto wait = g.services.limiter.take(caller.token_id)) {
    g.metrics.rate_limited.inc();
    auto reply = error_reply(429, "rate_limited",
                             "this token's rate limit is " +
                               std::to_string(g.services.limiter.limit().per_second) +
                               " requests per second");
    reply.headers.emplace_back("Retry-After",
                               std::to_string(std::max<millis>(1, (*wait + 999) / 1000)));
    return reply;
  }
  bool changes_state =
    original.method != "GET" && original.method != "HEAD" && !r.access.read_only;
  std::vector<std::string> touched;
  auto finish = [&](http_reply reply, const http_request& req) {
    if (changes_state)
      audit(g, req, caller, std::move(touched), reply);
    return reply;
  };
  if (!caller.may(r.access.permission)) {
    g.metrics.permission.inc();
    return finish(error_reply(403, "forbidden",
                              "role '" + std::string{security::to_string(caller.role)} +
                                "' does not hold " +
                                std::string{security::to_string(r.access.permission)}),
                  original);
  }
  http_request req = original;
  req.caller = *who;
  if (auto denied = check_homes(r, req, caller, touched)) {
    if (denied->status == 403)
      g.metrics.scope.inc();
    return finish(std::move(*denied), req);
  }
  return finish(r.handler(req), req);
}

} // namespace

std::vector<route> guard_routes(std::vector<route> routes, guard_services services) {
  auto state =
    std::make_shared<guard_state>(guard_state{services, guard_metrics{services.metrics}});
  for (auto& r : routes) {
    auto inner = std::make_shared<route>(r);
    r.handler = [state, inner](const http_request& req) {
      return guarded_call(*state, *inner, req);
    };
  }
  return routes;
}

} // namespace hems::api
