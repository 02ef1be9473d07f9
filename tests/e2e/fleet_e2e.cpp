#define BOOST_TEST_MODULE fleet_e2e
#include <boost/test/unit_test.hpp>

// End to end with the real binary: three homes push samples over ZeroMQ, an
// operator groups two of them, the fleet's usage sums their stored windows,
// a demand-response event sent to the group advances on the server's clock
// (published on the feed, notified to residents), a home opts out, and the
// event is cancelled.

#include <chrono>
#include <set>

#include <simdjson.h>
#include <zmq.hpp>

#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems::test;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t minute = 60'000;
constexpr std::int64_t hour = 60 * minute;
constexpr std::int64_t day = 24 * hour;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string sample_json(const std::string& home, std::int64_t ts, double power) {
  return R"({"home":")" + home + R"(","device":"plug","ts":)" + std::to_string(ts) +
         R"(,"power_w":)" + std::to_string(power) + R"(,"seq":)" + std::to_string(ts) +
         R"(,"kind":"plug"})";
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
  return p.parse(body).value();
}

std::string state_of(std::uint16_t port, const std::string& id) {
  auto r = http_get(port, "/dr/events/" + id);
  if (r.status != 200)
    return "";
  simdjson::dom::parser p;
  return std::string{parse(p, r.body)["event"]["state"].get_string().value()};
}

} // namespace

BOOST_AUTO_TEST_CASE(groups_usage_and_a_demand_response_event) {
  temp_dir dir;
  hems_process hems{dir.path() / "data", {"--window-idle-close", "1", "--rate-limit", "0"}};
  auto port = hems.http_port();

  // Two hours of yesterday, one sample a minute: 600, 1200 and 1800 W.
  const std::int64_t d0 = now_ms() / day * day - day + 10 * hour;
  {
    zmq::context_t ctx{1};
    zmq::socket_t push{ctx, zmq::socket_type::push};
    push.set(zmq::sockopt::linger, 5000);
    push.connect(hems.telemetry_endpoint());
    std::string frame = "[";
    bool first = true;
    for (std::int64_t t = d0; t <= d0 + 2 * hour; t += minute)
      for (auto [home, w] : {std::pair{"f1", 600.0}, {"f2", 1200.0}, {"f3", 1800.0}}) {
        frame += (first ? "" : ",") + sample_json(home, t, w);
        first = false;
      }
    frame += "]";
    push.send(zmq::buffer(frame), zmq::send_flags::none);
  }
  auto hours = [&](const std::string& extra) {
    return http_get(port, "/fleet/usage?resolution=1h&from=" + std::to_string(d0) +
                            "&to=" + std::to_string(d0 + 2 * hour) + extra);
  };
  // Windows close once the homes are idle: wait until both hours are summed.
  BOOST_REQUIRE(eventually(
    [&] {
      auto r = hours("");
      if (r.status != 200)
        return false;
      simdjson::dom::parser p;
      auto doc = parse(p, r.body);
      auto windows = doc["windows"].get_array().value();
      return windows.size() == 2 && windows.at(1)["homes"].get_int64().value() == 3;
    },
    60s));

  auto put = http_request(port, "PUT", "/fleet/groups/feeder-1",
                          R"({"kind":"feeder","members":["f1","f2"],"limit_kw":5})");
  BOOST_REQUIRE_EQUAL(put.status, 201);
  BOOST_TEST(http_request(port, "PUT", "/fleet/groups/feeder-1", R"({"kind":"pole"})").status ==
             400);

  {
    simdjson::dom::parser p;
    auto all = parse(p, hours("").body);
    BOOST_TEST(all["homes_answered"].get_int64().value() == 3);
    BOOST_TEST(all["windows"].at(0)["energy_wh"].get_double().value() == 3600.0);
    simdjson::dom::parser q;
    auto feeder = parse(q, hours("&group=feeder-1").body);
    BOOST_TEST(feeder["group"].get_string().value() == "feeder-1");
    BOOST_TEST(feeder["homes"].get_int64().value() == 2);
    BOOST_TEST(feeder["windows"].at(0)["energy_wh"].get_double().value() == 1800.0);
    BOOST_TEST(feeder["windows"].at(1)["avg_power_w"].get_double().value() == 1800.0);
    BOOST_TEST(feeder["windows"].at(0)["max_home_power_w"].get_double().value() == 1200.0);
  }
  {
    auto r = http_get(port, "/fleet/homes");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    simdjson::dom::parser p;
    auto homes = parse(p, r.body)["homes"].get_array().value();
    BOOST_REQUIRE_EQUAL(homes.size(), 3u);
    BOOST_TEST(homes.at(0)["home"].get_string().value() == "f1");
    BOOST_TEST(homes.at(0)["groups"].at(0).get_string().value() == "feeder-1");
    BOOST_TEST(homes.at(2)["groups"].get_array().value().size() == 0u);
  }

  // The feed publishes the event's states under fleet/dr/.
  zmq::context_t ctx{1};
  zmq::socket_t feed{ctx, zmq::socket_type::sub};
  feed.set(zmq::sockopt::subscribe, "fleet/dr/");
  feed.set(zmq::sockopt::rcvtimeo, 200);
  feed.connect(hems.feed_endpoint()); // subscribed long before the event turns active

  // Starts in 4 s, near 3 s before: far, near, then active on the server's clock.
  auto start = now_ms() + 4000;
  auto created = http_request(port, "POST", "/dr/events",
                              R"({"group":"feeder-1","start":)" + std::to_string(start) +
                                R"(,"duration_min":30,"notification_min":0.05,"level":2})");
  BOOST_REQUIRE_EQUAL(created.status, 201);
  simdjson::dom::parser cp;
  auto event = parse(cp, created.body);
  std::string id{event["id"].get_string().value()};
  BOOST_TEST(event["homes"].get_array().value().size() == 2u);
  BOOST_TEST(http_request(port, "POST", "/dr/events",
                          R"({"homes":["f1"],"start":1,"duration_min":30,"level":2})")
               .status == 400); // in the past

  BOOST_REQUIRE(eventually([&] { return state_of(port, id) == "active"; }, 30s));
  std::set<std::string> published;
  for (int i = 0; i < 20 && !published.count("active"); ++i) {
    zmq::message_t topic, body;
    if (!feed.recv(topic, zmq::recv_flags::none))
      continue;
    (void)feed.recv(body, zmq::recv_flags::none);
    BOOST_TEST(topic.to_string() == "fleet/dr/" + id);
    simdjson::dom::parser p;
    published.insert(std::string{parse(p, body.to_string())["state"].get_string().value()});
  }
  BOOST_TEST(published.count("active") == 1u);

  // Residents were notified; f1 opts out.
  auto notes = http_get(port, "/notifications?home=f1");
  BOOST_TEST(notes.body.find("\"kind\":\"dr_event\"") != std::string::npos, notes.body);
  BOOST_TEST(http_request(port, "POST", "/dr/events/" + id + "/opt_out?home=f1", "").status == 200);
  BOOST_TEST(http_request(port, "POST", "/dr/events/" + id + "/opt_out?home=f3", "").status == 404);
  {
    auto r = http_get(port, "/dr/events/" + id);
    simdjson::dom::parser p;
    auto doc = parse(p, r.body);
    BOOST_TEST(doc["report"]["homes"].at(0)["participating"].get_bool().value() == false);
    BOOST_TEST(doc["report"]["total"]["participating"].get_int64().value() == 1);
  }

  BOOST_TEST(http_request(port, "POST", "/dr/events/" + id + "/cancel", "").status == 200);
  BOOST_TEST(state_of(port, id) == "cancelled");
  BOOST_TEST(http_request(port, "POST", "/dr/events/" + id + "/cancel", "").status == 409);
  BOOST_TEST(http_request(port, "DELETE", "/fleet/groups/feeder-1").status == 200);
  BOOST_TEST(http_get(port, "/fleet/groups/feeder-1").status == 404);
}
