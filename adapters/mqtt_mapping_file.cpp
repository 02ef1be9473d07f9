#include "adapters/mqtt_mapping_file.hpp"

#include <charconv>

#include "adapters/mqtt_json.hpp"

namespace hems::adapters {

namespace dom = simdjson::dom;

namespace {

// "{1}" -> the first capture; other text is kept.
std::string substitute(std::string_view tpl, const std::vector<std::string_view>& captures) {
  std::string out;
  for (std::size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == '{') {
      auto close = tpl.find('}', i);
      std::size_t n = 0;
      if (close != std::string_view::npos) {
        auto digits = tpl.substr(i + 1, close - i - 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec == std::errc{} && end == digits.data() + digits.size() && n >= 1 &&
            n <= captures.size()) {
          out += captures[n - 1];
          i = close;
          continue;
        }
      }
    }
    out += tpl[i];
  }
  return out;
}

bool valid_pattern(std::string_view p) {
  if (p.empty())
    return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find('/', start);
    auto level = p.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if ((level.find('+') != std::string_view::npos && level != "+") ||
        (level.find('#') != std::string_view::npos && (level != "#" || end != std::string_view::npos)))
      return false;
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return true;
}

} // namespace

std::optional<std::vector<std::string_view>> match_topic(std::string_view pattern,
                                                         std::string_view topic) {
  std::vector<std::string_view> captures;
  for (;;) {
    auto pe = pattern.find('/');
    auto plevel = pattern.substr(0, pe);
    if (plevel == "#") {
      captures.push_back(topic);
      return captures;
    }
    auto te = topic.find('/');
    auto tlevel = topic.substr(0, te);
    if (plevel == "+")
      captures.push_back(tlevel);
    else if (plevel != tlevel)
      return std::nullopt;
    if (pe == std::string_view::npos || te == std::string_view::npos) {
      if (pe == std::string_view::npos && te == std::string_view::npos)
        return captures;
      if (te == std::string_view::npos && pattern.substr(pe + 1) == "#") {
        captures.push_back({});
        return captures;
      }
      return std::nullopt;
    }
    pattern.remove_prefix(pe + 1);
    topic.remove_prefix(te + 1);
  }
}

result<std::vector<mqtt_mapping_rule>> parse_mapping_file(std::string_view json) {
  dom::parser parser;
  dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc))
    return fail(errc::invalid_input, "mapping file: not JSON");
  dom::array devices;
  if (auto d = mqtt_json::at(doc, "devices"); !d || d->get(devices))
    return fail(errc::invalid_input, "mapping file: expected {\"devices\": [...]}");
  std::vector<mqtt_mapping_rule> rules;
  std::size_t index = 0;
  for (auto item : devices) {
    auto where = "mapping file: devices[" + std::to_string(index++) + "]";
    dom::object obj;
    if (item.get(obj))
      return fail(errc::invalid_input, where + " is not an object");
    mqtt_mapping_rule r;
    for (auto [key, value] : obj) {
      std::string_view s;
      double d = 0;
      if (key == "power_scale" || key == "energy_scale") {
        if (value.get(d) || !(d > 0) || d > 1e9)
          return fail(errc::invalid_input, where + "." + std::string{key} + ": expected a positive number");
        (key == "power_scale" ? r.power_scale : r.energy_scale) = d;
        continue;
      }
      if (value.get(s))
        return fail(errc::invalid_input, where + "." + std::string{key} + ": expected a string");
      if (key == "topic") r.topic = s;
      else if (key == "home") r.home = s;
      else if (key == "device") r.device = s;
      else if (key == "power") r.power = s;
      else if (key == "energy") r.energy = s;
      else if (key == "state") r.state = s;
      else if (key == "command_topic") r.command_topic = s;
      else if (key == "payload_on") r.payload_on = s;
      else if (key == "payload_off") r.payload_off = s;
      else if (key == "kind") {
        r.kind = parse_device_kind(s);
        if (!r.kind)
          return fail(errc::invalid_input, where + ".kind: unknown kind '" + std::string{s} + "'");
      } else
        return fail(errc::invalid_input, where + ": unknown field '" + std::string{key} + "'");
    }
    if (!valid_pattern(r.topic))
      return fail(errc::invalid_input, where + ".topic: expected an MQTT topic pattern");
    if (r.device.empty())
      return fail(errc::invalid_input, where + ".device: required");
    if (r.power.empty() && r.energy.empty() && r.state.empty())
      return fail(errc::invalid_input, where + ": needs power, energy or state");
    rules.push_back(std::move(r));
  }
  return rules;
}

mqtt_mapped map_with_rule(const mqtt_mapping_rule& rule,
                          const std::vector<std::string_view>& captures, std::string_view payload,
                          dom::parser& parser) {
  dom::element doc;
  bool json = !parser.parse(payload.data(), payload.size()).get(doc);
  auto field = [&](const std::string& path) -> std::optional<dom::element> {
    if (!json)
      return std::nullopt;
    return mqtt_json::at(doc, path);
  };
  auto id = [&](const std::string& tpl) -> std::string {
    if (tpl.starts_with("$.")) {
      std::string_view s;
      auto v = field(tpl);
      return v && !v->get(s) ? mqtt_json::clean_id(s) : std::string{};
    }
    return mqtt_json::clean_id(substitute(tpl, captures));
  };
  mqtt_reading r;
  r.home = rule.home.empty() ? std::string{} : id(rule.home);
  r.device = id(rule.device);
  if (r.device.empty() || (!rule.home.empty() && r.home.empty()))
    return mqtt_mapped::reject(mqtt_reject::bad_device_id, "mapping: no usable home or device id");
  auto read_number = [&](const std::string& path) -> std::optional<double> {
    if (path == "$" && !json)
      return mqtt_json::number(payload);
    auto v = field(path);
    return v ? mqtt_json::number(*v) : std::nullopt;
  };
  if (!json && rule.power != "$" && rule.energy != "$" && rule.state != "$")
    return mqtt_mapped::reject(mqtt_reject::not_json, "mapping: payload is not JSON");
  if (!rule.power.empty())
    if (auto w = read_number(rule.power))
      r.power_w = *w * rule.power_scale;
  if (!rule.energy.empty())
    if (auto wh = read_number(rule.energy))
      r.energy_wh = *wh * rule.energy_scale;
  if (!rule.state.empty()) {
    if (rule.state == "$" && !json)
      r.state = mqtt_json::state(payload);
    else if (auto v = field(rule.state))
      r.state = mqtt_json::state(*v);
  }
  if (!r.has_values())
    return mqtt_mapped::reject(mqtt_reject::no_values, "mapping: none of power, energy, state found");
  r.kind = rule.kind;
  if (!rule.command_topic.empty())
    r.route = mqtt_command_route{mqtt_command_route::style::mapped,
                                 substitute(rule.command_topic, captures), rule.payload_on,
                                 rule.payload_off, 0};
  mqtt_mapped m;
  m.readings.push_back(std::move(r));
  return m;
}

} // namespace hems::adapters
