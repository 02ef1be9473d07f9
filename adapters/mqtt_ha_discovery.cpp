#include "adapters/mqtt_ha_discovery.hpp"

#include <cctype>

#include "adapters/mqtt_json.hpp"

namespace hems::adapters {

namespace dom = simdjson::dom;

namespace {

std::optional<std::string_view> text(dom::element doc, std::string_view key,
                                     std::string_view abbreviation = {}) {
  std::string_view s;
  for (auto k : {key, abbreviation})
    if (!k.empty())
      if (auto v = mqtt_json::at(doc, k); v && !v->get(s))
        return s;
  return std::nullopt;
}

std::string expand_base(std::string_view topic, std::optional<std::string_view> base) {
  if (!base)
    return std::string{topic};
  if (topic.starts_with('~'))
    return std::string{*base} + std::string{topic.substr(1)};
  if (topic.ends_with('~'))
    return std::string{topic.substr(0, topic.size() - 1)} + std::string{*base};
  return std::string{topic};
}

// The device id: the HA device's first identifier, its name, the entity's
// unique id, or the object id from the topic.
std::string device_id(dom::element doc, std::string_view object_id) {
  dom::element dev;
  for (auto k : {"device", "dev"})
    if (auto v = mqtt_json::at(doc, k)) {
      dev = *v;
      for (auto ids : {"identifiers", "ids"})
        if (auto i = mqtt_json::at(dev, ids)) {
          std::string_view s;
          dom::array a;
          if (!i->get(a) && a.size() > 0 && !a.at(0).get(s))
            return mqtt_json::clean_id(s);
          if (!i->get(s))
            return mqtt_json::clean_id(s);
        }
      if (auto n = text(dev, "name"))
        return mqtt_json::clean_id(*n);
    }
  if (auto u = text(doc, "unique_id", "uniq_id"))
    return mqtt_json::clean_id(*u);
  return mqtt_json::clean_id(object_id);
}

} // namespace

bool is_ha_discovery_topic(std::string_view prefix, std::string_view topic) {
  if (!topic.starts_with(prefix) || topic.size() <= prefix.size() + 1 ||
      topic[prefix.size()] != '/' || !topic.ends_with("/config"))
    return false;
  auto middle = topic.substr(prefix.size() + 1);
  std::size_t slashes = 0;
  for (char c : middle)
    slashes += c == '/';
  return slashes == 2 || slashes == 3;
}

std::optional<std::string> ha_template_path(std::string_view tpl) {
  auto open = tpl.find("{{");
  auto close = tpl.rfind("}}");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  auto expr = tpl.substr(open + 2, close - open - 2);
  if (expr.find("{{") != std::string_view::npos)
    return std::nullopt;
  if (auto bar = expr.find('|'); bar != std::string_view::npos)
    expr = expr.substr(0, bar); // filters: | float, | round(1), | int
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.front())))
    expr.remove_prefix(1);
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back())))
    expr.remove_suffix(1);
  if (expr == "value")
    return std::string{};
  if (!expr.starts_with("value_json"))
    return std::nullopt;
  expr.remove_prefix(10);
  std::string path;
  while (!expr.empty()) {
    std::string_view key;
    if (expr.front() == '.') {
      expr.remove_prefix(1);
      std::size_t n = 0;
      while (n < expr.size() && (std::isalnum(static_cast<unsigned char>(expr[n])) || expr[n] == '_'))
        ++n;
      key = expr.substr(0, n);
      expr.remove_prefix(n);
    } else if (expr.starts_with("['") || expr.starts_with("[\"")) {
      char quote = expr[1];
      auto end = expr.find(quote, 2);
      if (end == std::string_view::npos || end + 1 >= expr.size() || expr[end + 1] != ']')
        return std::nullopt;
      key = expr.substr(2, end - 2);
      expr.remove_prefix(end + 2);
    } else {
      return std::nullopt;
    }
    if (key.empty() || key.find('.') != std::string_view::npos)
      return std::nullopt;
    if (!path.empty())
      path += '.';
    path += key;
  }
  if (path.empty())
    return std::nullopt;
  return path;
}

ha_discovery_result parse_ha_discovery(std::string_view topic, std::string_view payload,
                                       dom::parser& parser) {
  ha_discovery_result out;
  // <prefix>/<component>/[<node>/]<object>/config
  auto without = topic.substr(0, topic.size() - 7);
  auto object_id = without.substr(without.rfind('/') + 1);
  auto first = topic.find('/');
  auto component = topic.substr(first + 1, topic.find('/', first + 1) - first - 1);
  if (payload.empty()) {
    out.discovered = ha_discovered{std::string{topic}, {}, std::nullopt};
    out.outcome = mqtt_mapped::info();
    return out;
  }
  auto refuse = [&](mqtt_reject r, std::string detail) {
    out.outcome = mqtt_mapped::reject(r, "home assistant discovery: " + std::move(detail));
    return out;
  };
  dom::element doc;
  if (parser.parse(payload.data(), payload.size()).get(doc))
    return refuse(mqtt_reject::not_json, "config is not JSON");
  if (!doc.is_object())
    return refuse(mqtt_reject::bad_discovery, "config is not an object");
  auto base = text(doc, "~");
  ha_entity e;
  auto device_class = text(doc, "device_class", "dev_cla").value_or("");
  auto unit = text(doc, "unit_of_measurement", "unit_of_meas").value_or("");
  if (component == "sensor" && device_class == "power") {
    e.what = ha_entity::measure::power;
    if (unit == "kW")
      e.scale = 1000;
    else if (!unit.empty() && unit != "W")
      return refuse(mqtt_reject::bad_discovery, "power in unknown unit '" + std::string{unit} + "'");
  } else if (component == "sensor" && device_class == "energy") {
    e.what = ha_entity::measure::energy;
    if (unit == "kWh" || unit.empty())
      e.scale = 1000;
    else if (unit == "MWh")
      e.scale = 1e6;
    else if (unit != "Wh")
      return refuse(mqtt_reject::bad_discovery, "energy in unknown unit '" + std::string{unit} + "'");
  } else if (component == "sensor" && device_class == "temperature" && unit != "°F") {
    e.what = ha_entity::measure::temperature;
  } else if (component == "binary_sensor" &&
             (device_class == "occupancy" || device_class == "motion" || device_class == "presence")) {
    e.what = ha_entity::measure::occupancy;
    e.kind = device_kind::presence;
  } else if (component == "switch" || component == "light") {
    e.what = ha_entity::measure::state;
    e.kind = component == "light" ? device_kind::light : device_kind::plug;
  } else {
    out.discovered = ha_discovered{std::string{topic}, {}, std::nullopt}; // not tracked
    out.outcome = mqtt_mapped::info();
    return out;
  }
  auto state_topic = text(doc, "state_topic", "stat_t");
  if (!state_topic || state_topic->empty())
    return refuse(mqtt_reject::bad_discovery, "no state_topic");
  std::optional<std::string_view> tpl;
  if (e.what == ha_entity::measure::state)
    tpl = text(doc, "state_value_template", "stat_val_tpl");
  if (!tpl)
    tpl = text(doc, "value_template", "val_tpl");
  bool json_schema = text(doc, "schema").value_or("") == "json";
  if (tpl) {
    auto path = ha_template_path(*tpl);
    if (!path)
      return refuse(mqtt_reject::bad_discovery, "value_template '" + std::string{tpl->substr(0, 80)} +
                                                  "' is not {{ value_json.path }}");
    e.value_path = *path;
  } else if (json_schema) {
    e.value_path = "state";
  }
  e.device = device_id(doc, object_id);
  if (e.device.empty())
    return refuse(mqtt_reject::bad_device_id, "no usable device id");
  if (e.what == ha_entity::measure::state) {
    std::string on{text(doc, "payload_on", "pl_on").value_or("ON")};
    std::string off{text(doc, "payload_off", "pl_off").value_or("OFF")};
    e.state_on = text(doc, "state_on", "stat_on").value_or(on);
    e.state_off = text(doc, "state_off", "stat_off").value_or(off);
    if (json_schema) {
      on = R"({"state":"ON"})";
      off = R"({"state":"OFF"})";
    }
    if (auto cmd = text(doc, "command_topic", "cmd_t"); cmd && !cmd->empty())
      e.route = mqtt_command_route{mqtt_command_route::style::home_assistant,
                                   expand_base(*cmd, base), on, off, 0};
  }
  auto state = expand_base(*state_topic, base);
  if (state.find_first_of("+#") != std::string::npos || state.size() > 1024)
    return refuse(mqtt_reject::bad_discovery, "state_topic is a pattern, not a topic");
  out.discovered = ha_discovered{std::string{topic}, std::move(state), std::move(e)};
  out.outcome = mqtt_mapped::info();
  return out;
}

mqtt_mapped map_ha_state(const ha_entity& e, std::string_view payload, dom::parser& parser) {
  mqtt_reading r;
  r.device = e.device;
  r.kind = e.kind;
  r.route = e.route;
  std::optional<dom::element> value;
  if (!e.value_path.empty()) {
    dom::element doc;
    if (parser.parse(payload.data(), payload.size()).get(doc))
      return mqtt_mapped::reject(mqtt_reject::not_json, "home assistant: state is not JSON");
    value = mqtt_json::at(doc, e.value_path);
    if (!value)
      return mqtt_mapped::reject(mqtt_reject::no_values,
                                 "home assistant: no " + e.value_path + " in the state");
  }
  std::string_view raw = payload;
  if (value) {
    std::string_view s;
    if (!value->get(s))
      raw = s;
  }
  auto num = [&]() { return value && value->is_number() ? mqtt_json::number(*value) : mqtt_json::number(raw); };
  switch (e.what) {
    case ha_entity::measure::power:
    case ha_entity::measure::energy:
    case ha_entity::measure::temperature: {
      auto v = num();
      if (!v) {
        if (mqtt_json::state(raw) == device_state::unavailable)
          return mqtt_mapped::reject(mqtt_reject::no_values, "home assistant: unavailable");
        return mqtt_mapped::reject(mqtt_reject::bad_value, "home assistant: state is not a number");
      }
      if (e.what == ha_entity::measure::power)
        r.power_w = *v * e.scale;
      else if (e.what == ha_entity::measure::energy)
        r.energy_wh = *v * e.scale;
      else
        r.temperature_c = *v;
      break;
    }
    case ha_entity::measure::state:
    case ha_entity::measure::occupancy: {
      std::optional<device_state> s;
      if (value && value->is_bool())
        s = mqtt_json::state(*value);
      else if (raw == e.state_on)
        s = device_state::on;
      else if (raw == e.state_off)
        s = device_state::off;
      else
        s = mqtt_json::state(raw);
      if (!s)
        return mqtt_mapped::reject(mqtt_reject::bad_value, "home assistant: unknown state");
      if (e.what == ha_entity::measure::state)
        r.state = s;
      else if (s == device_state::on || s == device_state::off)
        r.occupied = s == device_state::on;
      else
        return mqtt_mapped::reject(mqtt_reject::no_values, "home assistant: unavailable");
      break;
    }
  }
  mqtt_mapped m;
  m.readings.push_back(std::move(r));
  return m;
}

} // namespace hems::adapters
