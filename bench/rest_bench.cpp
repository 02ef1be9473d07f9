// REST benchmark (issue 7): GET /usage (real time) with a valid resident
// token, under wrk with 64 connections, through the whole server: Pistache,
// the authorization layer (token verification, rate limit, scope check), the
// live view from the actors, the JSON answer. Next to it, measured in the
// same run on the same machine, a bare Pistache handler that answers the
// same bytes from memory: the ceiling of the HTTP stack. Then both over TLS.
//
//   build/release/bench/rest_bench [--seconds S] [--connections C] [--wrk-threads T]
//                                  [--devices D] [--http-threads N] [--no-tls]
//
// Both servers get the same number of Pistache threads; wrk runs on the same
// cores (2 on the CI machine), as a client on the same host would.

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <pistache/endpoint.h>
#include <pistache/router.h>
#include <zmq.hpp>

#include "app/cli_options.hpp"
#include "app/server.hpp"
#include "bench/bench_server.hpp"
#include "bench/bench_util.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_certificate.hpp"

using namespace hems;
using namespace hems::bench;

namespace {

struct wrk_result {
  double requests_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::size_t errors = 0;
};

// The number after `label` in wrk's output (0 if absent), and its unit.
std::pair<double, std::string> after_label(const std::string& out, const std::string& label) {
  auto at = out.find(label);
  if (at == std::string::npos)
    return {0, ""};
  const char* start = out.c_str() + at + label.size();
  char* end = nullptr;
  double v = std::strtod(start, &end);
  std::string unit;
  while (end && std::isalpha(static_cast<unsigned char>(*end)))
    unit.push_back(*end++);
  return {v, unit};
}

double latency_ms(const std::string& out, const std::string& label) {
  auto [v, unit] = after_label(out, label);
  return unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v;
}

// Runs wrk and reads its summary (--latency prints the percentiles).
wrk_result run_wrk(const std::string& url, const std::string& token, int seconds, int connections,
                   int threads) {
  std::string command =
      "wrk --latency -t" + std::to_string(threads) + " -c" + std::to_string(connections) + " -d" +
      std::to_string(seconds) + "s" + " -H 'Connection: keep-alive'" +
      (token.empty() ? "" : " -H 'Authorization: Bearer " + token + "'") + " '" + url + "' 2>&1";
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p))
      out.append(buf, n);
    ::pclose(p);
  }
  wrk_result r;
  r.requests_per_s = after_label(out, "Requests/sec:").first;
  r.p50_ms = latency_ms(out, "\n     50%");
  r.p99_ms = latency_ms(out, "\n     99%");
  r.errors = static_cast<std::size_t>(after_label(out, "Non-2xx or 3xx responses:").first);
  if (auto at = out.find("Socket errors:"); at != std::string::npos)
    for (auto kind : {"connect ", "read ", "write ", "timeout "})
      r.errors += static_cast<std::size_t>(after_label(out.substr(at), kind).first);
  if (r.requests_per_s == 0)
    std::cerr << "wrk said:\n" << out << '\n';
  return r;
}

// The peer: Pistache with one route answering fixed bytes, nothing else.
class bare_pistache {
public:
  bare_pistache(std::string body, int threads, const test::test_certificate* tls)
      : body_(std::move(body)), endpoint_(std::make_shared<Pistache::Http::Endpoint>(
                                    Pistache::Address{"127.0.0.1", Pistache::Port{0}})) {
    using namespace Pistache;
    Rest::Routes::Get(router_, "/usage", [this](const Rest::Request&, Http::ResponseWriter w) {
      w.headers().add<Http::Header::ContentType>(MIME(Application, Json));
      w.send(Http::Code::Ok, body_);
      return Rest::Route::Result::Ok;
    });
    endpoint_->init(Http::Endpoint::options().threads(threads).flags(Tcp::Options::ReuseAddr |
                                                                     Tcp::Options::NoDelay));
    if (tls)
      endpoint_->useSSL(tls->certificate.string(), tls->private_key.string());
    endpoint_->setHandler(router_.handler());
    endpoint_->serveThreaded();
  }
  ~bare_pistache() { endpoint_->shutdown(); }
  std::uint16_t port() const { return static_cast<std::uint16_t>(endpoint_->getPort()); }

private:
  std::string body_;
  std::shared_ptr<Pistache::Http::Endpoint> endpoint_;
  Pistache::Rest::Router router_;
};

struct hems_under_test {
  std::unique_ptr<app::server> server;
  std::string resident_token;
  std::string usage_body;
};

hems_under_test start_hems(const std::filesystem::path& dir, std::size_t devices, int http_threads,
                           const test::test_certificate* tls) {
  auto config = bench::loopback_server_config(dir);
  config.http_threads = http_threads;
  // The limiter runs on every request, with a limit no benchmark reaches.
  config.per_token_limit = {.per_second = 1e9, .burst = 1e9};
  if (tls)
    config.tls = api::tls_files{tls->certificate.string(), tls->private_key.string()};
  auto srv = app::server::start(config);
  if (!srv) {
    std::cerr << "cannot start hems: " << srv.error().detail << '\n';
    std::exit(1);
  }
  hems_under_test h{std::move(*srv), "", ""};
  auto port = h.server->http_port();
  std::ifstream token_file{dir / "admin.token"};
  std::string admin;
  std::getline(token_file, admin);
  test::remember_server(port, {admin, tls ? tls->certificate.string() : ""});
  // One home with `devices` devices, live.
  zmq::context_t ctx{1};
  zmq::socket_t push{ctx, zmq::socket_type::push};
  push.set(zmq::sockopt::linger, 2000);
  push.connect(h.server->telemetry_endpoint());
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string frame = "[";
  for (std::size_t d = 0; d < devices; ++d)
    frame += (d ? "," : "") + std::string{R"({"home":"h-bench","device":"dev-)"} +
             std::to_string(d) + R"(","ts":)" + std::to_string(now) + R"(,"power_w":)" +
             std::to_string(100 + d) + R"(,"kind":"plug","state":"on"})";
  push.send(zmq::buffer(frame + "]"), zmq::send_flags::none);
  for (int i = 0; i < 2000; ++i) {
    auto r = test::http_get(port, "/usage?home=h-bench");
    if (r.status == 200 && r.body.find("dev-" + std::to_string(devices - 1)) != std::string::npos) {
      h.usage_body = r.body;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto issued = test::http_request(port, "POST", "/tokens",
                                   R"({"role":"resident","homes":["h-bench"],"label":"bench"})");
  auto at = issued.body.find("\"token\":\"");
  if (h.usage_body.empty() || issued.status != 201 || at == std::string::npos) {
    std::cerr << "hems did not get ready for the benchmark\n";
    std::exit(1);
  }
  h.resident_token = issued.body.substr(at + 9, issued.body.find('"', at + 9) - at - 9);
  return h;
}

void report(const char* what, const wrk_result& r, const wrk_result* peer) {
  std::printf("  %-44s %9s req/s  p50 %6.2f ms  p99 %6.2f ms", what,
              with_commas(r.requests_per_s).c_str(), r.p50_ms, r.p99_ms);
  if (peer && peer->requests_per_s > 0)
    std::printf("  = %.2f x bare", r.requests_per_s / peer->requests_per_s);
  if (r.errors)
    std::printf("  (%zu errors)", r.errors);
  std::printf("\n");
}

} // namespace

int main(int argc, char** argv) {
  auto opts = app::cli_options::parse(
      std::vector<std::string>(argv + 1, argv + argc),
      {"seconds", "connections", "wrk-threads", "devices", "http-threads"}, {"no-tls"});
  if (!opts) {
    std::cerr << opts.error().detail << '\n';
    return 2;
  }
  int seconds = static_cast<int>(*opts->integer("seconds", 10, 1, 3600));
  int connections = static_cast<int>(*opts->integer("connections", 64, 1, 10'000));
  int wrk_threads = static_cast<int>(*opts->integer("wrk-threads", 2, 1, 64));
  auto devices = static_cast<std::size_t>(*opts->integer("devices", 10, 1, 1000));
  int http_threads = static_cast<int>(*opts->integer("http-threads", 2, 1, 64));
  auto root =
      std::filesystem::temp_directory_path() / ("hems-rest-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);

  std::printf("REST benchmark: GET /usage (real time, %zu devices) with a resident token, wrk "
              "%d threads x %d connections, %d s each, %d Pistache threads, %u cores\n",
              devices, wrk_threads, connections, seconds, http_threads,
              std::thread::hardware_concurrency());
  bool ok = true;
  for (bool tls : {false, true}) {
    if (tls && opts->has("no-tls"))
      break;
    std::optional<test::test_certificate> cert;
    if (tls)
      cert = test::make_test_certificate(root);
    auto scheme = tls ? std::string{"https"} : std::string{"http"};
    auto hems = start_hems(root / (tls ? "hems-tls" : "hems"), devices, http_threads,
                           cert ? &*cert : nullptr);
    wrk_result bare;
    {
      bare_pistache peer{hems.usage_body, http_threads, cert ? &*cert : nullptr};
      bare = run_wrk(scheme + "://127.0.0.1:" + std::to_string(peer.port()) + "/usage", "", seconds,
                     connections, wrk_threads);
    }
    auto url = scheme + "://127.0.0.1:" + std::to_string(hems.server->http_port()) + "/usage";
    auto full =
        run_wrk(url + "?home=h-bench", hems.resident_token, seconds, connections, wrk_threads);
    auto implied = run_wrk(url, hems.resident_token, seconds, connections, wrk_threads);
    std::printf("%s\n", tls ? "TLS (ECDHE P-256, keep-alive):" : "plain HTTP (keep-alive):");
    report("bare Pistache, same bytes from memory (peer)", bare, nullptr);
    report("hems GET /usage?home=H, resident token", full, &bare);
    report("hems GET /usage (home implied by the token)", implied, &bare);
    if (!tls)
      std::printf("  goal: >= 20,000 req/s with p99 < 10 ms: %s\n",
                  full.requests_per_s >= 20'000 && full.p99_ms < 10 ? "met" : "MISSED");
    ok = ok && full.requests_per_s > 0 && full.errors == 0 && implied.errors == 0;
    test::forget_server(hems.server->http_port());
    hems.server->stop();
  }
  std::filesystem::remove_all(root);
  return ok ? 0 : 1;
}
