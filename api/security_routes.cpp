#include "api/security_routes.hpp"

#include <algorithm>

#include "api/security_views.hpp"
#include "api/token_request.hpp"
#include "core/time_format.hpp"

namespace hems::api {

namespace {

using security::permission;
using services_ptr = std::shared_ptr<security_services>;

std::vector<std::string> scope_homes(const security::home_scope& s) {
  return s.all() ? std::vector<std::string>{"*"} : s.homes();
}

http_reply storage_failure(const error& e) {
  if (e.code == errc::not_found)
    return error_reply(404, "not_found", e.detail);
  if (e.code == errc::conflict)
    return error_reply(409, "conflict", e.detail);
  return error_reply(503, "unavailable", "storage: " + e.detail);
}

http_reply post_token(security_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto now = s.tokens.now();
  auto wanted = parse_token_request(req.body, now);
  if (!wanted)
    return error_reply(400, "invalid", wanted.error());
  const auto& caller = *req.caller;
  if (!security::may_grant(caller.role, wanted->role))
    return error_reply(403, "forbidden",
                       "role '" + std::string{security::to_string(caller.role)} +
                         "' may not issue " + std::string{security::to_string(wanted->role)} +
                         " tokens");
  if (!caller.scope.covers(wanted->scope))
    return error_reply(403, "forbidden", "homes: beyond this token's scope");
  auto issued = s.tokens.issue({.role = wanted->role,
                                .scope = wanted->scope,
                                .expires_ms = wanted->expires_ms,
                                .label = wanted->label},
                               caller.token_id);
  if (!issued)
    return storage_failure(issued.error());
  auto reply = json_reply(201, token_json(issued->record, now, issued->text));
  reply.headers.emplace_back("Location", "/tokens/" + issued->record.id);
  reply.audit = audit_note{
    .target = issued->record.id,
    .homes = scope_homes(issued->record.scope),
    .detail = "issued a " + std::string{security::to_string(issued->record.role)} + " token" +
              (issued->record.expires_ms
                 ? " expiring " + format_rfc3339(*issued->record.expires_ms)
                 : std::string{" without expiry"}) +
              (issued->record.label.empty() ? "" : " (" + issued->record.label + ")")};
  return reply;
}

http_reply get_tokens(security_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home", "limit", "after"}))
    return *bad;
  auto limit = limit_param(req, 100, 1000);
  if (!limit)
    return limit.error();
  auto after = req.query_value("after").value_or("");
  if (!after.empty() && !security::is_token_id(after))
    return error_reply(400, "invalid", "after: not a token id returned as 'next' by this API");
  auto home = req.query_value("home");
  const auto& scope = req.caller->scope;
  auto page = s.tokens.list(after, *limit, [&](const security::token_record& r) {
    return scope.covers(r.scope) && (!home || r.scope.covers(*home));
  });
  if (!page)
    return storage_failure(page.error());
  return json_reply(200, token_page_json(*page, s.tokens.now()));
}

http_reply delete_token(security_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto revoked = s.tokens.revoke(req.params.at("id"));
  if (!revoked)
    return storage_failure(revoked.error());
  auto reply = json_reply(200, token_json(*revoked, s.tokens.now()));
  reply.audit = audit_note{.target = revoked->id,
                           .homes = scope_homes(revoked->scope),
                           .detail = "revoked a " +
                                     std::string{security::to_string(revoked->role)} + " token"};
  return reply;
}

http_reply get_audit(security_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home", "from", "to", "limit", "after"}))
    return *bad;
  auto limit = limit_param(req, 100, 1000);
  if (!limit)
    return limit.error();
  security::audit_query q{.from = 0, .to = 0, .after = {}, .limit = *limit, .keep = {}};
  for (auto [name, field] : {std::pair{"from", &q.from}, {"to", &q.to}}) {
    if (auto v = req.query_value(name)) {
      auto t = parse_time(*v);
      if (!t || *t < 0)
        return error_reply(400, "invalid", std::string{name} +
                                             ": expected milliseconds since the epoch or an "
                                             "RFC 3339 time");
      *field = *t;
    }
  }
  if (q.to > 0 && q.to <= q.from)
    return error_reply(400, "invalid", "to: must be after from");
  if (auto after = req.query_value("after")) {
    if (!security::audit_log::valid_cursor(*after))
      return error_reply(400, "invalid", "after: not a cursor returned as 'next' by this API");
    q.after = std::string{*after};
  }
  auto home = req.query_value("home");
  const auto& scope = req.caller->scope;
  q.keep = [&](const security::audit_entry& e) {
    if (home && std::find(e.homes.begin(), e.homes.end(), *home) == e.homes.end())
      return false;
    if (scope.all())
      return true;
    // Entries about homes beyond the caller's scope (or about none) stay hidden.
    if (e.homes.empty())
      return false;
    for (const auto& h : e.homes)
      if (h == "*" || !scope.covers(h))
        return false;
    return true;
  };
  auto page = s.audit.read(q);
  if (!page)
    return storage_failure(page.error());
  return json_reply(200, audit_page_json(*page));
}

} // namespace

std::vector<route> security_routes(services_ptr s) {
  auto token_homes = [s](std::string_view id)
    -> result<std::optional<std::vector<std::string>>> {
    if (!security::is_token_id(id))
      return std::optional<std::vector<std::string>>{};
    auto r = s->tokens.find(id);
    if (!r)
      return std::unexpected(r.error());
    if (!*r)
      return std::optional<std::vector<std::string>>{};
    return std::optional<std::vector<std::string>>{scope_homes((*r)->scope)};
  };
  return {
    {"POST", "/tokens", needs(permission::tokens_manage, {home_in_body("/homes")}),
     [s](const http_request& req) { return post_token(*s, req); }},
    {"GET", "/tokens", needs(permission::tokens_manage, {home_filter()}),
     [s](const http_request& req) { return get_tokens(*s, req); }},
    {"DELETE", "/tokens/:id", needs(permission::tokens_manage, {home_of("id", token_homes)}),
     [s](const http_request& req) { return delete_token(*s, req); }},
    {"GET", "/audit", needs(permission::audit_read, {home_filter()}),
     [s](const http_request& req) { return get_audit(*s, req); }},
  };
}

} // namespace hems::api
