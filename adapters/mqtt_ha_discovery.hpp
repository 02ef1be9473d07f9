#pragma once
// Home Assistant MQTT discovery: `<prefix>/<component>/[<node>/]<object>/config`
// holds an entity's config (full or abbreviated keys, `~` for a base topic):
// where its state is published, how to read it (value_template), its unit,
// and for switches and lights the command topic and payloads. hems keeps
// the entities it can use: sensors of device_class power and energy,
// temperature sensors, occupancy/motion/presence binary sensors, switches
// and lights. An empty config removes the entity.
//
// value_template: `{{ value_json.a.b }}` / `{{ value_json['a'] }}` (with
// filters like `| float`) read that path; `{{ value }}` or none reads the
// payload itself. Other templates make the entity unusable (counted).

#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "adapters/mqtt_reading.hpp"

namespace hems::adapters {

struct ha_entity {
  enum class measure : std::uint8_t { power, energy, state, temperature, occupancy };
  std::string device;       ///< hems device id (the HA device's first identifier, ...)
  measure what = measure::power;
  double scale = 1;         ///< to W or Wh (kW, kWh, MWh)
  std::string value_path;   ///< a dotted JSON path; empty: the payload itself
  std::string state_on = "ON", state_off = "OFF";
  std::optional<device_kind> kind;
  std::optional<mqtt_command_route> route;
};

struct ha_discovered {
  std::string config_topic;
  std::string state_topic;
  std::optional<ha_entity> entity; ///< nullopt: removed, or not something hems tracks
};

bool is_ha_discovery_topic(std::string_view prefix, std::string_view topic);

/// The entity a config announces; `rejected` set when the config is unusable.
struct ha_discovery_result {
  std::optional<ha_discovered> discovered;
  mqtt_mapped outcome; ///< informational, or the reason it was refused
};
ha_discovery_result parse_ha_discovery(std::string_view topic, std::string_view payload,
                                       simdjson::dom::parser& parser);

/// The dotted path a value_template reads ("" for the payload itself);
/// nullopt when hems cannot evaluate the template.
std::optional<std::string> ha_template_path(std::string_view value_template);

/// A message on a discovered entity's state topic.
mqtt_mapped map_ha_state(const ha_entity& entity, std::string_view payload,
                         simdjson::dom::parser& parser);

} // namespace hems::adapters
