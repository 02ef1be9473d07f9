#pragma once
// The HTTP server: Pistache underneath, hems routes on top. Every reply is
// JSON (errors included) and carries the secure headers a browser dashboard
// needs; every request is counted by status, and a handler that throws
// answers 500 instead of taking the server down. With certificate and key
// files it speaks only TLS (Pistache's OpenSSL transport).
//
// Limits, from what Pistache 0.0.5 offers: a body larger than
// max_body_bytes answers 413; a client that takes longer than header_timeout
// to send its request line and headers, or body_timeout for its body, is
// answered 408 and disconnected; an idle keep-alive connection is closed
// after keepalive_timeout. Connections are served by an epoll reactor, so a
// slow client holds a connection, never a thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"

namespace hems::api {

struct tls_files {
  std::string certificate; ///< PEM, the chain
  std::string private_key; ///< PEM
};

struct rest_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080; ///< 0 picks a free port
  int threads = 2;
  std::size_t max_body_bytes = 64 << 10; ///< no request body of this API comes near it
  std::optional<tls_files> tls = std::nullopt;
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds body_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds keepalive_timeout{std::chrono::seconds(60)};
};

/// The headers every reply carries unless the route set its own.
std::vector<std::pair<std::string, std::string>> secure_headers(bool tls);

class rest_server {
public:
  static result<std::unique_ptr<rest_server>> start(const rest_options& options,
                                                    std::vector<route> routes,
                                                    metrics_registry& metrics);
  ~rest_server();
  std::uint16_t port() const;
  void stop();

  struct impl;

private:
  explicit rest_server(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace hems::api
