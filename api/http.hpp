#pragma once
// HTTP as the route handlers see it: plain structs, no Pistache. Handlers are
// plain functions from request to reply, so they are tested (and fuzzed)
// without a server, and the Pistache adapter stays a thin shell.

#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/access.hpp"
#include "core/clock.hpp"
#include "security/principal.hpp"
#include "streams/window_grid.hpp"

namespace hems::api {

struct http_request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> params;  ///< path parameters (/schedule/:id)
  std::map<std::string, std::string> headers; ///< lower-case names
  std::string body;
  std::string remote; ///< the client's address, for the audit log
  /// The verified caller, set by the authorization layer (api/guard) before
  /// the handler runs; null only on open routes.
  std::shared_ptr<const security::principal> caller;

  std::optional<std::string_view> query_value(const std::string& name) const;
  std::optional<std::string_view> header(const std::string& lower_case_name) const;
};

/// What a state-changing handler adds to the audit log entry of its request.
struct audit_note {
  std::string target;             ///< the object changed (its id)
  std::vector<std::string> homes; ///< homes touched beyond those the request named
  std::string detail;
};

/// Where a streaming reply's body goes once its head is sent: the client's
/// connection (api/rest_server). Safe to use from any thread.
class stream_sink {
public:
  virtual ~stream_sink() = default;
  /// Queues `bytes` for the client: false once the client is gone or the sink closed.
  virtual bool write(std::string_view bytes) = 0;
  /// Bytes queued and not yet taken by the socket (a slow client's backlog).
  virtual std::size_t pending_bytes() const = 0;
  /// False once the client has gone away or the sink was closed.
  virtual bool open() const = 0;
  /// Ends the body; writes after it return false.
  virtual void close() = 0;
};

/// Called once the head of a streaming reply is on its way, with the sink
/// for the rest of its body (on the server's I/O thread: must not block).
using stream_opener = std::function<void(std::shared_ptr<stream_sink>)>;

struct http_reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<audit_note> audit;
  /// Set: the body is streamed (chunked), `body` is its first part, and the
  /// opener gets the sink for the rest (GET /events).
  stream_opener stream = {};
};

using handler_fn = std::function<http_reply(const http_request&)>;

struct route {
  std::string method; ///< GET, POST, PUT, DELETE
  std::string path;   ///< Pistache pattern, e.g. /schedule/:id
  api::access access; ///< who may call it, and where the homes it touches are (access.hpp)
  handler_fn handler;
};

/// `{"error": code, "detail": detail}` with the given status.
http_reply error_reply(int status, std::string_view code, std::string_view detail);
http_reply json_reply(int status, std::string body);

/// The error code rest.md uses for a status (400 -> invalid, 404 -> not_found, ...).
std::string_view error_code_for(int status);

/// 400 naming the first query parameter not in `allowed`, if any.
std::optional<http_reply> reject_unknown_params(const http_request& req,
                                                std::initializer_list<std::string_view> allowed);

/// The required `home` query parameter: 400 when missing or not a valid id.
std::expected<std::string, http_reply> home_param(const http_request& req);

/// A time query parameter (ms since the epoch or RFC 3339): `fallback` when
/// absent, 400 when absent without one or unreadable.
std::expected<millis, http_reply> time_param(const http_request& req, const std::string& name,
                                             std::optional<millis> fallback = {});

/// `from` and `to` of a window query at resolution `res`: both required,
/// `to` after `from`, and at most `max_windows` windows between them (400
/// otherwise, naming the parameter).
struct time_range {
  millis from = 0;
  millis to = 0;
};
std::expected<time_range, http_reply> window_range_param(const http_request& req,
                                                         streams::resolution res);

/// The `limit` query parameter of a paged list: `fallback` when absent, 400
/// unless an integer from 1 to `max`.
std::expected<std::size_t, http_reply> limit_param(const http_request& req, std::size_t fallback,
                                                   std::size_t max);

} // namespace hems::api
