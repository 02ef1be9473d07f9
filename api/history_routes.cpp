#include "api/history_routes.hpp"

#include <algorithm>

#include <caf/scoped_actor.hpp>

#include "api/history_json.hpp"
#include "api/patterns_json.hpp"
#include "api/usage_render.hpp"
#include "core/time_format.hpp"
#include "streams/forecast.hpp"
#include "streams/local_time.hpp"
#include "streams/patterns.hpp"

namespace hems::api {

namespace {

using services_ptr = std::shared_ptr<history_services>;

/// Larger answers are refused: ask for a coarser resolution or a shorter range.

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
  auto limit = limit_param(req, 100, 1000);
  if (!limit)
    return limit.error();
  auto got = s.db.history()->read_notifications(*home, *from, *to, *limit);
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

/// Patterns are learned from the last four weeks of closed 15-minute windows;
/// the forecast reads one day more (its profile looks 28 days back from
/// yesterday's quarters, for the recent level).
constexpr millis pattern_period = 28 * streams::day_ms;
constexpr millis forecast_history = 29 * streams::day_ms;

std::expected<actors::home_view, http_reply> ask_view(const history_services& s,
                                                      const std::string& home) {
  caf::scoped_actor self{s.system};
  std::expected<actors::home_view, http_reply> out =
      std::unexpected(error_reply(503, "unavailable", "the live view did not answer in time"));
  self->request(s.directory, s.ask_timeout, actors::get_atom::value, home)
      .receive([&](actors::home_view& v) { out = std::move(v); }, [&](caf::error&) {});
  return out;
}

// GET /patterns?home=H[&device=D]: computed on request from the stored
// windows (nothing is persisted: the windows are the truth, and a home's
// four weeks are some 30,000 windows read in one scan per series).
http_reply get_patterns(const history_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home", "device"}))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  auto device = req.query_value("device");
  if (device && !is_valid_id(*device))
    return error_reply(400, "invalid", "device: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  auto view = ask_view(s, *home);
  if (!view)
    return view.error();
  if (!view->found)
    return error_reply(404, "not_found", "home '" + *home + "' has no devices");
  if (device && std::none_of(view->devices.begin(), view->devices.end(),
                             [&](const auto& d) { return d.status.device == *device; }))
    return error_reply(404, "not_found",
                       "device '" + std::string{*device} + "' not found in home '" + *home + "'");
  auto& db = *s.db.history();
  auto checkpoint = db.read_checkpoint(*home);
  if (!checkpoint)
    return storage_failure(checkpoint.error());

  patterns_view out;
  out.home = *home;
  out.time_zone = time_zone_of(s, *home);
  auto zone = streams::local_zone::from_name(out.time_zone);
  if (!zone)
    zone = streams::local_zone{};
  // A home whose first windows have not closed yet has nothing learned yet:
  // its devices with empty patterns and no forecast.
  bool learned = checkpoint->has_value();
  if (learned) {
    out.closed_until = (*checkpoint)->closed_until;
    out.to = streams::floor_to(*out.closed_until, streams::quarter_ms);
    out.from = *out.to - pattern_period;
  }

  // Reads a series' quarters of the forecast's history; patterns use the
  // last four weeks of them.
  std::optional<http_reply> failed;
  auto read = [&](const std::string& series, device_kind kind) {
    streams::series_input in{series, kind, {}};
    if (!learned)
      return in;
    auto rows = db.read_windows(
        {*home, series, streams::resolution::m15, *out.to - forecast_history, *out.to});
    if (!rows) {
      failed = storage_failure(rows.error());
      return in;
    }
    in.quarters.reserve(rows->size());
    for (auto& r : *rows)
      in.quarters.push_back({series, streams::resolution::m15, r.start, r.end, r.stats});
    return in;
  };
  auto recent = [&](const streams::series_input& in) {
    streams::series_input cut{in.device, in.kind, {}};
    for (const auto& q : in.quarters)
      if (q.start >= *out.from)
        cut.quarters.push_back(q);
    return cut;
  };

  std::vector<std::vector<streams::usage_window>> presence, base;
  for (const auto& d : view->devices) {
    const auto& id = d.status.device;
    if (device && id != *device)
      continue;
    auto in = read(id, d.status.kind);
    if (failed)
      return *failed;
    out.devices.push_back(streams::learn_device(recent(in), *zone, pattern_period));
    if (device)
      continue;
    if (d.status.kind == device_kind::presence)
      presence.push_back(recent(in).quarters);
    if (streams::in_base_load(d.status.kind)) {
      out.base_load_series.push_back(id);
      base.push_back(std::move(in.quarters));
    }
  }
  if (!device) {
    auto whole = read(std::string{streams::home_series}, device_kind::unknown);
    auto untracked = read(std::string{streams::untracked_series}, device_kind::unknown);
    if (failed)
      return *failed;
    auto whole_home = streams::learn_device(recent(whole), *zone, pattern_period);
    whole_home.cycles.clear(); // a home's runs are its devices' cycles
    whole_home.cycle_stats = {};
    out.home_patterns = std::move(whole_home);
    out.occupancy = streams::occupancy_profile(presence, *zone);
    if (!untracked.quarters.empty()) {
      out.base_load_series.emplace_back(streams::untracked_series);
      base.push_back(std::move(untracked.quarters));
    }
    if (learned) {
      auto base_quarters = streams::sum_quarters(base, "base");
      out.base_load = streams::forecast_base_load(base_quarters, *out.to, *zone);
    }
  }
  return json_reply(200, patterns_json(out));
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
  auto format = window_format::objects;
  if (auto f = req.query_value("format")) {
    if (*f == "columns")
      format = window_format::columns;
    else if (*f != "objects")
      return error_reply(400, "invalid", "format: expected objects or columns");
    if (format == window_format::columns && *res == streams::resolution::d1)
      return error_reply(400, "invalid",
                         "format: columns is for 1m, 15m and 1h (days vary in length)");
  }
  auto range = window_range_param(req, *res);
  if (!range)
    return range.error();
  auto& db = *s.db.history();
  auto checkpoint = db.read_checkpoint(home);
  if (!checkpoint)
    return storage_failure(checkpoint.error());
  if (!*checkpoint)
    return error_reply(404, "not_found", "home '" + home + "' has no usage windows yet");
  series_request q;
  q.home = home;
  q.res = *res;
  q.format = format;
  q.from = range->from;
  q.to = range->to;
  q.closed_until = (*checkpoint)->closed_until;
  auto* cache = s.time ? s.day_cache.get() : nullptr;
  if (cache) {
    q.now = s.time->now_ms();
    q.kept_ms =
        *res == streams::resolution::m1 ? s.retention.minute_windows_ms : s.retention.windows_ms;
  }
  auto read = [&](std::string_view series) {
    q.series = series;
    return render_series(db, cache, q);
  };
  auto series = read(device ? *device : streams::home_series);
  if (!series)
    return storage_failure(series.error());
  json_writer w;
  w.begin_object().field("home", home);
  if (device)
    w.field("device", *device);
  w.field("resolution", streams::to_string(*res))
      .field("from", range->from)
      .field("to", range->to)
      .field("time_zone", time_zone_of(s, home))
      .field("closed_until", (*checkpoint)->closed_until);
  if (format == window_format::columns)
    w.field("format", "columns");
  w.key("windows");
  write_series(w, *series, format);
  if (!device) {
    // Only homes with a whole-home meter have these; null otherwise.
    for (auto [key, id] : {std::pair{"tracked", streams::tracked_series},
                           std::pair{"untracked", streams::untracked_series}}) {
      auto rows = read(id);
      if (!rows)
        return storage_failure(rows.error());
      w.key(key);
      if (rows->windows() == 0)
        w.null();
      else
        write_series(w, *rows, format);
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
      {"GET", "/patterns", needs(permission::history_read, {home_query()}),
       [s](const http_request& req) { return get_patterns(*s, req); }},
      {"GET", "/notifications", needs(permission::history_read, {home_query()}),
       [s](const http_request& req) { return get_notifications(*s, req); }},
      {"GET", "/homes/:home/time_zone",
       needs(permission::history_read, {home_of("home", the_home)}),
       [s](const http_request& req) { return get_time_zone(*s, req); }},
      {"PUT", "/homes/:home/time_zone",
       needs(permission::preferences_write, {home_of("home", the_home)}),
       [s](const http_request& req) { return put_time_zone(*s, req); }},
  };
}

} // namespace hems::api
