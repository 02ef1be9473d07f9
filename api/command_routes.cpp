#include "api/command_routes.hpp"

#include <charconv>
#include <random>

#include <simdjson.h>

#include "core/json_writer.hpp"
#include "core/sample.hpp"

namespace hems::api {

namespace {

namespace dom = simdjson::dom;

constexpr millis default_expiry_ms = 5 * 60 * 1000;
constexpr millis max_expiry_ms = 24 * 60 * 60 * 1000;

std::string new_command_id() {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock{mutex};
  char buf[24];
  std::snprintf(buf, sizeof buf, "c-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

void write_command(json_writer& w, const command_record& r) {
  const auto& c = r.cmd;
  w.begin_object()
    .field("id", c.id)
    .field("home", c.home)
    .field("device", c.device)
    .field("action", to_string(c.action));
  w.key("params").begin_object();
  for (const auto& [k, v] : c.params)
    w.field(k, v);
  w.end_object();
  w.field("reason", c.reason)
    .field("source", c.source)
    .field("issued", c.issued_ms)
    .field("expires", c.expires_ms)
    .field("status", to_string(r.status))
    .field("detail", r.detail)
    .field("attempts", r.attempts)
    .field("updated", r.updated_ms)
    .end_object();
}

std::expected<command, http_reply> parse_command(const std::string& body, millis now) {
  auto bad = [](std::string detail) { return std::unexpected(error_reply(400, "invalid", detail)); };
  dom::parser parser;
  dom::object obj;
  if (parser.parse(body).get(obj))
    return bad("body: expected a JSON object");
  command c;
  std::string_view s;
  for (auto [key, value] : obj) {
    if (key == "home" || key == "device") {
      if (value.get(s) || !is_valid_id(s))
        return bad(std::string{key} + ": expected an id (1 to 64 of A-Z a-z 0-9 . _ -)");
      (key == "home" ? c.home : c.device) = s;
    } else if (key == "action") {
      auto a = value.get(s) ? std::nullopt : parse_command_action(s);
      if (!a)
        return bad("action: expected on, off, set or start");
      c.action = *a;
    } else if (key == "params") {
      dom::object params;
      if (value.get(params))
        return bad("params: expected an object of numbers");
      for (auto [name, v] : params) {
        double d;
        if (v.get(d) || !std::isfinite(d))
          return bad("params." + std::string{name} + ": expected a finite number");
        c.params.emplace(std::string{name}, d);
      }
    } else if (key == "reason") {
      if (value.get(s) || s.size() > 200)
        return bad("reason: expected a string of at most 200 characters");
      c.reason = s;
    } else if (key == "expires_in_s") {
      double secs;
      if (value.get(secs) || !(secs > 0) || secs * 1000 > max_expiry_ms)
        return bad("expires_in_s: expected seconds from 1 to 86400");
      c.expires_ms = now + static_cast<millis>(secs * 1000);
    } else {
      return bad("unknown field '" + std::string{key} + "'");
    }
  }
  if (c.home.empty())
    return bad("home: required");
  if (c.device.empty())
    return bad("device: required");
  if (obj["action"].error())
    return bad("action: required");
  if (c.action == command_action::set && c.params.empty())
    return bad("params: required for action set (e.g. {\"setpoint_c\": 19.5})");
  if (c.expires_ms == 0)
    c.expires_ms = now + default_expiry_ms;
  c.issued_ms = now;
  c.id = new_command_id();
  c.source = "api";
  return c;
}

http_reply post_command(command_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto c = parse_command(req.body, s.time.now_ms());
  if (!c)
    return c.error();
  if (s.known_device && !s.known_device(c->home, c->device))
    return error_reply(404, "not_found",
                       "device '" + c->device + "' is not known in home '" + c->home + "'");
  if (s.refuse)
    if (auto why = s.refuse(*c))
      return error_reply(409, "safety", *why);
  command_record pending;
  pending.cmd = *c;
  pending.updated_ms = c->issued_ms;
  s.send(std::move(*c));
  json_writer w;
  write_command(w, pending);
  return json_reply(202, w.take());
}

http_reply get_commands(command_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home", "limit", "before"}))
    return *bad;
  auto home = req.query_value("home");
  if (!home || !is_valid_id(*home))
    return error_reply(400, "invalid", "home: required id");
  std::size_t limit = 100;
  if (auto l = req.query_value("limit")) {
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc{} || ptr != l->data() + l->size() || limit == 0 || limit > 1000)
      return error_reply(400, "invalid", "limit: expected an integer from 1 to 1000");
  }
  std::optional<millis> before;
  if (auto b = req.query_value("before")) {
    millis t = 0;
    auto [ptr, ec] = std::from_chars(b->data(), b->data() + b->size(), t);
    if (ec != std::errc{} || ptr != b->data() + b->size())
      return error_reply(400, "invalid", "before: expected the 'next' value of a previous page");
    before = t;
  }
  auto list = s.db.list_commands(*home, limit + 1, before);
  if (!list)
    return error_reply(503, "unavailable", "storage: " + list.error().detail);
  bool more = list->size() > limit;
  if (more)
    list->pop_back();
  json_writer w;
  w.begin_object().field("home", *home).key("commands").begin_array();
  for (const auto& r : *list)
    write_command(w, r);
  w.end_array().key("next");
  if (more)
    w.value(list->back().cmd.issued_ms);
  else
    w.null();
  w.end_object();
  return json_reply(200, w.take());
}

} // namespace

std::string command_json(const command_record& r) {
  json_writer w;
  write_command(w, r);
  return w.take();
}

std::vector<route> command_routes(std::shared_ptr<command_services> s) {
  using security::permission;
  return {
    {"POST", "/commands", needs(permission::devices_control, {home_in_body("/home")}),
     [s](const http_request& req) { return post_command(*s, req); }},
    {"GET", "/commands", needs(permission::history_read, {home_query()}),
     [s](const http_request& req) { return get_commands(*s, req); }},
  };
}

} // namespace hems::api
