#pragma once
// Zigbee2MQTT device topics: `<base>/<friendly name>` carries the device's
// JSON state, e.g. {"state":"ON","power":120.5,"energy":3.25,"linkquality":80}
// (power in W, energy in kWh). Commands go to `<base>/<name>/set` as
// {"state":"OFF"}. The bridge's own topics and /set, /get, /availability are
// not device states.

#include <string_view>

#include <simdjson.h>

#include "adapters/mqtt_reading.hpp"

namespace hems::adapters {

/// Whether `topic` is a device state topic under `base`.
bool is_zigbee2mqtt_state_topic(std::string_view base, std::string_view topic);

mqtt_mapped map_zigbee2mqtt(std::string_view base, std::string_view topic,
                            std::string_view payload, simdjson::dom::parser& parser);

} // namespace hems::adapters
