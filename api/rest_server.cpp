#include "api/rest_server.hpp"

#include <algorithm>
#include <cctype>

#include <pistache/endpoint.h>
#include <pistache/router.h>

namespace hems::api {

namespace {

using namespace Pistache;

http_request to_request(const Rest::Request& req, const std::string& pattern) {
  http_request out;
  out.method = methodString(req.method());
  out.path = req.resource();
  for (auto it = req.query().parameters_begin(); it != req.query().parameters_end(); ++it)
    out.query.emplace(it->first, it->second);
  for (const auto& raw : req.headers().rawList()) {
    std::string name = raw.first;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace(std::move(name), raw.second.value());
  }
  // Path parameters are the ":name" segments of the route's pattern.
  std::size_t pos = 0;
  while ((pos = pattern.find(':', pos)) != std::string::npos) {
    auto end = pattern.find('/', pos);
    auto name = pattern.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (req.hasParam(name))
      out.params.emplace(name.substr(1), req.param(name).as<std::string>());
    pos = end == std::string::npos ? pattern.size() : end;
  }
  out.body = req.body();
  return out;
}

void send(Http::ResponseWriter& writer, const http_reply& reply) {
  for (const auto& [name, value] : reply.headers)
    writer.headers().addRaw(Http::Header::Raw{name, value});
  writer.headers().addRaw(Http::Header::Raw{"Cache-Control", "no-store"});
  writer.headers().add<Http::Header::ContentType>(reply.content_type);
  writer.send(static_cast<Http::Code>(reply.status), reply.body);
}

} // namespace

struct rest_server::impl {
  impl(Address addr, metrics_registry& m)
    : endpoint(std::make_shared<Http::Endpoint>(addr)),
      requests_ok(m.add_counter("hems_http_requests_total", "HTTP requests by status class.",
                                "class=\"2xx\"")),
      requests_client_error(m.add_counter("hems_http_requests_total",
                                          "HTTP requests by status class.", "class=\"4xx\"")),
      requests_server_error(m.add_counter("hems_http_requests_total",
                                          "HTTP requests by status class.", "class=\"5xx\"")),
      latency(m.add_histogram("hems_http_request_seconds", "Time to answer an HTTP request.",
                              {0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 1})) {}

  void count(int status, std::chrono::steady_clock::time_point start) {
    (status < 400 ? requests_ok : status < 500 ? requests_client_error : requests_server_error)
      .inc();
    latency.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  Rest::Route::Handler wrap(route r) {
    return [this, r = std::move(r)](const Rest::Request& req, Http::ResponseWriter writer) {
      auto start = std::chrono::steady_clock::now();
      http_reply reply;
      try {
        reply = r.handler(to_request(req, r.path));
      } catch (const std::exception& e) {
        reply = error_reply(500, "internal", std::string{"unexpected failure: "} + e.what());
      }
      count(reply.status, start);
      send(writer, reply);
      return Rest::Route::Result::Ok;
    };
  }

  std::shared_ptr<Http::Endpoint> endpoint;
  Rest::Router router;
  counter& requests_ok;
  counter& requests_client_error;
  counter& requests_server_error;
  histogram& latency;
};

result<std::unique_ptr<rest_server>> rest_server::start(const rest_options& options,
                                                        std::vector<route> routes,
                                                        metrics_registry& metrics) {
  try {
    Address addr{options.address, Port{options.port}};
    auto p = std::make_unique<impl>(addr, metrics);
    for (auto& r : routes) {
      auto path = r.path;
      auto method = r.method;
      auto handler = p->wrap(std::move(r));
      if (method == "GET")
        Rest::Routes::Get(p->router, path, handler);
      else if (method == "POST")
        Rest::Routes::Post(p->router, path, handler);
      else if (method == "PUT")
        Rest::Routes::Put(p->router, path, handler);
      else if (method == "DELETE")
        Rest::Routes::Delete(p->router, path, handler);
    }
    auto* raw = p.get();
    p->router.addNotFoundHandler([raw](const Rest::Request& req, Http::ResponseWriter writer) {
      auto start = std::chrono::steady_clock::now();
      auto reply = error_reply(404, "not_found", "no such endpoint: " + req.resource());
      raw->count(reply.status, start);
      send(writer, reply);
      return Rest::Route::Result::Ok;
    });
    auto opts = Http::Endpoint::options()
                  .threads(options.threads)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(options.max_request_bytes)
                  .headerTimeout(std::chrono::seconds(10))
                  .bodyTimeout(std::chrono::seconds(30));
    p->endpoint->init(opts);
    p->endpoint->setHandler(p->router.handler());
    p->endpoint->serveThreaded();
    return std::unique_ptr<rest_server>{new rest_server{std::move(p)}};
  } catch (const std::exception& e) {
    return fail(errc::io_error, "cannot serve HTTP on " + options.address + ":" +
                                  std::to_string(options.port) + ": " + e.what());
  }
}

rest_server::rest_server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

rest_server::~rest_server() { stop(); }

std::uint16_t rest_server::port() const {
  return impl_->endpoint ? static_cast<std::uint16_t>(impl_->endpoint->getPort()) : 0;
}

void rest_server::stop() {
  if (impl_ && impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

} // namespace hems::api
