#pragma once
// A hems command as the MQTT message its device's ecosystem expects:
//   Home Assistant  <command_topic>        payload_on / payload_off
//   Zigbee2MQTT     <base>/<name>/set      {"state":"ON"} / {"state":"OFF"}
//   Shelly Gen2     <prefix>/rpc           {"id":N,"src":"hems","method":"Switch.Set","params":{"id":0,"on":false}}
//   Tasmota         cmnd/<t>/POWER         ON / OFF
//   mapping file    <command_topic>        payload_on / payload_off
// Only on and off travel over MQTT; set and start are refused with a reason.

#include <string>

#include "adapters/mqtt_reading.hpp"
#include "core/command.hpp"
#include "core/error.hpp"

namespace hems::adapters {

struct mqtt_publication {
  std::string topic;
  std::string payload;
};

/// `rpc_id` numbers Shelly requests (any increasing number).
result<mqtt_publication> encode_mqtt_command(const mqtt_command_route& route, const command& c,
                                             std::uint64_t rpc_id);

/// The state that confirms the command (on or off).
device_state expected_state(const command& c);

} // namespace hems::adapters
