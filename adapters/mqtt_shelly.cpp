#include "adapters/mqtt_shelly.hpp"

#include <charconv>

#include "adapters/mqtt_json.hpp"

namespace hems::adapters {

namespace dom = simdjson::dom;

namespace {

constexpr std::string_view events_suffix = "/events/rpc";
constexpr std::string_view status_infix = "/status/";

std::optional<int> component_id(std::string_view key, std::string_view type) {
  if (!key.starts_with(type) || key.size() <= type.size() + 1 || key[type.size()] != ':')
    return std::nullopt;
  int id = 0;
  auto digits = key.substr(type.size() + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size() || id < 0 || id > 15)
    return std::nullopt;
  return id;
}

// One component's status (switch:N, pm1:N or em:N) as a reading; nullopt
// when the key is another component (wifi, sys, ...). Fails on bad values.
std::optional<mqtt_mapped> component(std::string_view prefix, std::string_view key,
                                     dom::element status) {
  mqtt_reading r;
  std::string base = mqtt_json::clean_id(prefix);
  if (base.empty())
    return mqtt_mapped::reject(mqtt_reject::bad_device_id, "shelly: no usable device id");
  auto bad = [](const char* what) {
    return mqtt_mapped::reject(mqtt_reject::bad_value, std::string{"shelly: "} + what);
  };
  bool known = component_id(key, "switch") || component_id(key, "pm1") || component_id(key, "em") ||
               component_id(key, "emdata");
  if (!known)
    return std::nullopt; // wifi, sys, ts, ...
  if (!status.is_object())
    return mqtt_mapped::reject(mqtt_reject::bad_shape, "shelly: a component status is not an object");
  if (auto sw = component_id(key, "switch"); sw || component_id(key, "pm1")) {
    int id = sw.value_or(*component_id(key, "pm1"));
    r.device = id == 0 ? base : mqtt_json::clean_id(base + "-" + std::string{key.substr(0, key.find(':'))} + std::to_string(id));
    if (auto v = mqtt_json::at(status, "apower"); v && !(r.power_w = mqtt_json::number(*v)))
      return bad("apower is not a number");
    if (auto v = mqtt_json::at(status, "aenergy.total");
        v && !(r.energy_wh = mqtt_json::number(*v)))
      return bad("aenergy.total is not a number");
    if (auto v = mqtt_json::at(status, "output"); v && !(r.state = mqtt_json::state(*v)))
      return bad("output is not a boolean");
    if (auto v = mqtt_json::at(status, "temperature.tC"))
      r.temperature_c = mqtt_json::number(*v);
    r.kind = device_kind::plug;
    if (sw)
      r.route = mqtt_command_route{mqtt_command_route::style::shelly, std::string{prefix} + "/rpc",
                                   "", "", id};
  } else if (auto em = component_id(key, "em")) {
    r.device = *em == 0 ? base : mqtt_json::clean_id(base + "-em" + std::to_string(*em));
    if (auto v = mqtt_json::at(status, "total_act_power");
        v && !(r.power_w = mqtt_json::number(*v)))
      return bad("total_act_power is not a number");
    r.kind = device_kind::meter;
  } else if (auto emdata = component_id(key, "emdata")) {
    r.device = *emdata == 0 ? base : mqtt_json::clean_id(base + "-em" + std::to_string(*emdata));
    if (auto v = mqtt_json::at(status, "total_act"); v && !(r.energy_wh = mqtt_json::number(*v)))
      return bad("total_act is not a number");
    r.kind = device_kind::meter;
  } else {
    return std::nullopt;
  }
  if (r.device.empty())
    return mqtt_mapped::reject(mqtt_reject::bad_device_id, "shelly: no usable device id");
  mqtt_mapped m;
  if (r.has_values())
    m.readings.push_back(std::move(r));
  return m;
}

} // namespace

bool is_shelly_topic(std::string_view topic) {
  if (topic.ends_with(events_suffix) && topic.size() > events_suffix.size())
    return true;
  auto pos = topic.find(status_infix);
  return pos != std::string_view::npos && pos > 0 &&
         topic.find('/', pos + status_infix.size()) == std::string_view::npos &&
         topic.find(':', pos + status_infix.size()) != std::string_view::npos;
}

mqtt_mapped map_shelly(std::string_view topic, std::string_view payload, dom::parser& parser) {
  dom::element doc;
  if (parser.parse(payload.data(), payload.size()).get(doc))
    return mqtt_mapped::reject(mqtt_reject::not_json, "shelly: payload is not JSON");
  if (!doc.is_object())
    return mqtt_mapped::reject(mqtt_reject::bad_shape, "shelly: payload is not an object");
  mqtt_mapped all;
  auto add = [&](std::string_view prefix, std::string_view key, dom::element status) {
    auto one = component(prefix, key, status);
    if (!one)
      return true;
    if (one->rejected) {
      all = std::move(*one);
      return false;
    }
    for (auto& r : one->readings)
      all.readings.push_back(std::move(r));
    return true;
  };
  if (topic.ends_with(events_suffix)) {
    auto prefix = topic.substr(0, topic.size() - events_suffix.size());
    auto method = mqtt_json::at(doc, "method");
    std::string_view name;
    if (!method || method->get(name))
      return mqtt_mapped::reject(mqtt_reject::bad_shape, "shelly: no method");
    if (name != "NotifyStatus" && name != "NotifyFullStatus")
      return mqtt_mapped::reject(mqtt_reject::no_values, "shelly: " + std::string{name} + " carries no status");
    auto params = mqtt_json::at(doc, "params");
    dom::object obj;
    if (!params || params->get(obj))
      return mqtt_mapped::reject(mqtt_reject::bad_shape, "shelly: params is not an object");
    for (auto [key, value] : obj)
      if (!add(prefix, key, value))
        return all;
  } else {
    auto pos = topic.find(status_infix);
    if (!add(topic.substr(0, pos), topic.substr(pos + status_infix.size()), doc))
      return all;
  }
  if (all.readings.empty())
    return mqtt_mapped::reject(mqtt_reject::no_values, "shelly: no switch, pm1 or em status");
  return all;
}

} // namespace hems::adapters
