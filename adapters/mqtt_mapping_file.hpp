#pragma once
// The mapping file: how to read devices no built-in mapper knows. JSON:
//
//   {"devices": [
//     {"topic": "meters/+/reading",      MQTT pattern: + one level, # the rest
//      "home": "h-1",                     literal, "{1}" (the first + level) or "$.path"
//      "device": "{1}",
//      "power": "data.w",                 dotted JSON paths; "$" is the whole payload
//      "energy": "data.kwh", "energy_scale": 1000,   (scales: to W and Wh)
//      "state": "relay",
//      "kind": "meter",
//      "command_topic": "meters/{1}/set", "payload_on": "1", "payload_off": "0"}
//   ]}
//
// Only "topic" and "device" are required, and at least one of power, energy
// and state. Rules are tried in order; the first whose topic matches wins.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "adapters/mqtt_reading.hpp"
#include "core/error.hpp"

namespace hems::adapters {

struct mqtt_mapping_rule {
  std::string topic;
  std::string home, device;
  std::string power, energy, state;
  double power_scale = 1, energy_scale = 1;
  std::optional<device_kind> kind;
  std::string command_topic;
  std::string payload_on = "ON", payload_off = "OFF";
};

result<std::vector<mqtt_mapping_rule>> parse_mapping_file(std::string_view json);

/// The levels the pattern's wildcards matched ('#' yields the rest as one),
/// or nullopt when the topic does not match.
std::optional<std::vector<std::string_view>> match_topic(std::string_view pattern,
                                                         std::string_view topic);

mqtt_mapped map_with_rule(const mqtt_mapping_rule& rule,
                          const std::vector<std::string_view>& captures, std::string_view payload,
                          simdjson::dom::parser& parser);

} // namespace hems::adapters
