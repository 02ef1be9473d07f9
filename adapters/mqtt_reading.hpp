#pragma once
// What one MQTT message says about one device, before it becomes a sample:
// ecosystems publish a device's power, energy and state in separate messages
// (or topics), so every field is optional; mqtt_device_table merges them.
// Also how to command the device back, when the message tells.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sample.hpp"

namespace hems::adapters {

/// How a device takes on/off commands over MQTT.
struct mqtt_command_route {
  enum class style : std::uint8_t { home_assistant, zigbee2mqtt, shelly, tasmota, mapped };
  style how = style::mapped;
  std::string topic;       ///< where commands go
  std::string on_payload;  ///< home_assistant, mapped: the payloads to publish
  std::string off_payload;
  int channel = 0; ///< shelly: the switch id

  friend bool operator==(const mqtt_command_route&, const mqtt_command_route&) = default;
};

struct mqtt_reading {
  std::string home; ///< empty: the adapter's default home
  std::string device;
  std::optional<double> power_w;
  std::optional<double> energy_wh;
  std::optional<device_state> state;
  std::optional<device_kind> kind;
  std::optional<double> temperature_c;
  std::optional<double> setpoint_c;
  std::optional<bool> occupied;
  std::optional<mqtt_command_route> route;

  bool has_values() const {
    return power_w || energy_wh || state || temperature_c || setpoint_c || occupied;
  }
};

/// Why a message was refused or left aside (the label of its counter).
enum class mqtt_reject : std::uint8_t {
  not_json,        ///< the payload should be JSON and is not
  bad_shape,       ///< JSON, but not the shape this ecosystem publishes
  bad_value,       ///< a power, energy or state that is not a finite number / known state
  bad_device_id,   ///< no usable device id (empty, or nothing valid left after cleaning)
  bad_discovery,   ///< a Home Assistant discovery config hems cannot use
  no_values,       ///< a message about a device with nothing hems tracks (a button press)
  unknown_topic,   ///< a topic no mapper claims
  too_large,       ///< more than the adapter's payload limit
};
inline constexpr std::size_t mqtt_reject_count = 8;
std::string_view to_string(mqtt_reject r);

/// The mapping of one message: readings, or why there are none.
struct mqtt_mapped {
  std::vector<mqtt_reading> readings;
  std::optional<mqtt_reject> rejected;
  std::string detail; ///< for the log: what exactly was wrong
  bool informational = false; ///< consumed without readings (discovery config, attribute)

  static mqtt_mapped reject(mqtt_reject r, std::string detail) {
    mqtt_mapped m;
    m.rejected = r;
    m.detail = std::move(detail);
    return m;
  }
  static mqtt_mapped info() {
    mqtt_mapped m;
    m.informational = true;
    return m;
  }
};

} // namespace hems::adapters
