#pragma once
// Shelly Gen2 (Plus/Pro) MQTT: `<prefix>/events/rpc` carries JSON-RPC
// notifications, e.g.
//   {"src":"shellyplusplugs-a8032ab1","dst":"shellyplusplugs-a8032ab1/events",
//    "method":"NotifyStatus","params":{"ts":1700000000.5,
//    "switch:0":{"id":0,"apower":15.3,"aenergy":{"total":1234.5},"output":true}}}
// (apower W, aenergy.total Wh; NotifyStatus holds only what changed,
// NotifyFullStatus everything). `<prefix>/status/switch:N` carries one
// component's whole status. Commands: Switch.Set over `<prefix>/rpc`.
// switch:0 is the device `<prefix>`; switch:N (N > 0) is `<prefix>-switchN`;
// em:0 (Pro 3EM) is a whole-home meter `<prefix>`.

#include <string_view>

#include <simdjson.h>

#include "adapters/mqtt_reading.hpp"

namespace hems::adapters {

bool is_shelly_topic(std::string_view topic);

mqtt_mapped map_shelly(std::string_view topic, std::string_view payload,
                       simdjson::dom::parser& parser);

} // namespace hems::adapters
