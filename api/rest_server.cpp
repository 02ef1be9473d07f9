#include "api/rest_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <strings.h>

#include <pistache/endpoint.h>
#include <pistache/peer.h>

#include "api/tls_handshake.hpp"
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
  out.remote = req.address().host();
  return out;
}

// Pistache 0.0.5 writes only typed headers into a response (addRaw's are
// dropped on the way out), so every header hems sends is one of these.
class named_header final : public Http::Header::Header {
public:
  named_header(std::string name, std::string value)
    : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& os) const override { os << value_; }
  // Typed lookups compare this with a header class's Hash: never one of ours.
  std::uint64_t hash() const override { return 0; }

private:
  std::string name_;
  std::string value_;
};

bool has_header(const http_reply& reply, std::string_view name) {
  for (const auto& [n, v] : reply.headers)
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0)
      return true;
  return false;
}

} // namespace

std::vector<std::pair<std::string, std::string>> secure_headers(bool tls) {
  std::vector<std::pair<std::string, std::string>> h{
    {"Cache-Control", "no-store"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    // JSON needs no sources at all; a dashboard route sets its own policy.
    {"Content-Security-Policy",
     "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  if (tls)
    h.emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return h;
}

namespace {

void add_headers(Http::ResponseWriter& writer, const http_reply& reply,
                 const std::vector<std::pair<std::string, std::string>>& defaults) {
  for (const auto& [name, value] : reply.headers)
    writer.headers().add(std::make_shared<named_header>(name, value));
  for (const auto& [name, value] : defaults)
    if (!has_header(reply, name))
      writer.headers().add(std::make_shared<named_header>(name, value));
  writer.headers().add<Http::Header::ContentType>(reply.content_type);
}

// Pistache copies what the socket did not take of a write each time the
// socket is full (BufferHolder::detach), so one write of a 6 MB answer (a year
// of GET /usage) copied tens of megabytes while the client read. Large bodies
// go out as pieces, each its own write, after a head written as Pistache
// writes it (its headers, then Content-Length). /openapi.json is one of them,
// so every end-to-end test (TLS included) goes through this path.
constexpr std::size_t body_piece = 64 * 1024;

void send_in_pieces(Http::ResponseWriter& writer, const http_reply& reply) {
  std::ostringstream head;
  head << "HTTP/1.1 " << reply.status << ' ' << static_cast<Http::Code>(reply.status) << "\r\n";
  for (const auto& h : writer.headers().list()) {
    head << h->name() << ": ";
    h->write(head);
    head << "\r\n";
  }
  head << "Content-Length: " << reply.body.size() << "\r\n\r\n";
  auto peer = writer.peer();
  peer->setIdle(true); // as ResponseWriter::send does: the request is answered
  auto text = head.str();
  auto n = text.size();
  peer->send(RawBuffer(std::move(text), n)).then([](ssize_t) {}, Async::IgnoreException);
  for (std::size_t at = 0; at < reply.body.size(); at += body_piece) {
    auto piece = reply.body.substr(at, body_piece);
    auto size = piece.size();
    peer->send(RawBuffer(std::move(piece), size)).then([](ssize_t) {}, Async::IgnoreException);
  }
}

void send(Http::ResponseWriter& writer, const http_reply& reply,
          const std::vector<std::pair<std::string, std::string>>& defaults) {
  add_headers(writer, reply, defaults);
  if (reply.body.size() > 2 * body_piece)
    send_in_pieces(writer, reply);
  else
    writer.send(static_cast<Http::Code>(reply.status), reply.body);
}

// A streaming reply's connection as the rest of hems writes to it.
//
// Pistache 0.0.5 is not thread-safe around a connection: ResponseStream's
// flush() drains the transport's write queue on the calling thread, racing
// its I/O thread. Peer::send only pushes onto that queue (a lock-free queue
// with an eventfd), which the I/O thread drains, and drops writes for
// connections it no longer has; so every write after the head goes through
// it, already chunk-encoded. The peer is held weakly: once Pistache forgets
// the connection, or tells us it is gone (onDisconnection, on its I/O
// thread, before it closes the socket), writes stop.
class connection_sink final : public stream_sink {
public:
  explicit connection_sink(std::weak_ptr<Tcp::Peer> peer)
    : peer_(std::move(peer)), pending_(std::make_shared<std::atomic<std::size_t>>(0)) {}

  bool write(std::string_view bytes) override {
    if (bytes.empty())
      return open();
    std::lock_guard lock{mutex_};
    auto peer = live_peer();
    if (!peer)
      return false;
    char size[20];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
    std::string chunk;
    chunk.reserve(bytes.size() + static_cast<std::size_t>(n) + 2);
    chunk.append(size, static_cast<std::size_t>(n)).append(bytes).append("\r\n");
    send_raw(*peer, std::move(chunk));
    return true;
  }

  std::size_t pending_bytes() const override { return pending_->load(); }

  bool open() const override {
    std::lock_guard lock{mutex_};
    return !closed_ && !peer_.expired();
  }

  void close() override {
    std::lock_guard lock{mutex_};
    if (auto peer = live_peer())
      send_raw(*peer, "0\r\n\r\n"); // the last chunk: the reply ends cleanly
    closed_ = true;
  }

  /// Pistache's I/O thread: the connection is closing.
  void gone() {
    std::lock_guard lock{mutex_};
    closed_ = true;
  }

private:
  std::shared_ptr<Tcp::Peer> live_peer() {
    if (closed_)
      return nullptr;
    auto peer = peer_.lock();
    if (!peer)
      closed_ = true;
    return peer;
  }

  void send_raw(Tcp::Peer& peer, std::string bytes) {
    auto n = bytes.size();
    pending_->fetch_add(n);
    auto done = [pending = pending_, n](ssize_t) { pending->fetch_sub(n); };
    auto failed = [pending = pending_, n](std::exception_ptr) { pending->fetch_sub(n); };
    peer.send(RawBuffer(std::move(bytes), n)).then(done, failed);
  }

  mutable std::mutex mutex_;
  std::weak_ptr<Tcp::Peer> peer_;
  bool closed_ = false;
  std::shared_ptr<std::atomic<std::size_t>> pending_;
};

constexpr const char* stream_data_key = "hems.stream";

// The stream a connection carries now (a kept-alive connection may carry one
// after another); only touched on the connection's I/O thread.
struct stream_slot {
  std::weak_ptr<connection_sink> sink;
};

// Runs on the connection's I/O thread, inside the request: the head and the
// first part go out the ordinary way, then the sink takes over.
void open_stream(Http::ResponseWriter& writer, const http_reply& reply,
                 const std::vector<std::pair<std::string, std::string>>& defaults) {
  add_headers(writer, reply, defaults);
  auto peer = writer.peer();
  auto head = writer.stream(static_cast<Http::Code>(reply.status));
  if (!reply.body.empty())
    head.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
  head.flush();
  // An idle connection is closed at the keep-alive timeout; a busy one at the
  // header timeout, with a 408 in the middle of our stream: idle it is.
  peer->setIdle(true);
  auto sink = std::make_shared<connection_sink>(peer);
  auto slot = std::static_pointer_cast<stream_slot>(peer->tryGetData(stream_data_key));
  if (!slot) {
    slot = std::make_shared<stream_slot>();
    peer->putData(stream_data_key, slot);
  }
  slot->sink = sink;
  reply.stream(std::move(sink));
}

// The router's handler, told when a connection goes away so that its stream
// stops writing before Pistache closes (and may reuse) the socket.
class stream_aware_handler final : public Rest::Private::RouterHandler {
public:
  HTTP_PROTOTYPE(stream_aware_handler)
  explicit stream_aware_handler(const Rest::Router& router) : RouterHandler(router) {}

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    if (auto slot = std::static_pointer_cast<stream_slot>(peer->tryGetData(stream_data_key)))
      if (auto sink = slot->sink.lock())
        sink->gone();
    RouterHandler::onDisconnection(peer);
  }
};

} // namespace

struct rest_server::impl {
  impl(Address addr, metrics_registry& m, const rest_options& o)
    : endpoint(std::make_shared<Http::Endpoint>(addr)), max_body_bytes(o.max_body_bytes),
      headers(secure_headers(o.tls.has_value())),
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
        if (req.body().size() > max_body_bytes)
          reply = error_reply(413, "too_large",
                              "body: larger than " + std::to_string(max_body_bytes) + " bytes");
        else
          reply = r.handler(to_request(req, r.path));
      } catch (const std::exception& e) {
        reply = error_reply(500, "internal", std::string{"unexpected failure: "} + e.what());
      }
      count(reply.status, start);
      if (reply.stream && reply.status == 200)
        open_stream(writer, reply, headers);
      else
        send(writer, reply, headers);
      return Rest::Route::Result::Ok;
    };
  }

  std::shared_ptr<Http::Endpoint> endpoint;
  std::size_t max_body_bytes;
  std::vector<std::pair<std::string, std::string>> headers;
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
    auto p = std::make_unique<impl>(addr, metrics, options);
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
      send(writer, reply, raw->headers);
      return Rest::Route::Result::Ok;
    });
    // Pistache's own cap covers the request line and headers too; a body
    // beyond max_body_bytes but within it gets our JSON 413 above, anything
    // larger Pistache's plain-text 413 as it arrives.
    constexpr std::size_t header_allowance = 16 << 10;
    auto opts = Http::Endpoint::options()
                  .threads(options.threads)
                  .flags(Tcp::Options::ReuseAddr | Tcp::Options::NoDelay)
                  .maxRequestSize(options.max_body_bytes + header_allowance)
                  .headerTimeout(options.header_timeout)
                  .bodyTimeout(options.body_timeout)
                  .keepaliveTimeout(options.keepalive_timeout);
    p->endpoint->init(opts);
    // After init(), which resets the listener's TLS setting.
    if (options.tls) {
      p->endpoint->useSSL(options.tls->certificate, options.tls->private_key);
      if (!tls_handshakes_deferred()) // links the deferral in (see tls_handshake.hpp)
        return fail(errc::internal, "TLS handshakes would block the accept thread");
    }
    p->endpoint->setHandler(std::make_shared<stream_aware_handler>(p->router));
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
