// History read benchmark (issue 4): one home's year of 15-minute windows and
// a month of 1-minute windows read over REST (GET /usage, the real server,
// real HTTP on loopback, a resident's request as any client sends it), one
// request at a time: p50 and p99. Next to it, measured in the same run on the
// same data: a raw RocksDB scan of the same keys (the floor: one seek and a
// forward scan, values untouched), the store's read_windows (decoded rows),
// and the JSON answer rendered in memory (read + history_json), so the HTTP
// and JSON share of the time is visible; then the same answer from the day
// cache in memory (api/usage_render.hpp: closed days rendered once).
// Over HTTP: the default format (objects) and format=columns, each after one
// warming request (whose time, the cold read, is printed on its own).
//
//   build/release/bench/history_read_bench [--requests N]
//
// The windows are written straight into the store before the server starts
// (a year of the aggregator's work would take minutes to replay).

#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <rocksdb/db.h>

#include "api/history_json.hpp"
#include "api/usage_render.hpp"
#include "app/cli_options.hpp"
#include "app/server.hpp"
#include "bench/bench_server.hpp"
#include "bench/bench_util.hpp"
#include "storage/store.hpp"
#include "storage/window_records.hpp"
#include "tests/support/http_client.hpp"

using namespace hems;
using namespace hems::bench;

namespace {

constexpr millis minute = 60'000;
constexpr millis day = 1440 * minute;
const std::string home = "h-bench";

struct latencies {
  std::vector<double> ms;
  double p(double q) {
    if (ms.empty())
      return 0;
    std::sort(ms.begin(), ms.end());
    auto rank = static_cast<std::size_t>(q * static_cast<double>(ms.size() - 1) + 0.5);
    return ms[rank];
  }
};

template <class F> latencies time_each(int n, F&& f) {
  latencies out;
  for (int i = 0; i < n; ++i) {
    auto start = std::chrono::steady_clock::now();
    f();
    out.ms.push_back(seconds_since(start) * 1000);
  }
  return out;
}

// A home series' windows of one resolution over [from, to), like a home with
// a few appliances: energy and powers vary, every window covered.
std::vector<streams::usage_window> windows(streams::resolution r, millis from, millis to,
                                           std::mt19937& rng) {
  std::vector<streams::usage_window> out;
  auto length = streams::nominal_length(r);
  std::uniform_real_distribution<double> power{150, 3500};
  for (millis t = from; t < to; t += length) {
    streams::usage_window w;
    w.series = std::string{streams::home_series};
    w.res = r;
    w.start = t;
    w.end = t + length;
    double p = power(rng);
    w.stats.energy_wh = p * static_cast<double>(length) / 3'600'000.0;
    w.stats.max_power_w = p * 1.37;
    w.stats.samples = static_cast<std::uint32_t>(length / 10'000);
    w.stats.covered_ms = length;
    out.push_back(std::move(w));
  }
  return out;
}

// The ceiling for serving: a plain blocking socket that answers every
// connection with the same prepared HTTP response (the same bytes hems sent),
// read by the same client. What is left above it is hems's own.
class plain_server {
public:
  explicit plain_server(std::string body) {
    response_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body;
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread{[this] { serve(); }};
  }
  ~plain_server() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

private:
  void serve() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0)
        return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0)
          break;
        req.append(buf, static_cast<std::size_t>(n));
      }
      for (std::size_t sent = 0; sent < response_.size();) {
        auto n = ::send(c, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
          break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(c);
    }
  }
  std::string response_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

struct scenario {
  const char* name;
  streams::resolution res;
  millis from, to;
  double goal_ms;
};

} // namespace

int main(int argc, char** argv) {
  auto opts = app::cli_options::parse(std::vector<std::string>(argv + 1, argv + argc),
                                      {"requests"}, {});
  if (!opts) {
    std::cerr << opts.error().detail << '\n';
    return 2;
  }
  int requests = static_cast<int>(*opts->integer("requests", 200, 1, 1'000'000));
  auto root =
      std::filesystem::temp_directory_path() / ("hems-history-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);

  millis now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  millis to = now / day * day;
  std::vector<scenario> scenarios{
      {"a year of 15-minute windows", streams::resolution::m15, to - 365 * day, to, 5},
      {"a month of 1-minute windows", streams::resolution::m1, to - 30 * day, to, 20},
  };
  {
    auto db = storage::open_rocksdb_store({.dir = root});
    if (!db) {
      std::cerr << db.error().detail << '\n';
      return 1;
    }
    std::mt19937 rng{7};
    for (const auto& s : scenarios) {
      auto ws = windows(s.res, s.from, s.to, rng);
      for (std::size_t i = 0; i < ws.size(); i += 10'000) {
        std::vector<streams::usage_window> part(ws.begin() + static_cast<long>(i),
                                                ws.begin() + static_cast<long>(std::min(ws.size(), i + 10'000)));
        if (!(*db)->history()->commit_windows(home, part, {to, to})) {
          std::cerr << "cannot write windows\n";
          return 1;
        }
      }
    }
    (void)(*db)->history()->compact_all();
  }

  // The peers, on the same files (before the server holds the lock).
  std::vector<std::pair<latencies, latencies>> peers; // raw scan, store read
  std::vector<latencies> rendered, cached;
  std::vector<std::size_t> counts;
  {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    std::vector<std::string> names;
    rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions{}, root.string(), &names);
    for (const auto& n : names)
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions{});
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    if (!rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions{}, root.string(), cfs, &handles, &raw)
             .ok()) {
      std::cerr << "cannot open the store read-only\n";
      return 1;
    }
    rocksdb::ColumnFamilyHandle* windows_cf = nullptr;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == "windows")
        windows_cf = handles[i];
    for (const auto& s : scenarios) {
      std::size_t n = 0, bytes = 0;
      auto scan = time_each(requests, [&] {
        std::string end = storage::window_key(home, streams::home_series, s.res, s.to);
        rocksdb::Slice upper{end};
        rocksdb::ReadOptions ro;
        ro.iterate_upper_bound = &upper;
        std::unique_ptr<rocksdb::Iterator> it{raw->NewIterator(ro, windows_cf)};
        n = 0;
        for (it->Seek(storage::window_key(home, streams::home_series, s.res, s.from)); it->Valid();
             it->Next()) {
          bytes += it->value().size();
          ++n;
        }
      });
      counts.push_back(n);
      peers.push_back({scan, {}});
    }
    for (auto* h : handles)
      raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  {
    auto db = storage::open_rocksdb_store({.dir = root});
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      const auto& s = scenarios[i];
      storage::window_query q{home, std::string{streams::home_series}, s.res, s.from, s.to};
      peers[i].second = time_each(requests, [&] { (void)(*db)->history()->read_windows(q); });
      rendered.push_back(time_each(requests, [&] {
        auto rows = (*db)->history()->read_windows(q);
        json_writer w;
        api::windows_json(w, *rows);
        (void)w.take();
      }));
      api::usage_day_cache cache{256u << 20};
      api::series_request sq;
      sq.home = home;
      sq.series = streams::home_series;
      sq.res = s.res;
      sq.from = s.from;
      sq.to = s.to;
      sq.closed_until = s.to;
      auto render_cached = [&] {
        auto got = api::render_series(*(*db)->history(), &cache, sq);
        json_writer w;
        api::write_series(w, *got, sq.format);
        (void)w.take();
      };
      render_cached(); // the first fills the cache
      cached.push_back(time_each(requests, render_cached));
    }
  }

  auto config = loopback_server_config(root);
  config.per_token_limit = {.per_second = 1e9, .burst = 1e9};
  auto srv = app::server::start(config);
  if (!srv) {
    std::cerr << "cannot start hems: " << srv.error().detail << '\n';
    return 1;
  }
  auto port = (*srv)->http_port();
  std::ifstream token_file{root / "admin.token"};
  std::string admin;
  std::getline(token_file, admin);
  test::remember_server(port, {admin, ""});
  auto issued = test::http_request(port, "POST", "/tokens",
                                   R"({"role":"resident","homes":["h-bench"],"label":"bench"})");
  auto at = issued.body.find("\"token\":\"");
  if (issued.status != 201 || at == std::string::npos) {
    std::cerr << "cannot issue a resident token: " << issued.body << '\n';
    return 1;
  }
  auto resident = issued.body.substr(at + 9, issued.body.find('"', at + 9) - at - 9);

  std::printf("History read benchmark: GET /usage over loopback HTTP, %d requests each, one at a "
              "time, %u cores\n",
              requests, std::thread::hardware_concurrency());
  bool ok = true;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const auto& s = scenarios[i];
    auto target = "/usage?home=" + home + "&resolution=" + std::string{streams::to_string(s.res)} +
                  "&from=" + std::to_string(s.from) + "&to=" + std::to_string(s.to);
    std::printf("%s (%zu windows):\n", s.name, counts[i]);
    std::printf("  raw RocksDB scan of the same keys (peer)   p50 %7.2f ms  p99 %7.2f ms\n",
                peers[i].first.p(0.5), peers[i].first.p(0.99));
    std::printf("  store read_windows (decoded rows)          p50 %7.2f ms  p99 %7.2f ms\n",
                peers[i].second.p(0.5), peers[i].second.p(0.99));
    std::printf("  read + JSON rendered in memory             p50 %7.2f ms  p99 %7.2f ms\n",
                rendered[i].p(0.5), rendered[i].p(0.99));
    std::printf("  JSON from the day cache in memory          p50 %7.2f ms  p99 %7.2f ms\n",
                cached[i].p(0.5), cached[i].p(0.99));
    for (std::string format : {"objects", "columns"}) {
      auto url = target + (format == "columns" ? "&format=columns" : "");
      std::size_t body_bytes = 0;
      auto get = [&] {
        auto r = test::http_get_as(port, resident, url);
        if (r.status != 200) {
          std::cerr << "GET " << url << ": " << r.status << ' ' << r.body.substr(0, 200) << '\n';
          ok = false;
        }
        body_bytes = r.body.size();
      };
      auto cold = time_each(1, get);
      std::string body;
      {
        auto r = test::http_get_as(port, resident, url);
        body = std::move(r.body);
      }
      auto rest = time_each(requests, get);
      double p99 = rest.p(0.99);
      {
        plain_server plain{body};
        auto wire = time_each(requests, [&] { (void)test::http_get_as(plain.port(), "", "/"); });
        std::printf("  the same %.2f MB from a plain socket (ceiling) p50 %7.2f ms  p99 %7.2f ms\n",
                    static_cast<double>(body.size()) / 1e6, wire.p(0.5), wire.p(0.99));
      }
      std::printf("  GET /usage format=%s (%.2f MB): first (cold) %.2f ms, then p50 %7.2f ms  "
                  "p99 %7.2f ms  (goal p99 < %.0f ms: %s)\n",
                  format.c_str(), static_cast<double>(body_bytes) / 1e6, cold.p(0.5), rest.p(0.5),
                  p99, s.goal_ms, p99 < s.goal_ms ? "met" : "MISSED");
    }
  }
  test::forget_server(port);
  (*srv)->stop();
  std::filesystem::remove_all(root);
  return ok ? 0 : 1;
}
