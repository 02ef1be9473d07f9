#include "api/history_routes.hpp"

#include <charconv>

#include "api/history_json.hpp"
#include "core/time_format.hpp"
#include "streams/local_time.hpp"

namespace hems::api {

namespace {

using services_ptr = std::shared_ptr<history_services>;

/// Larger answers are refused: ask for a coarser resolution or a shorter range.
constexpr millis max_windows = 100'000;

std::expected<std::string, http_reply> home_param(const http_request& req) {
  auto home = req.query_value("home");
  if (!home)
    return std::unexpected(error_reply(400, "invalid", "home: required query parameter"));
  if (!is_valid_id(*home))
    return std::unexpected(
        error_reply(400, "invalid", "home: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)"));
  return std::string{*home};
}

std::expected<millis, http_reply> time_param(const http_request& req, const std::string& name,
                                             std::optional<millis> fallback = {}) {
  auto v = req.query_value(name);
  if (!v) {
    if (fallback)
      return *fallback;
    return std::unexpected(error_reply(400, "invalid", name + ": required query parameter"));
  }
  auto t = parse_time(*v);
  if (!t)
    return std::unexpected(error_reply(
        400, "invalid", name + ": expected milliseconds since the epoch or an RFC 3339 time"));
  return *t;
}

std::string time_zone_of(const history_services& s, const std::string& home) {
  auto own = s.db.history()->get_home_value(home, "time_zone");
  return own && *own ? **own : s.default_time_zone;
}

http_reply storage_failure(const error& e) {
  return error_reply(503, "unavailable", "storage: " + e.detail);
}

http_reply get_notifications(const history_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home", "from", "to", "limit"}))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  auto from = time_param(req, "from", 0);
  if (!from)
    return from.error();
  auto to = time_param(req, "to", std::numeric_limits<millis>::max() / 2);
  if (!to)
    return to.error();
  std::size_t limit = 100;
  if (auto l = req.query_value("limit")) {
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc{} || ptr != l->data() + l->size() || limit == 0 || limit > 1000)
      return error_reply(400, "invalid", "limit: expected an integer from 1 to 1000");
  }
  auto got = s.db.history()->read_notifications(*home, *from, *to, limit);
  if (!got)
    return storage_failure(got.error());
  json_writer w;
  w.begin_object().field("home", *home).key("notifications").begin_array();
  for (const auto& n : *got)
    w.raw(n.json);
  w.end_array().end_object();
  return json_reply(200, w.take());
}

http_reply get_time_zone(const history_services& s, const http_request& req) {
  auto home = req.params.count("home") ? req.params.at("home") : "";
  if (!is_valid_id(home))
    return error_reply(400, "invalid", "home: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  json_writer w;
  w.begin_object().field("home", home).field("time_zone", time_zone_of(s, home)).end_object();
  return json_reply(200, w.take());
}

// The body is {"time_zone": "<IANA name, UTC or +hh:mm>"}; nothing else.
std::optional<std::string> zone_from_body(std::string_view body) {
  auto strip = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
      v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
      v.remove_suffix(1);
    return v;
  };
  body = strip(body);
  if (body.size() < 2 || body.front() != '{' || body.back() != '}')
    return std::nullopt;
  body = strip(body.substr(1, body.size() - 2));
  constexpr std::string_view key = "\"time_zone\"";
  if (!body.starts_with(key))
    return std::nullopt;
  body = strip(body.substr(key.size()));
  if (body.empty() || body.front() != ':')
    return std::nullopt;
  body = strip(body.substr(1));
  if (body.size() < 2 || body.front() != '"' || body.back() != '"')
    return std::nullopt;
  auto name = body.substr(1, body.size() - 2);
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+' || c == ':'))
      return std::nullopt;
  return std::string{name};
}

http_reply put_time_zone(const history_services& s, const http_request& req) {
  auto home = req.params.count("home") ? req.params.at("home") : "";
  if (!is_valid_id(home))
    return error_reply(400, "invalid", "home: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  auto name = zone_from_body(req.body);
  if (!name)
    return error_reply(400, "invalid",
                       R"(body: expected {"time_zone": "<IANA zone, UTC or +hh:mm>"})");
  if (!streams::local_zone::from_name(*name))
    return error_reply(400, "invalid", "time_zone: unknown time zone '" + *name + "'");
  if (auto ok = s.db.history()->put_home_value(home, "time_zone", *name); !ok)
    return storage_failure(ok.error());
  caf::anon_send(s.directory, actors::zone_atom::value, home, *name);
  json_writer w;
  w.begin_object().field("home", home).field("time_zone", *name).end_object();
  return json_reply(200, w.take());
}

} // namespace

http_reply usage_windows(const history_services& s, const http_request& req,
                         const std::string& home) {
  auto res = streams::parse_resolution(*req.query_value("resolution"));
  if (!res)
    return error_reply(400, "invalid", "resolution: expected raw, 1m, 15m, 1h or 1d");
  if (req.query_value("limit") || req.query_value("after"))
    return error_reply(400, "invalid", "limit, after: only with resolution=raw");
  auto device = req.query_value("device");
  if (device && !is_valid_id(*device))
    return error_reply(400, "invalid", "device: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  auto from = time_param(req, "from");
  if (!from)
    return from.error();
  auto to = time_param(req, "to");
  if (!to)
    return to.error();
  if (*to <= *from)
    return error_reply(400, "invalid", "to: must be after from");
  if ((*to - *from) / streams::nominal_length(*res) > max_windows)
    return error_reply(400, "invalid",
                       "to: at most " + std::to_string(max_windows) + " windows of " +
                           std::string{streams::to_string(*res)} +
                           " per request; use a coarser resolution or a shorter range");
  auto& db = *s.db.history();
  auto checkpoint = db.read_checkpoint(home);
  if (!checkpoint)
    return storage_failure(checkpoint.error());
  if (!*checkpoint)
    return error_reply(404, "not_found", "home '" + home + "' has no usage windows yet");
  auto read = [&](std::string_view series) {
    return db.read_windows({home, std::string{series}, *res, *from, *to});
  };
  json_writer w;
  w.begin_object().field("home", home);
  if (device)
    w.field("device", *device);
  w.field("resolution", streams::to_string(*res))
      .field("from", *from)
      .field("to", *to)
      .field("time_zone", time_zone_of(s, home))
      .field("closed_until", (*checkpoint)->closed_until);
  auto series = read(device ? *device : streams::home_series);
  if (!series)
    return storage_failure(series.error());
  w.key("windows");
  windows_json(w, *series);
  if (!device) {
    // Only homes with a whole-home meter have these; null otherwise.
    for (auto [key, id] : {std::pair{"tracked", streams::tracked_series},
                           std::pair{"untracked", streams::untracked_series}}) {
      auto rows = read(id);
      if (!rows)
        return storage_failure(rows.error());
      w.key(key);
      if (rows->empty())
        w.null();
      else
        windows_json(w, *rows);
    }
  }
  w.end_object();
  return json_reply(200, w.take());
}

// A home named in the path is its own owner.
static result<std::optional<std::vector<std::string>>> the_home(std::string_view home) {
  return std::optional<std::vector<std::string>>{std::vector<std::string>{std::string{home}}};
}

std::vector<route> history_routes(services_ptr s) {
  using security::permission;
  return {
      {"GET", "/notifications", needs(permission::history_read, {home_query()}),
       [s](const http_request& req) { return get_notifications(*s, req); }},
      {"GET", "/homes/:home/time_zone", needs(permission::history_read, {home_of("home", the_home)}),
       [s](const http_request& req) { return get_time_zone(*s, req); }},
      {"PUT", "/homes/:home/time_zone",
       needs(permission::preferences_write, {home_of("home", the_home)}),
       [s](const http_request& req) { return put_time_zone(*s, req); }},
  };
}

} // namespace hems::api
