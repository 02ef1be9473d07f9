#include "api/security_views.hpp"

#include "core/json_writer.hpp"

namespace hems::api {

namespace {

void write_token(json_writer& w, const security::token_record& r, millis now,
                 std::optional<std::string_view> text) {
  w.begin_object().field("id", r.id);
  if (text)
    w.field("token", *text);
  w.field("role", security::to_string(r.role));
  w.key("homes");
  if (r.scope.all()) {
    w.value("*");
  } else {
    w.begin_array();
    for (const auto& h : r.scope.homes())
      w.value(h);
    w.end_array();
  }
  w.field("created", r.created_ms);
  w.key("expires");
  r.expires_ms ? w.value(*r.expires_ms) : w.null();
  w.key("revoked");
  r.revoked_ms ? w.value(*r.revoked_ms) : w.null();
  w.field("active", r.active_at(now)).field("label", r.label).field("created_by", r.created_by);
  w.end_object();
}

} // namespace

std::string token_json(const security::token_record& r, millis now,
                       std::optional<std::string_view> text) {
  json_writer w;
  write_token(w, r, now, text);
  return w.take();
}

std::string token_page_json(const security::token_page& page, millis now) {
  json_writer w;
  w.begin_object().key("tokens").begin_array();
  for (const auto& r : page.tokens)
    write_token(w, r, now, std::nullopt);
  w.end_array().key("next");
  page.next ? w.value(*page.next) : w.null();
  w.end_object();
  return w.take();
}

std::string audit_page_json(const security::audit_page& page) {
  json_writer w;
  w.begin_object().key("entries").begin_array();
  for (const auto& e : page.entries) {
    w.begin_object()
      .field("at", e.at_ms)
      .field("actor", e.actor)
      .field("role", e.role)
      .field("action", e.action)
      .field("target", e.target);
    w.key("homes").begin_array();
    for (const auto& h : e.homes)
      w.value(h);
    w.end_array();
    w.field("status", e.status).field("detail", e.detail).field("remote", e.remote).end_object();
  }
  w.end_array().key("next");
  page.next ? w.value(*page.next) : w.null();
  w.end_object();
  return w.take();
}

} // namespace hems::api
