#define BOOST_TEST_MODULE live_path_e2e
#include <boost/test/unit_test.hpp>

// End to end: the real hems binary, real ZeroMQ sockets, real HTTP, real
// RocksDB in a temporary directory.

#include <csignal>
#include <atomic>
#include <chrono>
#include <thread>

#include <simdjson.h>
#include <zmq.hpp>

#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems::test;
using namespace std::chrono_literals;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string sample_json(const std::string& home, const std::string& device, std::int64_t ts,
                        double power, std::int64_t seq = -1) {
  std::string s = R"({"home":")" + home + R"(","device":")" + device +
                  R"(","ts":)" + std::to_string(ts) + R"(,"power_w":)" + std::to_string(power);
  if (seq >= 0)
    s += R"(,"seq":)" + std::to_string(seq);
  return s + R"(,"kind":"plug","state":"on"})";
}

// The value of an unlabelled or labelled series in Prometheus text.
double metric(std::uint16_t port, const std::string& series) {
  auto r = http_get(port, "/metrics");
  auto pos = r.body.find("\n" + series + " ");
  if (pos == std::string::npos)
    return -1;
  return std::stod(r.body.substr(pos + series.size() + 2));
}

struct pusher {
  zmq::context_t ctx{1};
  zmq::socket_t socket{ctx, zmq::socket_type::push};
  explicit pusher(const std::string& endpoint) {
    socket.set(zmq::sockopt::linger, 2000);
    socket.connect(endpoint);
  }
  void send(const std::string& frame) { socket.send(zmq::buffer(frame), zmq::send_flags::none); }
};

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
  return p.parse(body).value();
}

std::vector<std::int64_t> stored_seqs(std::uint16_t port, const std::string& home,
                                      const std::string& device) {
  std::vector<std::int64_t> seqs;
  std::string after;
  simdjson::dom::parser p;
  for (;;) {
    auto target = "/usage?home=" + home + "&device=" + device +
                  "&resolution=raw&from=0&to=4102444799999&limit=10000" +
                  (after.empty() ? "" : "&after=" + after);
    auto r = http_get(port, target);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto doc = parse(p, r.body);
    for (auto s : doc["samples"].get_array())
      seqs.push_back(s["seq"].get_int64().value());
    auto next = doc["next"];
    if (next.is_null())
      break;
    after = std::string{next.get_string().value()};
  }
  return seqs;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_pushed_sample_shows_up_in_devices_and_usage) {
  temp_dir dir;
  hems_process hems{dir.path() / "data"};
  pusher push{hems.telemetry_endpoint()};
  auto t = now_ms();
  auto sent = std::chrono::steady_clock::now();
  push.send("[" + sample_json("h-0001", "dishwasher", t, 1830.5) + "," +
            sample_json("h-0001", "lamp", t, 60) + "]");
  http_response devices;
  BOOST_REQUIRE(eventually([&] {
    devices = http_get(hems.http_port(), "/devices?home=h-0001");
    return devices.status == 200 && devices.body.find("lamp") != std::string::npos;
  }));
  auto visible_after = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - sent);
  BOOST_TEST_MESSAGE("sample visible over REST after " << visible_after.count() << " ms");
  simdjson::dom::parser p;
  auto doc = parse(p, devices.body);
  auto list = doc["devices"].get_array().value();
  BOOST_REQUIRE_EQUAL(list.size(), 2u);
  auto dishwasher = list.at(0).value();
  BOOST_TEST(std::string_view{dishwasher["id"].get_string().value()} == "dishwasher");
  BOOST_TEST(dishwasher["power_w"].get_double().value() == 1830.5);
  BOOST_TEST(dishwasher["online"].get_bool().value());
  BOOST_TEST(std::string_view{dishwasher["state"].get_string().value()} == "on");
  BOOST_TEST(dishwasher["last_seen"].get_int64().value() >= t - 1000);

  auto usage = http_get(hems.http_port(), "/usage?home=h-0001");
  BOOST_REQUIRE_EQUAL(usage.status, 200);
  auto u = parse(p, usage.body);
  BOOST_TEST(u["power_w"].get_double().value() == 1890.5);
  BOOST_TEST(u["devices"].get_array().value().size() == 2u);
  BOOST_TEST(http_get(hems.http_port(), "/usage?home=h-0002").status == 404);
  BOOST_TEST(http_get(hems.http_port(), "/devices").status == 400);
  BOOST_TEST(http_get(hems.http_port(), "/healthz").status == 200);
  BOOST_TEST(http_get(hems.http_port(), "/readyz").status == 200);
}

BOOST_AUTO_TEST_CASE(bad_frames_and_samples_are_counted_and_cost_nothing_else) {
  temp_dir dir;
  hems_process hems{dir.path() / "data"};
  pusher push{hems.telemetry_endpoint()};
  auto t = now_ms();
  push.send("not json at all");
  push.send("\xff\xfe\xfd");
  push.send(std::string(2 << 20, '['));
  push.send(std::string(100, '[') + std::string(100, ']'));
  push.send("[" + sample_json("h", "good", t, 5) + R"(,{"home":"h","device":"bad","ts":1,"power_w":1})" +
            R"(,{"home":"h","device":"bad2","ts":)" + std::to_string(t) + R"(,"power_w":1e999}])");
  // Applied, not just stored: live state follows the durable write.
  BOOST_REQUIRE(eventually([&] { return metric(hems.http_port(), "hems_samples_applied_total") == 1; }));
  BOOST_TEST(metric(hems.http_port(), "hems_samples_stored_total") == 1);
  auto port = hems.http_port();
  BOOST_TEST(metric(port, "hems_telemetry_frames_rejected_total{reason=\"not_json\"}") == 1);
  BOOST_TEST(metric(port, "hems_telemetry_frames_rejected_total{reason=\"not_utf8\"}") == 1);
  BOOST_TEST(metric(port, "hems_telemetry_frames_rejected_total{reason=\"too_large\"}") == 1);
  BOOST_TEST(metric(port, "hems_telemetry_frames_rejected_total{reason=\"too_deep\"}") == 1);
  BOOST_TEST(metric(port, "hems_samples_rejected_total{reason=\"ts\"}") == 1);
  BOOST_TEST(metric(port, "hems_samples_rejected_total{reason=\"power_w\"}") == 1);
  auto devices = http_get(port, "/devices?home=h");
  BOOST_TEST(devices.body.find("\"good\"") != std::string::npos);
  BOOST_TEST(devices.body.find("bad") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(devices_and_energy_today_survive_a_restart) {
  temp_dir dir;
  auto t = now_ms();
  std::string before;
  {
    hems_process hems{dir.path() / "data"};
    pusher push{hems.telemetry_endpoint()};
    push.send("[" + sample_json("h", "heater", t - 120'000, 1200, 1) + "," +
              sample_json("h", "heater", t - 60'000, 600, 2) + "]");
    BOOST_REQUIRE(eventually([&] {
      // Applied, not just stored: live state follows the durable write.
      return metric(hems.http_port(), "hems_samples_applied_total") == 2;
    }));
    before = http_get(hems.http_port(), "/devices?home=h").body;
    BOOST_TEST(hems.stop(SIGTERM) == 0);
  }
  hems_process hems{dir.path() / "data"};
  auto after = http_get(hems.http_port(), "/devices?home=h");
  BOOST_REQUIRE_EQUAL(after.status, 200);
  simdjson::dom::parser p1, p2;
  auto a = parse(p1, before)["devices"].at(0).value();
  auto b = parse(p2, after.body)["devices"].at(0).value();
  BOOST_TEST(b["last_ts"].get_int64().value() == a["last_ts"].get_int64().value());
  BOOST_TEST(b["kind"].get_string().value() == a["kind"].get_string().value());
  // 1200 W for a minute, then 600 W held (at most five minutes, up to now)
  BOOST_TEST(b["energy_today_wh"].get_double().value() >= 20.0 - 1e-9);
}

BOOST_AUTO_TEST_CASE(sigkill_mid_ingest_loses_nothing_that_was_stored) {
  temp_dir dir;
  constexpr int total = 200'000;
  constexpr int per_frame = 100;
  auto base = now_ms() - total;
  double stored_before_kill = 0;
  {
    hems_process hems{dir.path() / "data"};
    std::atomic<bool> stop{false};
    std::thread sender{[&, endpoint = hems.telemetry_endpoint()] {
      zmq::context_t ctx{1};
      zmq::socket_t s{ctx, zmq::socket_type::push};
      s.set(zmq::sockopt::linger, 0);
      s.connect(endpoint);
      for (int i = 0; i < total && !stop; i += per_frame) {
        std::string frame = "[";
        for (int k = i; k < i + per_frame; ++k)
          frame += (k > i ? "," : "") + sample_json("h-kill", "meter", base + k, k % 3000, k);
        frame += "]";
        while (!stop && !s.send(zmq::buffer(frame), zmq::send_flags::dontwait))
          std::this_thread::sleep_for(1ms);
      }
    }};
    BOOST_REQUIRE(eventually([&] {
      stored_before_kill = metric(hems.http_port(), "hems_samples_stored_total");
      return stored_before_kill >= 20'000;
    }));
    hems.kill_hard(); // mid-ingest: the sender is still sending
    stop = true;
    sender.join();
  }
  hems_process hems{dir.path() / "data"};
  auto seqs = stored_seqs(hems.http_port(), "h-kill", "meter");
  BOOST_TEST_MESSAGE("stored before kill (observed): " << stored_before_kill
                                                       << ", found after restart: " << seqs.size());
  BOOST_TEST(static_cast<double>(seqs.size()) >= stored_before_kill);
  // Exactly the samples 0..n-1, each once: nothing lost in between, nothing doubled.
  bool contiguous = true;
  for (std::size_t i = 0; i < seqs.size(); ++i)
    contiguous = contiguous && seqs[i] == static_cast<std::int64_t>(i);
  BOOST_TEST(contiguous);
  BOOST_TEST(http_get(hems.http_port(), "/devices?home=h-kill").status == 200);
}

#include "tests/support/openapi_check.hpp"

BOOST_AUTO_TEST_CASE(every_answer_matches_the_served_openapi_document) {
  temp_dir dir;
  hems_process hems{dir.path() / "data"};
  auto doc = http_get(hems.http_port(), "/openapi.json");
  BOOST_REQUIRE_EQUAL(doc.status, 200);
  openapi_checker api{doc.body};
  pusher push{hems.telemetry_endpoint()};
  auto t = now_ms();
  push.send("[" + sample_json("h", "meter", t, 900, 1) + "," + sample_json("h", "tv", t, 90) +
            R"(,{"home":"h","device":"ev","ts":)" + std::to_string(t) +
            R"(,"power_w":7400,"soc_pct":40,"kind":"ev_charger"}])");
  BOOST_REQUIRE(eventually([&] { return metric(hems.http_port(), "hems_samples_applied_total") == 3; }));
  struct call {
    std::string path;
    std::string query;
    int status;
  };
  auto to = std::to_string(t + 1);
  for (const auto& c : std::vector<call>{
         {"/devices", "?home=h", 200},
         {"/devices", "?home=unknown", 404},
         {"/devices", "", 400},
         {"/devices", "?home=h&colour=red", 400},
         {"/usage", "?home=h", 200},
         {"/usage", "?home=h&device=tv", 200},
         {"/usage", "?home=h&device=meter&resolution=raw&from=0&to=" + to, 200},
         {"/usage", "?home=h&device=meter&resolution=raw&from=0&to=" + to + "&limit=0", 400},
         {"/usage", "?home=h&device=meter&resolution=raw&from=0&to=" + to + "&after=x", 400},
         {"/usage", "?home=h&resolution=weekly", 400},
         {"/usage", "?home=h&from=0&to=1", 400},
         {"/healthz", "", 200},
         {"/readyz", "", 200},
         {"/openapi.json", "", 200},
       }) {
    BOOST_TEST_CONTEXT(c.path << c.query) {
      BOOST_TEST(api.documents(c.path, "get"));
      auto r = http_get(hems.http_port(), c.path + c.query);
      BOOST_TEST(r.status == c.status);
      BOOST_TEST(r.headers["content-type"].starts_with("application/json"));
      BOOST_TEST(api.check_response(c.path, "get", r.status, r.body) == "");
    }
  }
  BOOST_TEST(http_get(hems.http_port(), "/metrics").headers["content-type"].starts_with("text/plain"));
  auto missing = http_get(hems.http_port(), "/no/such/thing");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.body.find("\"error\":\"not_found\"") != std::string::npos);
}
