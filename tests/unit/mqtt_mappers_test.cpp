#define BOOST_TEST_MODULE mqtt_mappers
#include <boost/test/unit_test.hpp>

// Every MQTT mapper against payloads shaped like the ecosystems' own
// (copied from their documentation and real devices), and the plain parts
// around them: the mapper's routing, the device table, command encoding,
// the command book, the URL and the backoff.

#include "adapters/mqtt_broker_options.hpp"
#include "adapters/mqtt_command_book.hpp"
#include "adapters/mqtt_command_encoding.hpp"
#include "adapters/mqtt_device_table.hpp"
#include "adapters/mqtt_ha_discovery.hpp"
#include "adapters/mqtt_ha_statestream.hpp"
#include "adapters/mqtt_mapper.hpp"
#include "adapters/mqtt_mapping_file.hpp"
#include "adapters/mqtt_shelly.hpp"
#include "adapters/mqtt_tasmota.hpp"
#include "adapters/mqtt_zigbee2mqtt.hpp"

using namespace hems;
using namespace hems::adapters;

namespace {

simdjson::dom::parser parser;

mqtt_reading only(const mqtt_mapped& m) {
  BOOST_REQUIRE_MESSAGE(!m.rejected, "rejected: " << m.detail);
  BOOST_REQUIRE_EQUAL(m.readings.size(), 1u);
  return m.readings.front();
}

mqtt_reject reason(const mqtt_mapped& m) {
  BOOST_REQUIRE(m.rejected.has_value());
  BOOST_TEST(!m.detail.empty());
  return *m.rejected;
}

command make_command(std::string id, std::string device, command_action a, millis expires) {
  command c;
  c.id = std::move(id);
  c.home = "home";
  c.device = std::move(device);
  c.action = a;
  c.expires_ms = expires;
  return c;
}

} // namespace

BOOST_AUTO_TEST_CASE(zigbee2mqtt_plug_state) {
  BOOST_TEST(is_zigbee2mqtt_state_topic("zigbee2mqtt", "zigbee2mqtt/kitchen plug"));
  BOOST_TEST(!is_zigbee2mqtt_state_topic("zigbee2mqtt", "zigbee2mqtt/bridge/state"));
  BOOST_TEST(!is_zigbee2mqtt_state_topic("zigbee2mqtt", "zigbee2mqtt/plug/set"));
  BOOST_TEST(!is_zigbee2mqtt_state_topic("zigbee2mqtt", "zigbee2mqtt/plug/availability"));
  auto r = only(map_zigbee2mqtt(
    "zigbee2mqtt", "zigbee2mqtt/kitchen plug",
    R"({"child_lock":"UNLOCK","current":0.52,"energy":3.25,"linkquality":80,"power":120.5,"state":"ON","voltage":231})",
    parser));
  BOOST_TEST(r.device == "kitchen_plug");
  BOOST_TEST(*r.power_w == 120.5);
  BOOST_TEST(*r.energy_wh == 3250.0);
  BOOST_TEST((*r.state == device_state::on));
  BOOST_TEST((*r.kind == device_kind::plug));
  BOOST_REQUIRE(r.route.has_value());
  BOOST_TEST(r.route->topic == "zigbee2mqtt/kitchen plug/set");
}

BOOST_AUTO_TEST_CASE(zigbee2mqtt_refusals_have_reasons) {
  BOOST_TEST((reason(map_zigbee2mqtt("zigbee2mqtt", "zigbee2mqtt/x", "nope", parser)) == mqtt_reject::not_json));
  BOOST_TEST((reason(map_zigbee2mqtt("zigbee2mqtt", "zigbee2mqtt/x", "[1]", parser)) == mqtt_reject::bad_shape));
  BOOST_TEST((reason(map_zigbee2mqtt("zigbee2mqtt", "zigbee2mqtt/x", R"({"power":"lots"})", parser)) == mqtt_reject::bad_value));
  BOOST_TEST((reason(map_zigbee2mqtt("zigbee2mqtt", "zigbee2mqtt/x", R"({"action":"single"})", parser)) == mqtt_reject::no_values));
  BOOST_TEST((reason(map_zigbee2mqtt("zigbee2mqtt", "zigbee2mqtt/%%%", R"({"power":1})", parser)) == mqtt_reject::bad_device_id));
  auto t = only(map_zigbee2mqtt("zigbee2mqtt", "zigbee2mqtt/trv",
                                 R"({"local_temperature":20.5,"current_heating_setpoint":21,"battery":90})", parser));
  BOOST_TEST((*t.kind == device_kind::thermostat));
  BOOST_TEST(*t.setpoint_c == 21.0);
}

BOOST_AUTO_TEST_CASE(shelly_notify_status_and_status_topics) {
  BOOST_TEST(is_shelly_topic("shellyplusplugs-a8032ab1/events/rpc"));
  BOOST_TEST(is_shelly_topic("shellyplusplugs-a8032ab1/status/switch:0"));
  BOOST_TEST(!is_shelly_topic("tele/x/SENSOR"));
  auto r = only(map_shelly(
    "shellyplusplugs-a8032ab1/events/rpc",
    R"({"src":"shellyplusplugs-a8032ab1","dst":"shellyplusplugs-a8032ab1/events","method":"NotifyStatus",)"
    R"("params":{"ts":1700000000.52,"switch:0":{"id":0,"apower":15.3,"aenergy":{"total":1234.567,)"
    R"("by_minute":[1.0,2.0,3.0],"minute_ts":1700000000}}}})",
    parser));
  BOOST_TEST(r.device == "shellyplusplugs-a8032ab1");
  BOOST_TEST(*r.power_w == 15.3);
  BOOST_TEST(*r.energy_wh == 1234.567);
  BOOST_TEST(!r.state.has_value());
  BOOST_REQUIRE(r.route.has_value());
  BOOST_TEST(r.route->topic == "shellyplusplugs-a8032ab1/rpc");
  auto off = only(map_shelly("shellyplusplugs-a8032ab1/events/rpc",
                              R"({"method":"NotifyStatus","params":{"ts":1.0,"switch:0":{"id":0,"output":false,"source":"button"}}})",
                              parser));
  BOOST_TEST((*off.state == device_state::off));
  auto second = map_shelly("shellypro2-1/status/switch:1",
                           R"({"id":1,"source":"init","output":true,"apower":5,"aenergy":{"total":9}})", parser);
  BOOST_TEST(only(second).device == "shellypro2-1-switch1");
  BOOST_TEST(only(second).route->channel == 1);
  auto meter = map_shelly("shellypro3em-1/events/rpc",
                          R"({"method":"NotifyStatus","params":{"em:0":{"id":0,"total_act_power":2345.6}}})", parser);
  BOOST_TEST((*only(meter).kind == device_kind::meter));
  BOOST_TEST((reason(map_shelly("s/events/rpc", R"({"method":"NotifyEvent","params":{"events":[]}})", parser)) == mqtt_reject::no_values));
  BOOST_TEST((reason(map_shelly("s/events/rpc", R"({"method":"NotifyStatus","params":{"switch:0":{"apower":"x"}}})", parser)) == mqtt_reject::bad_value));
  BOOST_TEST((reason(map_shelly("s/events/rpc", R"({"params":{}})", parser)) == mqtt_reject::bad_shape));
}

BOOST_AUTO_TEST_CASE(tasmota_sensor_state_and_results) {
  BOOST_TEST(is_tasmota_topic("tele/tasmota_1A2B3C/SENSOR"));
  BOOST_TEST(is_tasmota_topic("stat/tasmota_1A2B3C/POWER"));
  BOOST_TEST(!is_tasmota_topic("tele/tasmota_1A2B3C/LWT"));
  auto s = only(map_tasmota(
    "tele/tasmota_1A2B3C/SENSOR",
    R"({"Time":"2024-05-01T12:00:00","ENERGY":{"TotalStartTime":"2024-01-01T00:00:00","Total":12.345,)"
    R"("Yesterday":0.5,"Today":0.1,"Period":0,"Power":45,"ApparentPower":50,"ReactivePower":20,"Factor":0.9,)"
    R"("Voltage":230,"Current":0.2}})",
    parser));
  BOOST_TEST(s.device == "tasmota_1A2B3C");
  BOOST_TEST(*s.power_w == 45.0);
  BOOST_TEST(*s.energy_wh == 12345.0);
  BOOST_TEST(s.route->topic == "cmnd/tasmota_1A2B3C/POWER");
  auto st = only(map_tasmota("tele/tasmota_1A2B3C/STATE",
                              R"({"Time":"2024-05-01T12:00:00","Uptime":"0T01:00:00","POWER":"ON","Wifi":{"RSSI":70}})", parser));
  BOOST_TEST((*st.state == device_state::on));
  BOOST_TEST((*only(map_tasmota("stat/tasmota_1A2B3C/POWER", "OFF", parser)).state == device_state::off));
  BOOST_TEST((*only(map_tasmota("stat/tasmota_1A2B3C/RESULT", R"({"POWER":"OFF"})", parser)).state == device_state::off));
  auto multi = only(map_tasmota("tele/t2/SENSOR", R"({"ENERGY":{"Power":[10,20.5],"Total":1}})", parser));
  BOOST_TEST(*multi.power_w == 30.5);
  BOOST_TEST((reason(map_tasmota("tele/t2/SENSOR", R"({"ENERGY":{"Power":"NaN"}})", parser)) == mqtt_reject::bad_value));
  BOOST_TEST((reason(map_tasmota("tele/t2/STATE", R"({"Uptime":"x"})", parser)) == mqtt_reject::no_values));
  BOOST_TEST((reason(map_tasmota("stat/t2/POWER", "maybe", parser)) == mqtt_reject::bad_value));
}

BOOST_AUTO_TEST_CASE(home_assistant_templates) {
  BOOST_TEST(*ha_template_path("{{ value_json.power }}") == "power");
  BOOST_TEST(*ha_template_path("{{ value_json['ENERGY']['Power'] | float }}") == "ENERGY.Power");
  BOOST_TEST(*ha_template_path("{{ value }}") == "");
  BOOST_TEST(!ha_template_path("{% if value_json.x %}1{% endif %}"));
  BOOST_TEST(!ha_template_path("{{ value_json.a * 1000 }}"));
}

BOOST_AUTO_TEST_CASE(home_assistant_discovery_and_state) {
  BOOST_TEST(is_ha_discovery_topic("homeassistant", "homeassistant/sensor/plug/power/config"));
  BOOST_TEST(is_ha_discovery_topic("homeassistant", "homeassistant/switch/plug/config"));
  BOOST_TEST(!is_ha_discovery_topic("homeassistant", "homeassistant/status"));
  // Zigbee2MQTT's own discovery config for a plug's power sensor (abbreviated keys).
  auto power = parse_ha_discovery(
    "homeassistant/sensor/0x00158d0001/power/config",
    R"({"dev":{"ids":["zigbee2mqtt_0x00158d0001"],"name":"Dryer plug"},"dev_cla":"power",)"
    R"("stat_t":"zigbee2mqtt/Dryer plug","unit_of_meas":"W","val_tpl":"{{ value_json.power }}","uniq_id":"0x00158d0001_power"})",
    parser);
  BOOST_REQUIRE(power.discovered && power.discovered->entity);
  BOOST_TEST(power.discovered->state_topic == "zigbee2mqtt/Dryer plug");
  BOOST_TEST(power.discovered->entity->device == "zigbee2mqtt_0x00158d0001");
  auto p = only(map_ha_state(*power.discovered->entity, R"({"power":1830.5,"state":"ON"})", parser));
  BOOST_TEST(*p.power_w == 1830.5);

  auto sw = parse_ha_discovery(
    "homeassistant/switch/heater/config",
    R"({"~":"home/heater","name":"Heater","state_topic":"~/state","command_topic":"~/set",)"
    R"("payload_on":"1","payload_off":"0","device":{"identifiers":"heater-1"}})",
    parser);
  BOOST_REQUIRE(sw.discovered && sw.discovered->entity);
  BOOST_TEST(sw.discovered->state_topic == "home/heater/state");
  BOOST_TEST(sw.discovered->entity->route->topic == "home/heater/set");
  BOOST_TEST((*only(map_ha_state(*sw.discovered->entity, "0", parser)).state == device_state::off));
  BOOST_TEST((*only(map_ha_state(*sw.discovered->entity, "1", parser)).state == device_state::on));

  auto kw = parse_ha_discovery("homeassistant/sensor/pv/power/config",
                               R"({"device_class":"power","unit_of_measurement":"kW","state_topic":"pv/p"})", parser);
  BOOST_TEST(*only(map_ha_state(*kw.discovered->entity, "2.5", parser)).power_w == 2500.0);
  BOOST_TEST(kw.discovered->entity->device == "power");

  BOOST_TEST((reason(parse_ha_discovery("homeassistant/sensor/a/b/config", "{", parser).outcome) == mqtt_reject::not_json));
  BOOST_TEST((reason(parse_ha_discovery("homeassistant/sensor/a/b/config", R"({"device_class":"power"})", parser).outcome) == mqtt_reject::bad_discovery));
  BOOST_TEST((reason(parse_ha_discovery("homeassistant/sensor/a/b/config",
                                        R"({"device_class":"power","unit_of_measurement":"hp","state_topic":"x"})", parser).outcome) == mqtt_reject::bad_discovery));
  auto other = parse_ha_discovery("homeassistant/sensor/a/humidity/config",
                                  R"({"device_class":"humidity","state_topic":"x"})", parser);
  BOOST_TEST(other.outcome.informational);
  BOOST_TEST(!other.discovered->entity.has_value());
  BOOST_TEST((reason(map_ha_state(*kw.discovered->entity, "unavailable", parser)) == mqtt_reject::no_values));
}

BOOST_AUTO_TEST_CASE(home_assistant_statestream_waits_for_units) {
  ha_statestream s{"homeassistant_statestream"};
  BOOST_TEST(s.claims("homeassistant_statestream/sensor/washer_power/state"));
  BOOST_TEST(!s.claims("homeassistant_statestream/sensor/washer_power"));
  auto early = s.map("homeassistant_statestream/sensor/washer_power/state", "512.5");
  BOOST_TEST(early.informational); // no unit yet
  auto p = only(s.map("homeassistant_statestream/sensor/washer_power/unit_of_measurement", "\"W\""));
  BOOST_TEST(p.device == "washer");
  BOOST_TEST(*p.power_w == 512.5);
  s.map("homeassistant_statestream/sensor/washer_energy/unit_of_measurement", "\"kWh\"");
  BOOST_TEST(*only(s.map("homeassistant_statestream/sensor/washer_energy/state", "1.5")).energy_wh == 1500.0);
  auto sw = only(s.map("homeassistant_statestream/switch/washer/state", "on"));
  BOOST_TEST(sw.device == "washer");
  BOOST_TEST((*sw.state == device_state::on));
  s.map("homeassistant_statestream/sensor/humidity/unit_of_measurement", "\"%\"");
  BOOST_TEST((reason(s.map("homeassistant_statestream/sensor/humidity/state", "40")) == mqtt_reject::no_values));
  BOOST_TEST((reason(s.map("homeassistant_statestream/sensor/washer_power/state", "lots")) == mqtt_reject::bad_value));
}

BOOST_AUTO_TEST_CASE(mapping_file_rules) {
  BOOST_TEST(match_topic("meters/+/reading", "meters/m1/reading")->at(0) == "m1");
  BOOST_TEST(!match_topic("meters/+/reading", "meters/m1/other"));
  BOOST_TEST(match_topic("a/#", "a/b/c")->at(0) == "b/c");
  BOOST_TEST(!match_topic("a/b", "a/b/c"));
  auto rules = parse_mapping_file(R"({"devices":[{"topic":"meters/+/reading","home":"h-{1}","device":"{1}",)"
                                  R"("power":"data.w","energy":"data.kwh","energy_scale":1000,"state":"relay",)"
                                  R"("kind":"meter","command_topic":"meters/{1}/cmd","payload_on":"1","payload_off":"0"}]})");
  BOOST_REQUIRE_MESSAGE(rules.has_value(), rules.error().detail);
  auto captures = match_topic((*rules)[0].topic, "meters/m1/reading");
  auto r = only(map_with_rule((*rules)[0], *captures, R"({"data":{"w":"230.5","kwh":2},"relay":true})", parser));
  BOOST_TEST(r.home == "h-m1");
  BOOST_TEST(r.device == "m1");
  BOOST_TEST(*r.power_w == 230.5);
  BOOST_TEST(*r.energy_wh == 2000.0);
  BOOST_TEST((*r.kind == device_kind::meter));
  BOOST_TEST(r.route->topic == "meters/m1/cmd");
  BOOST_TEST((reason(map_with_rule((*rules)[0], *captures, R"({"other":1})", parser)) == mqtt_reject::no_values));
  auto raw = parse_mapping_file(R"({"devices":[{"topic":"power/+","device":"{1}","power":"$"}]})");
  BOOST_TEST(*only(map_with_rule((*raw)[0], *match_topic("power/+", "power/pump"), "75", parser)).power_w == 75.0);
  BOOST_TEST(!parse_mapping_file(R"({"devices":[{"topic":"a/b#","device":"x","power":"$"}]})"));
  BOOST_TEST(!parse_mapping_file(R"({"devices":[{"topic":"a","power":"$"}]})"));
  BOOST_TEST(!parse_mapping_file(R"({"devices":[{"topic":"a","device":"x"}]})"));
  BOOST_TEST(!parse_mapping_file(R"({"devices":[{"topic":"a","device":"x","power":"$","colour":"red"}]})"));
  BOOST_TEST(!parse_mapping_file("[]"));
}

BOOST_AUTO_TEST_CASE(the_mapper_routes_topics_and_learns_discovered_state_topics) {
  mqtt_mapper_options o;
  o.rules = *parse_mapping_file(R"({"devices":[{"topic":"tele/special/SENSOR","device":"special","power":"W"}]})");
  mqtt_mapper m{o};
  auto subs = m.subscriptions();
  BOOST_TEST((std::find(subs.begin(), subs.end(), "zigbee2mqtt/#") != subs.end()));
  BOOST_TEST(only(m.map("tele/special/SENSOR", R"({"W":3})")).device == "special"); // the file wins
  BOOST_TEST(m.map("zigbee2mqtt/bridge/state", "online").informational);
  BOOST_TEST((reason(m.map("random/topic", "1")) == mqtt_reject::unknown_topic));
  BOOST_TEST(m.map("homeassistant/sensor/boiler/power/config",
                   R"({"device_class":"power","state_topic":"boiler/state","value_template":"{{ value_json.w }}","unique_id":"boiler"})")
               .informational);
  BOOST_TEST((m.take_new_state_topics() == std::vector<std::string>{"boiler/state"}));
  BOOST_TEST(*only(m.map("boiler/state", R"({"w":2000})")).power_w == 2000.0);
  m.map("homeassistant/sensor/boiler/power/config", ""); // removed
  BOOST_TEST((reason(m.map("boiler/state", R"({"w":2000})")) == mqtt_reject::unknown_topic));
  std::string big(300 << 10, ' ');
  BOOST_TEST((reason(m.map("zigbee2mqtt/x", big)) == mqtt_reject::too_large));
}

BOOST_AUTO_TEST_CASE(the_device_table_merges_partial_readings) {
  mqtt_device_table t{"home"};
  mqtt_reading power;
  power.device = "plug";
  power.power_w = 100;
  auto s1 = t.merge({power}, 1000);
  BOOST_REQUIRE_EQUAL(s1.size(), 1u);
  BOOST_TEST(s1[0].home == "home");
  BOOST_TEST(s1[0].power_w == 100.0);
  mqtt_reading energy;
  energy.device = "plug";
  energy.energy_wh = 5000;
  mqtt_reading state = energy;
  state.energy_wh.reset();
  state.state = device_state::on;
  auto s2 = t.merge({energy, state}, 1000); // one message, one sample, a new key
  BOOST_REQUIRE_EQUAL(s2.size(), 1u);
  BOOST_TEST(s2[0].power_w == 100.0);
  BOOST_TEST(*s2[0].energy_wh == 5000.0);
  BOOST_TEST(s2[0].ts_ms == 1001);
  BOOST_TEST(!t.route("home", "plug")->has_value());
  BOOST_TEST(!t.route("home", "other").has_value());
  mqtt_reading off;
  off.device = "plug";
  off.state = device_state::off;
  off.route = mqtt_command_route{mqtt_command_route::style::tasmota, "cmnd/plug/POWER", "ON", "OFF", 0};
  BOOST_TEST(t.merge({off}, 2000)[0].power_w == 0.0);
  BOOST_TEST(t.route("home", "plug")->value().topic == "cmnd/plug/POWER");
  mqtt_device_table small{"home", 1};
  mqtt_reading other = power;
  other.device = "other";
  small.merge({power}, 1);
  BOOST_TEST(small.merge({other}, 2).empty());
  BOOST_TEST(small.dropped() == 1u);
}

BOOST_AUTO_TEST_CASE(commands_encode_per_ecosystem) {
  auto off = make_command("c1", "plug", command_action::off, 10);
  using style = mqtt_command_route::style;
  auto z = encode_mqtt_command({style::zigbee2mqtt, "zigbee2mqtt/plug/set", "", "", 0}, off, 1);
  BOOST_TEST(z->payload == R"({"state":"OFF"})");
  auto s = encode_mqtt_command({style::shelly, "shellyplus1-1/rpc", "", "", 0}, off, 7);
  BOOST_TEST(s->topic == "shellyplus1-1/rpc");
  BOOST_TEST(s->payload == R"({"id":7,"src":"hems","method":"Switch.Set","params":{"id":0,"on":false}})");
  auto t = encode_mqtt_command({style::tasmota, "cmnd/t/POWER", "ON", "OFF", 0},
                               make_command("c2", "t", command_action::on, 10), 1);
  BOOST_TEST(t->payload == "ON");
  auto h = encode_mqtt_command({style::home_assistant, "home/heater/set", "1", "0", 0}, off, 1);
  BOOST_TEST(h->payload == "0");
  BOOST_TEST(!encode_mqtt_command({style::tasmota, "x", "", "", 0},
                                  make_command("c3", "t", command_action::start, 10), 1));
}

BOOST_AUTO_TEST_CASE(the_command_book_confirms_supersedes_and_expires) {
  mqtt_command_book book;
  auto taken = book.submit(make_command("c1", "plug", command_action::off, 10'000), 0);
  BOOST_REQUIRE_EQUAL(taken.size(), 1u);
  BOOST_TEST((taken[0].status == command_status::pending));
  BOOST_TEST(book.unpublished().size() == 1u);
  BOOST_TEST(book.observed("home", "plug", device_state::off, 5).empty()); // not yet published
  book.published("c1", "zigbee2mqtt/plug/set");
  BOOST_TEST(book.observed("home", "plug", device_state::on, 6).empty()); // not what it asked
  auto done = book.observed("home", "plug", device_state::off, 7);
  BOOST_REQUIRE_EQUAL(done.size(), 1u);
  BOOST_TEST((done[0].status == command_status::done));
  BOOST_TEST(done[0].attempts == 1u);

  book.submit(make_command("c2", "plug", command_action::on, 10'000), 10);
  auto both = book.submit(make_command("c3", "plug", command_action::off, 20'000), 11);
  BOOST_REQUIRE_EQUAL(both.size(), 2u);
  BOOST_TEST((both[1].status == command_status::failed));
  BOOST_TEST(both[1].detail == "superseded by command c3");
  BOOST_TEST(*book.next_expiry() == 20'000);
  book.published("c3", "cmnd/plug/POWER");
  BOOST_TEST(book.expire(19'999).empty());
  auto expired = book.expire(20'000);
  BOOST_REQUIRE_EQUAL(expired.size(), 1u);
  BOOST_TEST((expired[0].status == command_status::expired));
  BOOST_TEST(expired[0].detail.find("cmnd/plug/POWER") != std::string::npos);
  book.submit(make_command("c4", "lamp", command_action::on, 5), 0);
  BOOST_TEST(book.expire(5)[0].detail.find("not published") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(broker_urls_and_backoff) {
  mqtt_broker_options o;
  BOOST_TEST(parse_mqtt_url("mqtt://broker.lan", o).has_value());
  BOOST_TEST(o.port == 1883);
  BOOST_TEST(!o.tls);
  BOOST_TEST(parse_mqtt_url("mqtts://broker.lan:8884", o).has_value());
  BOOST_TEST(o.port == 8884);
  BOOST_TEST(o.tls);
  BOOST_TEST(o.host == "broker.lan");
  BOOST_TEST(!parse_mqtt_url("tcp://x:1", o));
  BOOST_TEST(!parse_mqtt_url("mqtt://x:0", o));
  BOOST_TEST(!parse_mqtt_url("mqtt://user:pw@x", o));
  BOOST_TEST(!parse_mqtt_url("mqtt://", o));
  o.reconnect_min_ms = 500;
  o.reconnect_max_ms = 30'000;
  BOOST_TEST(mqtt_reconnect_delay(o, 1) == 500);
  BOOST_TEST(mqtt_reconnect_delay(o, 2) == 1000);
  BOOST_TEST(mqtt_reconnect_delay(o, 3) == 2000);
  BOOST_TEST(mqtt_reconnect_delay(o, 100) == 30'000);
}
