#define BOOST_TEST_MODULE mqtt_e2e
#include <boost/test/unit_test.hpp>

// The MQTT adapter against a real Mosquitto broker and the real hems binary:
// messages shaped as each ecosystem publishes them become devices and usage
// over REST; commands reach the right topic with the right payload and are
// confirmed (or expire) by the device's state; a broker restart costs
// nothing.

#include <fstream>
#include <map>

#include <simdjson.h>

#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/mosquitto_broker.hpp"
#include "tests/support/mqtt_test_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificate.hpp"

using namespace hems::test;
using namespace std::chrono_literals;

namespace {

double metric(std::uint16_t port, const std::string& series) {
  auto r = http_get(port, "/metrics");
  auto pos = r.body.find("\n" + series + " ");
  if (pos == std::string::npos)
    return -1;
  return std::stod(r.body.substr(pos + series.size() + 2));
}

struct device_view {
  double power_w = 0;
  std::string state;
  std::string kind;
};

std::map<std::string, device_view> devices(std::uint16_t port, const std::string& home) {
  std::map<std::string, device_view> out;
  auto r = http_get(port, "/devices?home=" + home);
  if (r.status != 200)
    return out;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  if (p.parse(r.body).get(doc) || doc["devices"].get(list))
    return out;
  for (auto d : list) {
    device_view v;
    v.power_w = d["power_w"].get_double().value();
    std::string_view s;
    if (!d["state"].get(s))
      v.state = s;
    if (!d["kind"].get(s))
      v.kind = s;
    out[std::string{d["id"].get_string().value()}] = v;
  }
  return out;
}

// The status and detail of a command, by id, from GET /commands.
std::pair<std::string, std::string> command_status(std::uint16_t port, const std::string& home,
                                                   const std::string& id) {
  auto r = http_get(port, "/commands?home=" + home);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  if (p.parse(r.body).get(doc) || doc["commands"].get(list))
    return {};
  for (auto c : list)
    if (std::string_view{c["id"].get_string().value()} == id)
      return {std::string{c["status"].get_string().value()},
              std::string{c["detail"].get_string().value()}};
  return {};
}

std::string post_command(std::uint16_t port, const std::string& body) {
  auto r = http_request(port, "POST", "/commands", body);
  BOOST_REQUIRE_MESSAGE(r.status == 202, r.status << " " << r.body);
  simdjson::dom::parser p;
  return std::string{p.parse(r.body).value()["id"].get_string().value()};
}

struct fixture {
  temp_dir dir;
  mosquitto_broker broker{dir.path() / "broker"};
  std::filesystem::path mapping = [this] {
    auto path = dir.path() / "mapping.json";
    std::ofstream{path} << R"({"devices":[{"topic":"meters/+/reading","device":"{1}",)"
                        << R"("power":"data.w","energy":"data.kwh","energy_scale":1000,"kind":"meter"}]})";
    return path;
  }();
  hems_process hems{dir.path() / "data",
                    {"--mqtt", broker.url(), "--mqtt-home", "h-mqtt", "--mqtt-mapping",
                     mapping.string(), "--mqtt-client-id", "hems-e2e", "--rate-limit", "0"}};
  // Plays the devices and bridges, and sees every command (a persistent
  // session: it misses nothing across a broker restart).
  mqtt_test_client home{broker.port(), "e2e-home", true};

  fixture() {
    home.subscribe("zigbee2mqtt/+/set");
    home.subscribe("+/rpc");
    home.subscribe("cmnd/#");
    home.subscribe("home/+/set");
    BOOST_REQUIRE(eventually([&] { return home.connected(); }));
    BOOST_REQUIRE(eventually([&] { return metric(hems.http_port(), "hems_mqtt_connected") == 1; }));
  }

  void publish_every_ecosystem() {
    // Home Assistant discovery, retained as HA and its bridges publish it;
    // the states too, so they arrive whenever hems subscribes.
    home.publish("homeassistant/switch/heater/config",
                 R"({"~":"home/heater","name":"Heater","state_topic":"~/state","command_topic":"~/set",)"
                 R"("payload_on":"1","payload_off":"0","device":{"identifiers":["heater-1"],"name":"Heater"}})",
                 true);
    home.publish("homeassistant/sensor/heater/power/config",
                 R"({"dev_cla":"power","unit_of_meas":"kW","stat_t":"home/heater/power",)"
                 R"("dev":{"ids":["heater-1"]},"uniq_id":"heater-1-power"})",
                 true);
    home.publish("home/heater/state", "1", true);
    home.publish("home/heater/power", "2.0", true);
    home.publish("zigbee2mqtt/kitchen_plug",
                 R"({"child_lock":"UNLOCK","energy":3.25,"linkquality":80,"power":120.5,"state":"ON","voltage":231})");
    home.publish("shellyplusplugs-a8032ab1/events/rpc",
                 R"({"src":"shellyplusplugs-a8032ab1","dst":"shellyplusplugs-a8032ab1/events","method":"NotifyStatus",)"
                 R"("params":{"ts":1700000000.52,"switch:0":{"id":0,"apower":15.3,"aenergy":{"total":1234.5},"output":true}}})");
    home.publish("tele/tasmota_1A2B3C/SENSOR",
                 R"({"Time":"2024-05-01T12:00:00","ENERGY":{"Total":12.345,"Today":0.1,"Power":45,"Voltage":230}})");
    home.publish("tele/tasmota_1A2B3C/STATE", R"({"Time":"2024-05-01T12:00:00","POWER":"OFF"})");
    home.publish("homeassistant_statestream/sensor/dryer_power/unit_of_measurement", "\"W\"", true);
    home.publish("homeassistant_statestream/sensor/dryer_power/state", "800", true);
    home.publish("meters/main/reading", R"({"data":{"w":3500,"kwh":42}})");
    home.publish("zigbee2mqtt/broken", "not json");
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(devices_of_every_ecosystem_show_up_in_devices_and_usage, fixture) {
  publish_every_ecosystem();
  std::map<std::string, device_view> seen;
  BOOST_REQUIRE_MESSAGE(eventually([&] {
                          seen = devices(hems.http_port(), "h-mqtt");
                          return seen.size() == 6 && seen["heater-1"].power_w == 2000 &&
                                 seen["tasmota_1A2B3C"].state == "off";
                        }),
                        "devices seen: " << seen.size());
  BOOST_TEST(seen["kitchen_plug"].power_w == 120.5);
  BOOST_TEST(seen["kitchen_plug"].state == "on");
  BOOST_TEST(seen["shellyplusplugs-a8032ab1"].power_w == 15.3);
  BOOST_TEST(seen["heater-1"].state == "on");
  BOOST_TEST(seen["dryer"].power_w == 800.0);
  BOOST_TEST(seen["main"].kind == "meter");
  // Tasmota said 45 W, then OFF: off draws nothing until it says otherwise.
  BOOST_TEST(seen["tasmota_1A2B3C"].power_w == 0.0);

  auto usage = http_get(hems.http_port(), "/usage?home=h-mqtt");
  BOOST_REQUIRE_EQUAL(usage.status, 200);
  simdjson::dom::parser p;
  simdjson::dom::element u = p.parse(usage.body).value();
  BOOST_TEST(u["power_w"].get_double().value() == 3500.0); // the whole-home meter
  simdjson::dom::array usage_devices = u["devices"].get_array().value();
  BOOST_TEST(usage_devices.size() == 6u);
  BOOST_TEST(usage.body.find("\"energy_today_wh\"") != std::string::npos);

  BOOST_REQUIRE(eventually([&] {
    return metric(hems.http_port(), "hems_mqtt_messages_rejected_total{reason=\"not_json\"}") == 1;
  }));
  BOOST_TEST(metric(hems.http_port(), "hems_mqtt_messages_mapped_total") >= 8);
}

BOOST_FIXTURE_TEST_CASE(commands_reach_each_ecosystem_and_the_device_confirms_them, fixture) {
  publish_every_ecosystem();
  BOOST_REQUIRE(eventually([&] { return devices(hems.http_port(), "h-mqtt").size() == 6; }));
  auto port = hems.http_port();
  auto z2m = post_command(port, R"({"home":"h-mqtt","device":"kitchen_plug","action":"off","reason":"e2e"})");
  auto tasmota = post_command(port, R"({"home":"h-mqtt","device":"tasmota_1A2B3C","action":"on"})");
  auto ha = post_command(port, R"({"home":"h-mqtt","device":"heater-1","action":"off"})");
  auto shelly = post_command(port, R"({"home":"h-mqtt","device":"shellyplusplugs-a8032ab1","action":"off","expires_in_s":1})");
  auto statestream = post_command(port, R"({"home":"h-mqtt","device":"dryer","action":"off"})");
  auto unsupported = post_command(port, R"({"home":"h-mqtt","device":"kitchen_plug","action":"set","params":{"setpoint_c":20}})");

  BOOST_REQUIRE(eventually([&] {
    return home.saw("zigbee2mqtt/kitchen_plug/set", R"({"state":"OFF"})") &&
           home.saw("cmnd/tasmota_1A2B3C/POWER", "ON") && home.saw("home/heater/set", "0");
  }));
  BOOST_REQUIRE(eventually([&] {
    for (const auto& m : home.received())
      if (m.topic == "shellyplusplugs-a8032ab1/rpc")
        return m.payload.find(R"("src":"hems","method":"Switch.Set","params":{"id":0,"on":false})") !=
               std::string::npos;
    return false;
  }));
  // Sent, not yet confirmed.
  BOOST_TEST(command_status(port, "h-mqtt", z2m).first == "pending");

  // The devices answer as they do.
  home.publish("zigbee2mqtt/kitchen_plug", R"({"energy":3.26,"power":0,"state":"OFF"})");
  home.publish("stat/tasmota_1A2B3C/RESULT", R"({"POWER":"ON"})");
  home.publish("home/heater/state", "0", true);
  for (const auto& id : {z2m, tasmota, ha})
    BOOST_REQUIRE_MESSAGE(eventually([&] { return command_status(port, "h-mqtt", id).first == "done"; }),
                          "command " << id << ": " << command_status(port, "h-mqtt", id).first);
  // The Shelly never reports off: its command expires, saying where it went.
  BOOST_REQUIRE(eventually([&] { return command_status(port, "h-mqtt", shelly).first == "expired"; }));
  BOOST_TEST(command_status(port, "h-mqtt", shelly).second.find("shellyplusplugs-a8032ab1/rpc") !=
             std::string::npos);
  auto refused = command_status(port, "h-mqtt", statestream);
  BOOST_TEST(refused.first == "failed");
  BOOST_TEST(refused.second.find("no command topic") != std::string::npos);
  BOOST_TEST(command_status(port, "h-mqtt", unsupported).second.find("not supported over MQTT") !=
             std::string::npos);
  BOOST_TEST(metric(port, "hems_mqtt_commands_total{outcome=\"done\"}") == 3);
  BOOST_TEST(metric(port, "hems_mqtt_commands_total{outcome=\"expired\"}") == 1);
  BOOST_TEST(devices(port, "h-mqtt")["kitchen_plug"].state == "off");
}

BOOST_FIXTURE_TEST_CASE(a_broker_restart_costs_nothing, fixture) {
  publish_every_ecosystem();
  BOOST_REQUIRE(eventually([&] { return devices(hems.http_port(), "h-mqtt").size() == 6; }));
  auto port = hems.http_port();
  broker.stop();
  BOOST_REQUIRE(eventually([&] { return metric(port, "hems_mqtt_connected") == 0; }));
  // A command while the broker is away waits for it.
  auto waiting = post_command(port, R"({"home":"h-mqtt","device":"tasmota_1A2B3C","action":"on"})");
  broker.start();
  BOOST_REQUIRE(eventually([&] {
    return metric(port, "hems_mqtt_connected") == 1 && metric(port, "hems_mqtt_connects_total") >= 2;
  }, 60s));
  BOOST_TEST(devices(port, "h-mqtt").size() == 6u); // hems kept its devices
  BOOST_REQUIRE(eventually([&] { return home.saw("cmnd/tasmota_1A2B3C/POWER", "ON"); }, 60s));
  home.publish("stat/tasmota_1A2B3C/POWER", "ON");
  BOOST_REQUIRE(eventually([&] { return command_status(port, "h-mqtt", waiting).first == "done"; }));
  // Retained discovery survived in the broker, so discovered devices still update.
  home.publish("home/heater/power", "1.5", true);
  home.publish("zigbee2mqtt/kitchen_plug", R"({"power":99.5,"state":"ON"})");
  BOOST_REQUIRE(eventually([&] {
    auto d = devices(port, "h-mqtt");
    return d["heater-1"].power_w == 1500 && d["kitchen_plug"].power_w == 99.5;
  }));
  BOOST_TEST(metric(port, "hems_mqtt_disconnects_total") >= 1);
}

BOOST_AUTO_TEST_CASE(tls_with_a_password_and_a_client_certificate) {
  temp_dir dir;
  auto cert = make_test_certificate(dir.path());
  // The self-signed certificate is the broker's, its CA, and the client's.
  broker_security security{cert.certificate, cert.private_key, cert.certificate, "hems", "s3cret"};
  mosquitto_broker broker{dir.path() / "broker", 0, security};
  std::ofstream{dir.path() / "password"} << "s3cret\n";
  std::ofstream{dir.path() / "wrong"} << "guess\n";
  auto url = "mqtts://localhost:" + std::to_string(broker.port());
  std::vector<std::string> tls{"--rate-limit", "0", "--mqtt", url, "--mqtt-ca", cert.certificate.string(),
                               "--mqtt-cert", cert.certificate.string(), "--mqtt-key",
                               cert.private_key.string(), "--mqtt-username", "hems"};
  auto with = [&](std::vector<std::string> args, const std::string& password_file) {
    args.insert(args.end(), {"--mqtt-password-file", (dir.path() / password_file).string()});
    return args;
  };
  // A wrong password: refused, retried, and hems keeps serving.
  {
    hems_process refused{dir.path() / "refused", with(tls, "wrong")};
    BOOST_REQUIRE(eventually([&] {
      return metric(refused.http_port(), "hems_mqtt_connect_failures_total") >= 2;
    }, 60s));
    BOOST_TEST(metric(refused.http_port(), "hems_mqtt_connected") == 0);
    BOOST_TEST(http_get(refused.http_port(), "/healthz").status == 200);
  }
  hems_process hems{dir.path() / "data", with(tls, "password")};
  BOOST_REQUIRE(eventually([&] { return metric(hems.http_port(), "hems_mqtt_connected") == 1; }));
  // A device publishes with Debian's mosquitto_pub, over the same TLS.
  auto pub = "mosquitto_pub -h localhost -p " + std::to_string(broker.port()) + " --cafile " +
             cert.certificate.string() + " --cert " + cert.certificate.string() + " --key " +
             cert.private_key.string() + " -u hems -P s3cret -q 1 -t zigbee2mqtt/tls_plug -m " +
             "'{\"power\":42.5,\"state\":\"ON\"}'";
  BOOST_REQUIRE_EQUAL(std::system(pub.c_str()), 0);
  BOOST_REQUIRE(eventually([&] { return devices(hems.http_port(), "home")["tls_plug"].power_w == 42.5; }));
}
