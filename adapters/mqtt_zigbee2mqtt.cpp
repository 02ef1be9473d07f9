#include "adapters/mqtt_zigbee2mqtt.hpp"

#include "adapters/mqtt_json.hpp"

namespace hems::adapters {

namespace dom = simdjson::dom;

bool is_zigbee2mqtt_state_topic(std::string_view base, std::string_view topic) {
  if (!topic.starts_with(base) || topic.size() <= base.size() + 1 || topic[base.size()] != '/')
    return false;
  auto name = topic.substr(base.size() + 1);
  if (name == "bridge" || name.starts_with("bridge/"))
    return false;
  for (std::string_view suffix : {"/set", "/get", "/availability"})
    if (name.ends_with(suffix) || name.find(std::string{suffix} + "/") != std::string_view::npos)
      return false;
  return true;
}

mqtt_mapped map_zigbee2mqtt(std::string_view base, std::string_view topic,
                            std::string_view payload, dom::parser& parser) {
  auto name = topic.substr(base.size() + 1);
  dom::element doc;
  if (parser.parse(payload.data(), payload.size()).get(doc))
    return mqtt_mapped::reject(mqtt_reject::not_json, "zigbee2mqtt: payload is not JSON");
  if (!doc.is_object())
    return mqtt_mapped::reject(mqtt_reject::bad_shape, "zigbee2mqtt: payload is not an object");
  mqtt_reading r;
  r.device = mqtt_json::clean_id(name);
  if (r.device.empty())
    return mqtt_mapped::reject(mqtt_reject::bad_device_id, "zigbee2mqtt: no usable device name");
  auto field = [&](std::string_view key) { return mqtt_json::at(doc, key); };
  if (auto v = field("power")) {
    if (!(r.power_w = mqtt_json::number(*v)))
      return mqtt_mapped::reject(mqtt_reject::bad_value, "zigbee2mqtt: power is not a number");
  }
  if (auto v = field("energy")) {
    auto kwh = mqtt_json::number(*v);
    if (!kwh)
      return mqtt_mapped::reject(mqtt_reject::bad_value, "zigbee2mqtt: energy is not a number");
    r.energy_wh = *kwh * 1000.0;
  }
  if (auto v = field("state"); v && !v->is_null()) {
    if (!(r.state = mqtt_json::state(*v)))
      return mqtt_mapped::reject(mqtt_reject::bad_value, "zigbee2mqtt: state is not ON/OFF");
  }
  for (std::string_view key : {"local_temperature", "temperature"})
    if (auto v = field(key); v && !r.temperature_c)
      r.temperature_c = mqtt_json::number(*v);
  if (auto v = field("current_heating_setpoint"))
    r.setpoint_c = mqtt_json::number(*v);
  if (auto v = field("occupancy"))
    r.occupied = mqtt_json::boolean(*v);
  if (!r.has_values())
    return mqtt_mapped::reject(mqtt_reject::no_values, "zigbee2mqtt: nothing hems tracks");
  if (r.setpoint_c)
    r.kind = device_kind::thermostat;
  else if (r.occupied && !r.power_w)
    r.kind = device_kind::presence;
  else if (r.power_w && r.state)
    r.kind = device_kind::plug;
  if (r.state)
    r.route = mqtt_command_route{mqtt_command_route::style::zigbee2mqtt,
                                 std::string{topic} + "/set", "", "", 0};
  mqtt_mapped m;
  m.readings.push_back(std::move(r));
  return m;
}

} // namespace hems::adapters
