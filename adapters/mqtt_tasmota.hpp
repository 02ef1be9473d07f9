#pragma once
// Tasmota (default FullTopic %prefix%/%topic%/):
//   tele/<t>/SENSOR  {"Time":"...","ENERGY":{"Total":12.345,"Power":45,...}}  (kWh, W;
//                    Power is an array on multi-channel meters: summed)
//   tele/<t>/STATE   {"Time":"...","POWER":"ON",...}  (or POWER1)
//   stat/<t>/RESULT  {"POWER":"OFF"}   (the answer to a command)
//   stat/<t>/POWER   OFF
// Commands: cmnd/<t>/POWER with ON or OFF. The device id is <t>.

#include <string_view>

#include <simdjson.h>

#include "adapters/mqtt_reading.hpp"

namespace hems::adapters {

bool is_tasmota_topic(std::string_view topic);

mqtt_mapped map_tasmota(std::string_view topic, std::string_view payload,
                        simdjson::dom::parser& parser);

} // namespace hems::adapters
