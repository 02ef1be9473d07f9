#include "adapters/mqtt_ha_statestream.hpp"

#include "adapters/mqtt_json.hpp"

namespace hems::adapters {

namespace {

struct parts {
  std::string_view domain, object, leaf;
};

std::optional<parts> split(std::string_view base, std::string_view topic) {
  if (!topic.starts_with(base) || topic.size() <= base.size() + 1 || topic[base.size()] != '/')
    return std::nullopt;
  auto rest = topic.substr(base.size() + 1);
  auto a = rest.find('/');
  if (a == std::string_view::npos)
    return std::nullopt;
  auto b = rest.find('/', a + 1);
  if (b == std::string_view::npos || rest.find('/', b + 1) != std::string_view::npos)
    return std::nullopt;
  parts p{rest.substr(0, a), rest.substr(a + 1, b - a - 1), rest.substr(b + 1)};
  if (p.domain.empty() || p.object.empty() || p.leaf.empty())
    return std::nullopt;
  return p;
}

} // namespace

bool ha_statestream::claims(std::string_view topic) const {
  auto p = split(base_, topic);
  return p && (p->domain == "sensor" || p->domain == "switch" || p->domain == "light");
}

std::string ha_statestream::device_of(std::string_view object_id) {
  for (std::string_view suffix : {"_power", "_energy"})
    if (object_id.ends_with(suffix) && object_id.size() > suffix.size())
      return mqtt_json::clean_id(object_id.substr(0, object_id.size() - suffix.size()));
  return mqtt_json::clean_id(object_id);
}

mqtt_mapped ha_statestream::sensor_value(const std::string& object_id, entity& e,
                                         std::string_view value) {
  double scale = 0;
  bool power = false;
  if (e.unit == "W" || e.unit == "kW") {
    power = true;
    scale = e.unit == "kW" ? 1000 : 1;
  } else if (e.unit == "Wh" || e.unit == "kWh" || e.unit == "MWh") {
    scale = e.unit == "Wh" ? 1 : e.unit == "kWh" ? 1000 : 1e6;
  } else if (e.unit.empty()) {
    e.pending_value = value.substr(0, 64);
    e.has_pending = true;
    return mqtt_mapped::info(); // until the unit arrives
  } else {
    return mqtt_mapped::reject(mqtt_reject::no_values,
                               "statestream: a sensor in " + e.unit.substr(0, 16));
  }
  auto v = mqtt_json::number(value);
  if (!v) {
    if (mqtt_json::state(value) == device_state::unavailable)
      return mqtt_mapped::reject(mqtt_reject::no_values, "statestream: unavailable");
    return mqtt_mapped::reject(mqtt_reject::bad_value, "statestream: state is not a number");
  }
  mqtt_reading r;
  r.device = device_of(object_id);
  if (r.device.empty())
    return mqtt_mapped::reject(mqtt_reject::bad_device_id, "statestream: no usable device id");
  (power ? r.power_w : r.energy_wh) = *v * scale;
  mqtt_mapped m;
  m.readings.push_back(std::move(r));
  return m;
}

mqtt_mapped ha_statestream::map(std::string_view topic, std::string_view payload) {
  auto p = *split(base_, topic);
  if (p.domain != "sensor") {
    if (p.leaf != "state")
      return mqtt_mapped::info();
    mqtt_reading r;
    r.device = device_of(p.object);
    if (r.device.empty())
      return mqtt_mapped::reject(mqtt_reject::bad_device_id, "statestream: no usable device id");
    if (!(r.state = mqtt_json::state(payload)))
      return mqtt_mapped::reject(mqtt_reject::bad_value, "statestream: unknown state");
    r.kind = p.domain == "light" ? device_kind::light : device_kind::plug;
    mqtt_mapped m;
    m.readings.push_back(std::move(r));
    return m;
  }
  std::string object{p.object};
  if (p.leaf == "unit_of_measurement") {
    if (sensors_.size() >= 100'000 && !sensors_.contains(object))
      return mqtt_mapped::reject(mqtt_reject::too_large, "statestream: too many sensors");
    auto& e = sensors_[object];
    std::string_view unit = payload;
    if (unit.size() >= 2 && unit.front() == '"' && unit.back() == '"')
      unit = unit.substr(1, unit.size() - 2);
    e.unit = unit.substr(0, 16);
    if (e.has_pending) {
      e.has_pending = false;
      auto value = std::move(e.pending_value);
      return sensor_value(object, e, value);
    }
    return mqtt_mapped::info();
  }
  if (p.leaf != "state")
    return mqtt_mapped::info();
  if (sensors_.size() >= 100'000 && !sensors_.contains(object))
    return mqtt_mapped::reject(mqtt_reject::too_large, "statestream: too many sensors");
  return sensor_value(object, sensors_[object], payload);
}

} // namespace hems::adapters
