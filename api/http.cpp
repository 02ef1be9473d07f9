#include "api/http.hpp"

#include <algorithm>
#include <charconv>

#include "core/json_writer.hpp"
#include "core/sample.hpp"
#include "core/time_format.hpp"

namespace hems::api {

std::optional<std::string_view> http_request::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end())
    return std::nullopt;
  return std::string_view{it->second};
}

std::optional<std::string_view> http_request::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  if (it == headers.end())
    return std::nullopt;
  return std::string_view{it->second};
}

http_reply json_reply(int status, std::string body) {
  http_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_reply error_reply(int status, std::string_view code, std::string_view detail) {
  json_writer w;
  w.begin_object().field("error", code).field("detail", detail).end_object();
  return json_reply(status, w.take());
}

std::string_view error_code_for(int status) {
  switch (status) {
  case 400:
    return "invalid";
  case 401:
    return "unauthorized";
  case 403:
    return "forbidden";
  case 404:
    return "not_found";
  case 405:
    return "method_not_allowed";
  case 409:
    return "conflict";
  case 413:
    return "too_large";
  case 422:
    return "infeasible";
  case 429:
    return "rate_limited";
  case 503:
    return "unavailable";
  default:
    return status >= 500 ? "internal" : "invalid";
  }
}

std::optional<http_reply> reject_unknown_params(const http_request& req,
                                                std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : req.query)
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return error_reply(400, "invalid", "unknown query parameter '" + name + "'");
  return std::nullopt;
}

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
                                             std::optional<millis> fallback) {
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

std::expected<time_range, http_reply> window_range_param(const http_request& req,
                                                         streams::resolution res) {
  constexpr millis max_windows = 100'000;
  auto from = time_param(req, "from");
  if (!from)
    return std::unexpected(from.error());
  auto to = time_param(req, "to");
  if (!to)
    return std::unexpected(to.error());
  if (*to <= *from)
    return std::unexpected(error_reply(400, "invalid", "to: must be after from"));
  if ((*to - *from) / streams::nominal_length(res) > max_windows)
    return std::unexpected(
        error_reply(400, "invalid",
                    "to: at most " + std::to_string(max_windows) + " windows of " +
                        std::string{streams::to_string(res)} +
                        " per request; use a coarser resolution or a shorter range"));
  return time_range{*from, *to};
}

std::expected<std::size_t, http_reply> limit_param(const http_request& req, std::size_t fallback,
                                                   std::size_t max) {
  auto limit = req.query_value("limit");
  if (!limit)
    return fallback;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
  if (ec != std::errc{} || ptr != limit->data() + limit->size() || n == 0 || n > max)
    return std::unexpected(
        error_reply(400, "invalid", "limit: expected an integer from 1 to " + std::to_string(max)));
  return n;
}

} // namespace hems::api
