#define BOOST_TEST_MODULE automation_e2e
#include <boost/test/unit_test.hpp>

// Automation against the real hems binary and a hub (the hub client library
// with a few obedient devices): a home whose presence sensor goes quiet has
// its lights and plugs switched off by away_off within the configured
// minutes and their telemetry then shows zero; the fridge is never switched
// off by any path (schedule 409, REST command 409, away_off skips it).
//
// A home with only peak hours is watched from its samples: a minute above
// its import cap in peak hours gives one peak_warning.
//
// The `run` lands-in-the-cheapest-window test is tests/e2e/run_window_e2e.

#include <map>
#include <thread>

#include <simdjson.h>
#include <zmq.hpp>

#include "adapters/hub_client.hpp"
#include "core/json_writer.hpp"
#include "core/sample_json.hpp"
#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/obedient_home.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(an_empty_home_switches_its_lights_off_but_never_the_fridge) {
  temp_dir dir;
  hems_process server{dir.path() / "data", {"--rate-limit", "0"}};
  auto port = server.http_port();
  zmq::context_t ctx{1};
  system_clock time;
  simulated_home devices;
  devices.home = "h-away";
  devices.devices = {
      {"hall-light", {device_kind::light, device_state::on, 40, {}}},
      {"tv-plug", {device_kind::plug, device_state::on, 80, {}}},
      {"kitchen-fridge", {device_kind::plug, device_state::on, 90, {}}},
      {"heat-pump", {device_kind::hvac, device_state::on, 900, {}}},
      {"pir-hall", {device_kind::presence, device_state::unknown, 0, true}},
  };
  // Like a real hub: every device's state once a second.
  obedient_hub hub{ctx, server.hub_endpoint(), "hub-away", std::move(devices), time};
  auto& home = hub.home;
  auto tick = [&] { hub.tick(); };
  BOOST_REQUIRE(eventually([&] {
    tick();
    return device_power(port, "h-away", "kitchen-fridge") == 90;
  }));

  auto post = [&](const std::string& path, const std::string& body) {
    return http_request(port, "POST", path, body);
  };
  // The fridge: no schedule may switch it off, nor a resident's command.
  auto refused = post(
      "/schedule", R"({"home":"h-away","device":"kitchen-fridge","type":"off","start":"03:00"})");
  BOOST_TEST(refused.status == 409);
  BOOST_TEST(refused.body.find("\"error\":\"safety\"") != std::string::npos);
  BOOST_TEST(refused.body.find("essential") != std::string::npos);
  BOOST_TEST(
      post("/commands", R"({"home":"h-away","device":"kitchen-fridge","action":"off"})").status ==
      409);
  BOOST_TEST(post("/schedule", R"({"home":"h-away","device":"ghost","type":"on","start":"03:00"})")
                 .status == 404);
  BOOST_TEST(post("/schedule", R"({"home":"h-nowhere","type":"away_off","params":{"minutes":1}})")
                 .status == 404);
  auto bad = post("/schedule", R"({"home":"h-away","type":"away_off","params":{"minutes":0}})");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.body.find("params.minutes") != std::string::npos);

  auto created = post("/schedule", R"({"home":"h-away","type":"away_off","params":{"minutes":1}})");
  BOOST_REQUIRE_EQUAL(created.status, 201);
  simdjson::dom::parser parser;
  std::string id{parser.parse(created.body)["id"].get_string().value()};
  BOOST_TEST(id.starts_with("sch-"));
  auto listed = http_get(port, "/schedule?home=h-away");
  BOOST_TEST(listed.status == 200);
  BOOST_TEST(listed.body.find(id) != std::string::npos);

  // Nobody home from now on.
  for (int i = 0; i < 3; ++i)
    tick();
  home.devices["pir-hall"].occupied = false;
  auto emptied = std::chrono::steady_clock::now();
  BOOST_REQUIRE(eventually(
      [&] {
        tick();
        return has_command(home, "hall-light", command_action::off) &&
               has_command(home, "tv-plug", command_action::off);
      },
      150s));
  auto took = std::chrono::steady_clock::now() - emptied;
  BOOST_TEST_MESSAGE("lights off after "
                     << std::chrono::duration_cast<std::chrono::seconds>(took).count() << " s");
  BOOST_TEST(took >= 55s);  // not before the home was empty for a minute (sample times)
  BOOST_TEST(took <= 100s); // and soon after
  // Their telemetry shows it.
  BOOST_REQUIRE(eventually([&] {
    tick();
    return device_power(port, "h-away", "hall-light") == 0 &&
           device_power(port, "h-away", "tv-plug") == 0;
  }));
  BOOST_TEST(device_power(port, "h-away", "kitchen-fridge") == 90);
  BOOST_TEST(device_power(port, "h-away", "heat-pump") == 900); // not a light or plug
  for (const auto& c : home.received)
    BOOST_TEST(c.device != "kitchen-fridge");

  // Stored notifications say what automation did; the commands' outcomes are kept.
  BOOST_REQUIRE(eventually([&] {
    tick();
    auto n = http_get(port, "/notifications?home=h-away&from=0");
    auto c = http_get(port, "/commands?home=h-away");
    return n.body.find("\"kind\":\"automation\"") != std::string::npos &&
           c.body.find("\"source\":\"schedule:" + id + "\"") != std::string::npos &&
           c.body.find("\"status\":\"done\"") != std::string::npos;
  }));

  auto del = http_request(port, "DELETE", "/schedule/" + id);
  BOOST_TEST(del.status == 204);
  BOOST_TEST(http_request(port, "DELETE", "/schedule/" + id).status == 404);
  BOOST_TEST(http_get(port, "/schedule?home=h-away").body.find(id) == std::string::npos);
}

// High use in peak hours: a home with peak hours (and no schedule) is watched
// from its live samples, and a minute above its import cap gives one stored
// peak_warning with its evidence.
BOOST_AUTO_TEST_CASE(high_use_in_peak_hours_warns_once) {
  temp_dir dir;
  hems_process server{dir.path() / "data", {"--rate-limit", "0", "--time-zone", "UTC"}};
  auto port = server.http_port();
  zmq::context_t ctx{1};
  system_clock time;
  simulated_home devices;
  devices.home = "h-peak";
  devices.devices = {
      {"heat-pump", {device_kind::hvac, device_state::on, 2500, {}}},
      {"oven", {device_kind::appliance, device_state::on, 2000, {}}},
  };
  obedient_hub hub{ctx, server.hub_endpoint(), "hub-peak", std::move(devices), time};
  auto tick = [&] { hub.tick(); };
  // Peak hours all day, a 4 kW cap: the home's 4.5 kW is over it.
  auto put = http_request(port, "PUT", "/preferences?home=h-peak",
                          R"({"time_zone": "UTC", "import_cap_w": 4000,
                              "peak_hours": [{"start": "00:00", "end": "24:00"}]})",
                          {{"Content-Type", "application/json"}});
  BOOST_REQUIRE_MESSAGE(put.status == 200, put.body);
  auto started = std::chrono::steady_clock::now();
  std::string body;
  BOOST_REQUIRE(eventually(
      [&] {
        tick();
        body = http_get(port, "/notifications?home=h-peak&from=0").body;
        return body.find("\"kind\":\"peak_warning\"") != std::string::npos;
      },
      150s));
  auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST_MESSAGE("peak warning after "
                     << std::chrono::duration_cast<std::chrono::seconds>(took).count() << " s");
  BOOST_TEST(took >= 55s); // high for a minute first
  BOOST_TEST(body.find("\"limit_w\":\"4000\"") != std::string::npos, body);
  BOOST_TEST(body.find("\"power_w\":\"4500\"") != std::string::npos, body);
  BOOST_TEST(body.find("\"peak_hours\":\"00:00-24:00\"") != std::string::npos, body);
  // Once per period.
  for (int i = 0; i < 100; ++i)
    tick();
  body = http_get(port, "/notifications?home=h-peak&from=0").body;
  std::size_t count = 0;
  for (auto at = body.find("\"kind\":\"peak_warning\""); at != std::string::npos;
       at = body.find("\"kind\":\"peak_warning\"", at + 1))
    ++count;
  BOOST_TEST(count == 1u);
}
