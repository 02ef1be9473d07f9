#define BOOST_TEST_MODULE security_e2e
#include <boost/test/unit_test.hpp>

// Security end to end, against the real binary over real sockets: the first
// admin token, tokens and scopes over HTTP, TLS, where the server may listen,
// rate and size limits, slow clients. Every JSON answer is checked against
// the OpenAPI document the server serves.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <simdjson.h>
#include <zmq.hpp>

#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/openapi_check.hpp"
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

void push(const hems_process& hems, const std::string& home, const std::string& device) {
  zmq::context_t ctx{1};
  zmq::socket_t s{ctx, zmq::socket_type::push};
  s.set(zmq::sockopt::linger, 2000);
  s.connect(hems.telemetry_endpoint());
  auto frame = R"({"home":")" + home + R"(","device":")" + device + R"(","ts":)" +
               std::to_string(now_ms()) + R"(,"power_w":42,"kind":"plug","state":"on"})";
  s.send(zmq::buffer(frame), zmq::send_flags::none);
}

// Answers are checked against the served document as they come.
struct checked_client {
  explicit checked_client(const hems_process& h)
    : hems(h), api(http_get(h.http_port(), "/openapi.json").body) {}

  http_response call(const std::string& method, const std::string& path,
                     const std::string& query = "", const std::string& token = "",
                     const std::string& body = "", bool as_admin = false) {
    std::map<std::string, std::string> headers;
    if (!as_admin)
      headers["Authorization"] = token.empty() ? "" : "Bearer " + token;
    auto r = http_request(hems.http_port(), method, path + query, body, headers);
    std::string m = method;
    std::transform(m.begin(), m.end(), m.begin(), ::tolower);
    auto documented = path.starts_with("/tokens/") ? std::string{"/tokens/{id}"} : path;
    if (r.headers["content-type"].starts_with("application/json"))
      BOOST_TEST(api.check_response(documented, m, r.status, r.body) == "",
                 method << " " << path << query);
    return r;
  }
  http_response admin(const std::string& method, const std::string& path,
                      const std::string& query = "", const std::string& body = "") {
    return call(method, path, query, "", body, true);
  }

  const hems_process& hems;
  openapi_checker api;
};

std::string issue(checked_client& c, const std::string& body) {
  auto r = c.admin("POST", "/tokens", "", body);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  simdjson::dom::parser p;
  return std::string{p.parse(r.body)["token"].get_string().value()};
}

std::string token_id(const std::string& token) { return token.substr(5, 16); }

// A client that connects and then sends what it likes, when it likes.
struct raw_client {
  explicit raw_client(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~raw_client() { ::close(fd); }
  void send(const std::string& bytes) { ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  /// Reads until the server closes the connection (or `limit` passes).
  std::string read_until_closed(std::chrono::milliseconds limit) {
    timeval tv{static_cast<time_t>(limit.count() / 1000), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      out.append(buf, static_cast<std::size_t>(n));
    return out;
  }
  int fd = -1;
  bool connected = false;
};

// Runs `hems serve` with `args` to its end; its exit status and what it printed.
std::pair<int, std::string> run_serve(const std::vector<std::string>& args) {
  temp_dir dir;
  auto out = dir.path() / "out.txt";
  std::string command = hems_process::binary() + " serve --data " + (dir.path() / "d").string();
  for (const auto& a : args)
    command += " " + a;
  int status = std::system((command + " >" + out.string() + " 2>&1").c_str());
  std::ifstream in{out};
  std::stringstream ss;
  ss << in.rdbuf();
  return {WEXITSTATUS(status), ss.str()};
}

} // namespace

BOOST_AUTO_TEST_CASE(the_first_start_writes_a_private_admin_token_and_nothing_works_without_one) {
  temp_dir dir;
  std::string first;
  {
    hems_process hems{dir.path() / "data"};
    auto file = dir.path() / "data" / "admin.token";
    struct stat st{};
    BOOST_REQUIRE_EQUAL(::stat(file.c_str(), &st), 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    first = hems.admin_token();
    BOOST_TEST(first.starts_with("hems_"));
    checked_client c{hems};
    for (auto path : {"/devices", "/usage", "/metrics", "/tokens", "/audit"}) {
      BOOST_TEST_CONTEXT(path) {
        auto r = c.call("GET", path, "?home=h");
        BOOST_TEST(r.status == 401);
        BOOST_TEST(r.headers["www-authenticate"].starts_with("Bearer"));
        BOOST_TEST(c.call("GET", path, "?home=h", "hems_not-a-token").status == 401);
      }
    }
    for (auto path : {"/healthz", "/readyz", "/openapi.json"})
      BOOST_TEST(c.call("GET", path).status == 200);
    BOOST_TEST(c.admin("GET", "/tokens").status == 200);
  }
  {
    hems_process again{dir.path() / "data"};
    BOOST_TEST(again.admin_token() == first); // not rewritten: an admin token is active
    BOOST_TEST(http_get(again.http_port(), "/tokens").status == 200);
  }
  hems_process fresh{dir.path() / "data", {"--new-admin-token"}};
  BOOST_TEST(fresh.admin_token() != first);
  BOOST_TEST(http_get(fresh.http_port(), "/tokens").status == 200);
  BOOST_TEST(http_get_as(fresh.http_port(), first, "/tokens").status == 200); // still valid
}

BOOST_AUTO_TEST_CASE(a_resident_sees_its_home_and_nothing_of_another) {
  temp_dir dir;
  hems_process hems{dir.path() / "data"};
  push(hems, "h-a", "a-lamp");
  push(hems, "h-b", "b-secret-heater");
  BOOST_REQUIRE(eventually([&] {
    return http_get(hems.http_port(), "/devices?home=h-b").status == 200 &&
           http_get(hems.http_port(), "/devices?home=h-a").status == 200;
  }));
  checked_client c{hems};
  auto resident = issue(c, R"({"role":"resident","homes":["h-a"],"label":"phone"})");
  auto own = c.call("GET", "/devices", "", resident); // home left out: the token's one home
  BOOST_TEST(own.status == 200);
  BOOST_TEST(own.body.find("a-lamp") != std::string::npos);
  BOOST_TEST(c.call("GET", "/usage", "?home=h-a", resident).status == 200);
  for (auto [path, query] : std::vector<std::pair<std::string, std::string>>{
         {"/devices", "?home=h-b"},
         {"/usage", "?home=h-b"},
         {"/usage", "?home=h-b&device=b-secret-heater&resolution=raw&from=0&to=4102444799999"},
         {"/metrics", ""},
         {"/tokens", ""},
         {"/audit", ""}}) {
    BOOST_TEST_CONTEXT(path << query) {
      auto r = c.call("GET", path, query, resident);
      BOOST_TEST(r.status == 403);
      BOOST_TEST(r.body.find("secret") == std::string::npos);
    }
  }
  BOOST_TEST(c.call("POST", "/tokens", "", resident, R"({"role":"admin"})").status == 403);
  // The secure headers come with every answer.
  BOOST_TEST(own.headers["x-content-type-options"] == "nosniff");
  BOOST_TEST(own.headers["x-frame-options"] == "DENY");
  BOOST_TEST(own.headers["content-security-policy"].starts_with("default-src 'none'"));
  BOOST_TEST(own.headers["cache-control"] == "no-store");
  BOOST_TEST(own.headers.count("strict-transport-security") == 0u); // plain HTTP
  // Revoked: refused at once; the audit log says who did it.
  BOOST_TEST(c.admin("DELETE", "/tokens/" + token_id(resident)).status == 200);
  BOOST_TEST(c.call("GET", "/devices", "", resident).status == 401);
  auto audit = c.admin("GET", "/audit", "?home=h-a");
  BOOST_TEST(audit.status == 200);
  BOOST_TEST(audit.body.find("DELETE /tokens/" + token_id(resident)) != std::string::npos);
  BOOST_TEST(audit.body.find(token_id(hems.admin_token())) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tokens_and_revocations_survive_a_restart) {
  temp_dir dir;
  std::string kept, revoked;
  {
    hems_process hems{dir.path() / "data"};
    checked_client c{hems};
    kept = issue(c, R"({"role":"integrator","homes":["h-a"],"expires_in_s":3600})");
    revoked = issue(c, R"({"role":"integrator","homes":["h-a"]})");
    BOOST_TEST(c.admin("DELETE", "/tokens/" + token_id(revoked)).status == 200);
  }
  hems_process hems{dir.path() / "data"};
  BOOST_TEST(http_get_as(hems.http_port(), kept, "/devices?home=h-a").status == 404); // no devices
  BOOST_TEST(http_get_as(hems.http_port(), revoked, "/devices?home=h-a").status == 401);
}

BOOST_AUTO_TEST_CASE(tls_end_to_end_and_silent_clients_block_nobody) {
  temp_dir dir;
  auto cert = make_test_certificate(dir.path());
  hems_process hems{dir.path() / "data",
                    {"--tls-cert", cert.certificate.string(), "--tls-key",
                     cert.private_key.string()}};
  checked_client c{hems}; // fetched /openapi.json over TLS, verifying the certificate
  auto tokens = c.admin("GET", "/tokens");
  BOOST_TEST(tokens.status == 200);
  BOOST_TEST(tokens.headers["strict-transport-security"].starts_with("max-age="));
  BOOST_TEST(c.call("GET", "/tokens").status == 401);
  // Plain HTTP to the TLS port gets no HTTP answer.
  BOOST_TEST(raw_exchange(hems.http_port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 2s)
               .find("HTTP/1.1 200") == std::string::npos);
  // Clients that connect and say nothing, or stop halfway through a
  // handshake, hold their own connection only.
  std::vector<std::unique_ptr<raw_client>> silent;
  for (int i = 0; i < 4; ++i)
    silent.push_back(std::make_unique<raw_client>(hems.http_port()));
  silent.back()->send(std::string{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11});
  for (int i = 0; i < 10; ++i) {
    auto start = std::chrono::steady_clock::now();
    BOOST_TEST(c.call("GET", "/healthz").status == 200);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 2s)); // the blocking handshake took 10 s
  }
}

BOOST_AUTO_TEST_CASE(beyond_loopback_the_api_needs_tls_or_an_explicit_insecure_http) {
  auto [status, out] = run_serve({"--telemetry", "tcp://127.0.0.1:*", "--http", "0.0.0.0:0"});
  BOOST_TEST(status == 2);
  BOOST_TEST(out.find("needs TLS") != std::string::npos, out);
  BOOST_TEST(run_serve({"--http", "0.0.0.0:0", "--tls-cert", "x.pem"}).first == 2);
  temp_dir dir;
  auto cert = make_test_certificate(dir.path());
  hems_process tls{dir.path() / "tls",
                   {"--http", "0.0.0.0:0", "--tls-cert", cert.certificate.string(), "--tls-key",
                    cert.private_key.string()}};
  BOOST_TEST(http_get(tls.http_port(), "/tokens").status == 200);
  hems_process insecure{dir.path() / "plain", {"--http", "0.0.0.0:0", "--insecure-http"}};
  BOOST_TEST(http_get(insecure.http_port(), "/tokens").status == 200);
}

BOOST_AUTO_TEST_CASE(a_token_beyond_its_rate_gets_429_and_others_do_not) {
  temp_dir dir;
  hems_process hems{dir.path() / "data", {"--rate-limit", "5", "--rate-burst", "5"}};
  checked_client c{hems};
  int limited = 0;
  http_response last;
  for (int i = 0; i < 30; ++i) {
    auto r = c.admin("GET", "/tokens");
    if (r.status == 429) {
      ++limited;
      last = r;
    }
  }
  BOOST_TEST(limited >= 10); // 30 requests in well under the 5 s they would need
  BOOST_TEST(std::stoi(last.headers["retry-after"]) >= 1);
  BOOST_TEST(last.body.find("\"error\":\"rate_limited\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bodies_beyond_the_limit_answer_413) {
  temp_dir dir;
  hems_process hems{dir.path() / "data", {"--max-body", "1024"}};
  checked_client c{hems};
  auto padded = R"({"role":"integrator","homes":["h"],"label":")" + std::string(1500, 'x') + "\"}";
  auto r = c.admin("POST", "/tokens", "", padded);
  BOOST_TEST(r.status == 413);
  BOOST_TEST(r.body.find("\"error\":\"too_large\"") != std::string::npos);
  BOOST_TEST(c.admin("POST", "/tokens", "", std::string(200'000, ' ')).status == 413);
  BOOST_TEST(c.admin("POST", "/tokens", "", R"({"role":"integrator","homes":["h"]})").status ==
             201);
}

BOOST_AUTO_TEST_CASE(slow_clients_do_not_block_others_and_are_cut_off) {
  temp_dir dir;
  hems_process hems{dir.path() / "data", {"--header-timeout", "1", "--body-timeout", "1"}};
  auto port = hems.http_port();
  raw_client silent{port};
  raw_client half_headers{port};
  half_headers.send("GET /tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bea");
  raw_client half_body{port};
  half_body.send("POST /tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + hems.admin_token() +
                 "\r\nContent-Length: 1000\r\n\r\n{\"role\":");
  BOOST_REQUIRE(silent.connected && half_headers.connected && half_body.connected);
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    BOOST_TEST(http_get(port, "/tokens").status == 200);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 1s));
  }
  // With one-second timeouts the server hangs up on them (408), well before 10 s.
  for (auto* slow : {&half_headers, &half_body}) {
    auto start = std::chrono::steady_clock::now();
    auto answer = slow->read_until_closed(10s);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 8s));
    BOOST_TEST_MESSAGE("cut off with: " << answer.substr(0, answer.find("\r\n")));
  }
}
