#include "api/event_routes.hpp"

namespace hems::api {

namespace {

http_reply open_events(event_hub& hub, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home"}))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  auto opener = hub.reserve(*home, req.caller ? req.caller->token_id : std::string{});
  if (!opener)
    return opener.error();
  http_reply r;
  r.content_type = "text/event-stream; charset=utf-8";
  // Proxies must pass events on as they come, not buffer the stream.
  r.headers.emplace_back("X-Accel-Buffering", "no");
  // EventSource reconnects after this; fetch() readers pick their own delay.
  r.body = "retry: 2000\n\n";
  r.stream = std::move(*opener);
  return r;
}

} // namespace

std::vector<route> event_routes(std::shared_ptr<event_hub> hub) {
  using security::permission;
  return {
      {"GET", "/events", needs(permission::live_read, {home_query()}),
       [hub](const http_request& req) { return open_events(*hub, req); }},
  };
}

} // namespace hems::api
