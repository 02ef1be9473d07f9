#pragma once
// The HTTP server: Pistache underneath, hems routes on top. Every reply is
// JSON (errors included), every request is counted by route and status, and
// a handler that throws answers 500 instead of taking the server down.

#include <memory>
#include <string>
#include <vector>

#include "api/http.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"

namespace hems::api {

struct rest_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080; ///< 0 picks a free port
  int threads = 2;
  std::size_t max_request_bytes = 1 << 20;
};

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
