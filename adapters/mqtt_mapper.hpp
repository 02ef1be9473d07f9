#pragma once
// Topic and payload -> readings, for every ecosystem hems knows: the
// mapping file's rules first (the user's word wins), then Home Assistant
// discovery (configs and the state topics they announce), Zigbee2MQTT,
// Shelly Gen2, Tasmota, and Home Assistant statestream. Plain C++ without
// I/O: the adapter feeds it messages, the tests and the fuzz target too.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "adapters/mqtt_ha_discovery.hpp"
#include "adapters/mqtt_ha_statestream.hpp"
#include "adapters/mqtt_mapping_file.hpp"
#include "adapters/mqtt_reading.hpp"

namespace hems::adapters {

struct mqtt_mapper_options {
  std::string discovery_prefix = "homeassistant";
  std::string statestream_base = "homeassistant_statestream";
  std::string zigbee2mqtt_base = "zigbee2mqtt";
  bool shelly = true;
  bool tasmota = true;
  std::vector<mqtt_mapping_rule> rules;
  std::size_t max_payload_bytes = 256 << 10;
  std::size_t max_discovered_entities = 10'000;
};

class mqtt_mapper {
public:
  explicit mqtt_mapper(mqtt_mapper_options options);

  /// The subscriptions that cover every topic the mapper reads.
  std::vector<std::string> subscriptions() const;

  /// State topics announced by discovery since the last call (to subscribe to).
  std::vector<std::string> take_new_state_topics();

  mqtt_mapped map(std::string_view topic, std::string_view payload);

private:
  mqtt_mapped discovery(std::string_view topic, std::string_view payload);

  mqtt_mapper_options options_;
  simdjson::dom::parser parser_;
  ha_statestream statestream_;
  /// Discovered entities by config topic, and config topics by state topic.
  std::map<std::string, ha_discovered, std::less<>> entities_;
  std::map<std::string, std::vector<std::string>, std::less<>> by_state_topic_;
  std::vector<std::string> new_state_topics_;
};

} // namespace hems::adapters
