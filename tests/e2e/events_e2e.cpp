#define BOOST_TEST_MODULE events_e2e
#include <boost/test/unit_test.hpp>

// GET /events and the dashboard's static files against the real binary: real
// ZeroMQ in, real HTTP out, read as a browser's fetch() reads the stream.

#include <arpa/inet.h>
#include <chrono>
#include <fstream>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zmq.hpp>

#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificate.hpp"

using namespace hems::test;
using namespace std::chrono_literals;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One open HTTP connection, read as it arrives.
class stream_client {
public:
  stream_client(std::uint16_t port, const std::string& target, const std::string& token,
                bool tls = false) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    if (tls) { // the server's certificate is the test's own; what matters here is the stream
      ctx_ = SSL_CTX_new(TLS_client_method());
      ssl_ = SSL_new(ctx_);
      SSL_set_fd(ssl_, fd_);
      BOOST_REQUIRE(SSL_connect(ssl_) == 1);
    }
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                          (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") +
                          "Accept: text/event-stream\r\nConnection: keep-alive\r\n\r\n";
    auto sent = ssl_ ? SSL_write(ssl_, request.data(), static_cast<int>(request.size()))
                     : ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
    BOOST_REQUIRE(sent == static_cast<ssize_t>(request.size()));
  }
  ~stream_client() {
    if (ssl_)
      SSL_free(ssl_);
    if (ctx_)
      SSL_CTX_free(ctx_);
    ::close(fd_);
  }

  /// Reads until `text` has arrived (true) or `limit` passes (false).
  bool read_until(const std::string& text, std::chrono::milliseconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (received.find(text) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return false;
      pollfd p{fd_, POLLIN, 0};
      if ((!ssl_ || SSL_pending(ssl_) == 0) && ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        return false;
      char buf[4096];
      auto n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        return received.find(text) != std::string::npos;
      received.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  std::string received;

private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

void push(const std::string& endpoint, const std::string& frame) {
  zmq::context_t ctx{1};
  zmq::socket_t s{ctx, zmq::socket_type::push};
  s.set(zmq::sockopt::linger, 2000);
  s.connect(endpoint);
  s.send(zmq::buffer(frame), zmq::send_flags::none);
}

std::string sample(const std::string& home, const std::string& device, double power) {
  return R"({"home":")" + home + R"(","device":")" + device + R"(","ts":)" +
         std::to_string(now_ms()) + R"(,"power_w":)" + std::to_string(power) +
         R"(,"kind":"plug","state":"on"})";
}

} // namespace

BOOST_AUTO_TEST_CASE(a_pushed_sample_arrives_as_a_power_event_within_two_seconds) {
  temp_dir dir;
  hems_process hems{dir.path() / "data", {"--rate-limit", "0"}};
  stream_client events{hems.http_port(), "/events?home=h-sse", hems.admin_token()};
  BOOST_REQUIRE(events.read_until("retry: 2000"));
  BOOST_TEST(events.received.starts_with("HTTP/1.1 200"));
  BOOST_TEST(events.received.find("Content-Type: text/event-stream") != std::string::npos);
  BOOST_TEST(events.received.find("Transfer-Encoding: chunked") != std::string::npos);
  BOOST_TEST(events.received.find("X-Content-Type-Options: nosniff") != std::string::npos);

  auto sent = std::chrono::steady_clock::now();
  push(hems.telemetry_endpoint(), "[" + sample("h-sse", "lamp", 321.5) + "]");
  BOOST_REQUIRE(events.read_until(R"("device":"lamp","power_w":321.5)", 2s));
  BOOST_TEST_MESSAGE("power event after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - sent)
                                                 .count()
                                          << " ms");
  BOOST_TEST(events.received.find("event: power\r\n") == std::string::npos); // LF, not CRLF
  BOOST_TEST(events.received.find("event: power\n") != std::string::npos);

  // A change is sent; other homes' samples are not.
  push(hems.telemetry_endpoint(),
       "[" + sample("h-other", "lamp", 99) + "," + sample("h-sse", "lamp", 12) + "]");
  BOOST_REQUIRE(events.read_until(R"("device":"lamp","power_w":12)", 3s));
  BOOST_TEST(events.received.find("h-other") == std::string::npos);
  auto metrics = http_get(hems.http_port(), "/metrics");
  BOOST_TEST(metrics.body.find("hems_event_streams_open 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(events_stream_over_tls) {
  temp_dir dir;
  auto cert = make_test_certificate(dir.path());
  hems_process hems{dir.path() / "data",
                    {"--rate-limit", "0", "--tls-cert", cert.certificate.string(), "--tls-key",
                     cert.private_key.string()}};
  stream_client events{hems.http_port(), "/events?home=h-tls", hems.admin_token(), true};
  BOOST_REQUIRE(events.read_until("retry: 2000"));
  BOOST_TEST(events.received.find("Strict-Transport-Security") != std::string::npos);
  push(hems.telemetry_endpoint(), "[" + sample("h-tls", "lamp", 42.5) + "]");
  BOOST_REQUIRE(events.read_until(R"("device":"lamp","power_w":42.5)", 2s));
}

BOOST_AUTO_TEST_CASE(a_stream_ends_cleanly_before_the_keep_alive_timeout_closes_it) {
  temp_dir dir;
  // Keep-alive 6 s: streams end after 1 s (6 s less a 5 s margin, at least 1 s).
  hems_process hems{dir.path() / "data", {"--rate-limit", "0", "--keepalive-timeout", "6"}};
  stream_client events{hems.http_port(), "/events?home=h1", hems.admin_token()};
  BOOST_REQUIRE(events.read_until("retry:"));
  BOOST_REQUIRE(events.read_until("\r\n0\r\n\r\n", 5s)); // the last chunk: a complete reply
  auto metrics = http_get(hems.http_port(), "/metrics");
  BOOST_TEST(metrics.body.find("hems_event_streams_closed_total{reason=\"max_age\"} 1") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(events_need_a_token_and_are_bounded_per_token) {
  temp_dir dir;
  hems_process hems{dir.path() / "data", {"--rate-limit", "0"}};
  stream_client anonymous{hems.http_port(), "/events?home=h1", ""};
  BOOST_REQUIRE(anonymous.read_until("\r\n\r\n"));
  BOOST_TEST(anonymous.received.starts_with("HTTP/1.1 401"));

  std::vector<std::unique_ptr<stream_client>> open;
  for (int i = 0; i < 8; ++i) {
    open.push_back(
        std::make_unique<stream_client>(hems.http_port(), "/events?home=h1", hems.admin_token()));
    BOOST_REQUIRE(open.back()->read_until("retry:"));
  }
  stream_client ninth{hems.http_port(), "/events?home=h1", hems.admin_token()};
  BOOST_REQUIRE(ninth.read_until("}"));
  BOOST_TEST(ninth.received.starts_with("HTTP/1.1 429"));
  BOOST_TEST(ninth.received.find("events: this token has 8 event streams open") !=
             std::string::npos);
  // A client that leaves frees its place.
  open.pop_back();
  BOOST_REQUIRE(eventually([&] {
    stream_client again{hems.http_port(), "/events?home=h1", hems.admin_token()};
    return again.read_until("\r\n\r\n") && again.received.starts_with("HTTP/1.1 200");
  }));
}

BOOST_AUTO_TEST_CASE(the_dashboard_files_are_served_without_a_token) {
  temp_dir dir;
  auto web = dir.path() / "web";
  std::filesystem::create_directories(web);
  std::ofstream{web / "index.html"} << "<!doctype html><title>hems</title>";
  std::ofstream{web / "app.js"} << "console.log('hems');";
  std::ofstream{web / "app.css"} << "body{}";
  hems_process hems{dir.path() / "data", {"--web-dir", web.string()}};
  auto page = http_get_as(hems.http_port(), "", "/");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.body == "<!doctype html><title>hems</title>");
  BOOST_TEST(page.headers["content-type"] == "text/html; charset=utf-8");
  BOOST_TEST(page.headers["content-security-policy"].find("script-src 'self'") !=
             std::string::npos);
  BOOST_TEST(page.headers["x-frame-options"] == "DENY");
  BOOST_TEST(page.headers["cache-control"] == "no-cache");
  auto script = http_get_as(hems.http_port(), "", "/app.js");
  BOOST_TEST(script.status == 200);
  BOOST_TEST(script.headers["content-type"] == "text/javascript; charset=utf-8");
  auto style = http_get_as(hems.http_port(), "", "/app.css");
  BOOST_TEST(style.headers["content-type"] == "text/css; charset=utf-8");
  auto again = http_request(hems.http_port(), "GET", "/app.js", "",
                            {{"Authorization", ""}, {"If-None-Match", script.headers["etag"]}});
  BOOST_TEST(again.status == 304);
  BOOST_TEST(again.body.empty());
  // The API still wants its token.
  BOOST_TEST(http_get_as(hems.http_port(), "", "/devices?home=h1").status == 401);
}
