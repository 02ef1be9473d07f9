#include "adapters/mqtt_tasmota.hpp"

#include "adapters/mqtt_json.hpp"

namespace hems::adapters {

namespace dom = simdjson::dom;

namespace {

struct parts {
  std::string_view prefix, name, leaf;
};

std::optional<parts> split(std::string_view topic) {
  auto first = topic.find('/');
  auto last = topic.rfind('/');
  if (first == std::string_view::npos || first == last || first == 0 || last + 1 == topic.size())
    return std::nullopt;
  return parts{topic.substr(0, first), topic.substr(first + 1, last - first - 1),
               topic.substr(last + 1)};
}

} // namespace

bool is_tasmota_topic(std::string_view topic) {
  auto p = split(topic);
  if (!p || p->name.empty() || p->name.find('/') != std::string_view::npos)
    return false;
  if (p->prefix == "tele")
    return p->leaf == "SENSOR" || p->leaf == "STATE";
  if (p->prefix == "stat")
    return p->leaf == "RESULT" || p->leaf == "POWER";
  return false;
}

mqtt_mapped map_tasmota(std::string_view topic, std::string_view payload, dom::parser& parser) {
  auto p = *split(topic);
  mqtt_reading r;
  r.device = mqtt_json::clean_id(p.name);
  if (r.device.empty())
    return mqtt_mapped::reject(mqtt_reject::bad_device_id, "tasmota: no usable device name");
  r.route = mqtt_command_route{mqtt_command_route::style::tasmota,
                               "cmnd/" + std::string{p.name} + "/POWER", "ON", "OFF", 0};
  mqtt_mapped m;
  if (p.leaf == "POWER") {
    if (!(r.state = mqtt_json::state(payload)))
      return mqtt_mapped::reject(mqtt_reject::bad_value, "tasmota: POWER is not ON/OFF");
    m.readings.push_back(std::move(r));
    return m;
  }
  dom::element doc;
  if (parser.parse(payload.data(), payload.size()).get(doc))
    return mqtt_mapped::reject(mqtt_reject::not_json, "tasmota: payload is not JSON");
  if (!doc.is_object())
    return mqtt_mapped::reject(mqtt_reject::bad_shape, "tasmota: payload is not an object");
  for (std::string_view key : {"POWER", "POWER1"})
    if (auto v = mqtt_json::at(doc, key); v && !r.state)
      if (!(r.state = mqtt_json::state(*v)))
        return mqtt_mapped::reject(mqtt_reject::bad_value, "tasmota: POWER is not ON/OFF");
  if (auto energy = mqtt_json::at(doc, "ENERGY")) {
    if (!energy->is_object())
      return mqtt_mapped::reject(mqtt_reject::bad_shape, "tasmota: ENERGY is not an object");
    if (auto v = mqtt_json::at(*energy, "Power")) {
      dom::array channels;
      if (!v->get(channels)) {
        double sum = 0;
        for (auto c : channels) {
          auto w = mqtt_json::number(c);
          if (!w)
            return mqtt_mapped::reject(mqtt_reject::bad_value, "tasmota: ENERGY.Power is not numbers");
          sum += *w;
        }
        r.power_w = sum;
      } else if (!(r.power_w = mqtt_json::number(*v))) {
        return mqtt_mapped::reject(mqtt_reject::bad_value, "tasmota: ENERGY.Power is not a number");
      }
    }
    if (auto v = mqtt_json::at(*energy, "Total")) {
      auto kwh = mqtt_json::number(*v);
      if (!kwh)
        return mqtt_mapped::reject(mqtt_reject::bad_value, "tasmota: ENERGY.Total is not a number");
      r.energy_wh = *kwh * 1000.0;
    }
    r.kind = device_kind::plug;
  }
  if (!r.has_values())
    return mqtt_mapped::reject(mqtt_reject::no_values, "tasmota: no POWER or ENERGY");
  m.readings.push_back(std::move(r));
  return m;
}

} // namespace hems::adapters
