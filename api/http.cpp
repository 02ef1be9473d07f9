#include "api/http.hpp"

#include <algorithm>

#include "core/json_writer.hpp"

namespace hems::api {

std::optional<std::string_view> http_request::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end())
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

} // namespace hems::api
