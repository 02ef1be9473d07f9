#include "api/live_routes.hpp"

#include <caf/scoped_actor.hpp>

#include "actors/live_board.hpp"
#include "api/json_views.hpp"
#include "api/openapi.hpp"
#include "core/sample.hpp"
#include "core/time_format.hpp"

namespace hems::api {

namespace {

using services_ptr = std::shared_ptr<live_services>;

constexpr std::size_t max_page = 10'000;

} // namespace

std::expected<actors::home_view, http_reply> ask_home_view(live_services& s,
                                                           const std::string& home) {
  std::expected<actors::home_view, http_reply> out =
    std::unexpected(error_reply(503, "unavailable", "the live view did not answer in time"));
  if (s.live && s.live->board) {
    out = s.live->board->view(home, s.live->settings);
  } else {
    caf::scoped_actor self{s.system};
    self->request(s.directory, s.ask_timeout, actors::get_atom::value, home)
      .receive([&](actors::home_view& v) { out = std::move(v); }, [&](caf::error&) {});
  }
  if (out && !out->found)
    return std::unexpected(error_reply(404, "not_found", "home '" + home + "' has no devices"));
  return out;
}

namespace {

http_reply get_devices(live_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home"}))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  auto view = ask_home_view(s, *home);
  if (!view)
    return view.error();
  return json_reply(200, devices_json(*view));
}

http_reply get_raw_samples(live_services& s, const http_request& req, const std::string& home) {
  auto device = req.query_value("device");
  if (!device)
    return error_reply(400, "invalid", "device: required with resolution=raw");
  if (!is_valid_id(*device))
    return error_reply(400, "invalid", "device: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  auto from = time_param(req, "from");
  if (!from)
    return from.error();
  auto to = time_param(req, "to");
  if (!to)
    return to.error();
  if (*to <= *from)
    return error_reply(400, "invalid", "to: must be after from");
  auto limit = limit_param(req, 1000, max_page);
  if (!limit)
    return limit.error();
  storage::sample_query q{.home = home, .device = std::string{*device}, .from = *from, .to = *to,
                          .after = {}, .limit = *limit};
  if (auto after = req.query_value("after")) {
    q.after = parse_sample_cursor(*after);
    if (!q.after)
      return error_reply(400, "invalid", "after: not a cursor returned as 'next' by this API");
  }
  auto page = s.db.read_samples(q);
  if (!page)
    return error_reply(503, "unavailable", "storage: " + page.error().detail);
  return json_reply(200, raw_samples_json(home, q.device, *page));
}

http_reply get_usage(live_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(
        req, {"home", "device", "from", "to", "resolution", "limit", "after", "format"}))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  auto resolution = req.query_value("resolution");
  if (req.query_value("format") && (!resolution || *resolution == "raw"))
    return error_reply(400, "invalid", "format: only with resolution 1m, 15m, 1h or 1d");
  if (resolution && *resolution == "raw")
    return get_raw_samples(s, req, *home);
  if (resolution) {
    if (*resolution == "1m" || *resolution == "15m" || *resolution == "1h" || *resolution == "1d")
      return s.usage_windows ? s.usage_windows(req, *home)
                             : error_reply(400, "invalid",
                                           "resolution: usage windows are not kept by this "
                                           "server; use resolution=raw for history");
    return error_reply(400, "invalid", "resolution: expected raw, 1m, 15m, 1h or 1d");
  }
  if (req.query_value("from") || req.query_value("to"))
    return error_reply(400, "invalid", "resolution: required with from and to");
  auto view = ask_home_view(s, *home);
  if (!view)
    return view.error();
  if (auto device = req.query_value("device")) {
    std::erase_if(view->devices, [&](const auto& d) { return d.status.device != *device; });
    if (view->devices.empty())
      return error_reply(404, "not_found",
                         "device '" + std::string{*device} + "' is not in home '" + *home + "'");
  }
  return json_reply(200, live_usage_json(*view));
}

} // namespace

std::vector<route> live_routes(services_ptr s) {
  using security::permission;
  // GET /usage serves live usage and stored history alike under live:read;
  // the role table grants history:read with it (tests/unit/security_test).
  return {
    {"GET", "/healthz", open_access(),
     [](const http_request&) { return json_reply(200, R"({"status":"ok"})"); }},
    {"GET", "/readyz", open_access(),
     [s](const http_request&) {
       return s->ready() ? json_reply(200, R"({"status":"ready"})")
                         : error_reply(503, "unavailable", "hems is starting or stopping");
     }},
    {"GET", "/metrics", needs(permission::metrics_read),
     [s](const http_request&) {
       http_reply r;
       r.content_type = "text/plain; version=0.0.4";
       r.body = s->metrics.render();
       return r;
     }},
    {"GET", "/openapi.json", open_access(),
     [](const http_request&) { return json_reply(200, std::string{openapi_json()}); }},
    {"GET", "/devices", needs(permission::live_read, {home_query()}),
     [s](const http_request& req) { return get_devices(*s, req); }},
    {"GET", "/usage", needs(permission::live_read, {home_query()}),
     [s](const http_request& req) { return get_usage(*s, req); }},
  };
}

} // namespace hems::api
