#pragma once
// Home Assistant's MQTT statestream: `<base>/<domain>/<object>/state` holds
// an entity's state as plain text ("123.4", "on"), and with
// publish_attributes `<base>/<domain>/<object>/<attribute>` holds each
// attribute JSON-encoded ("\"W\"" for unit_of_measurement).
//
// hems reads switch and light states, and sensors whose unit is W/kW
// (power) or Wh/kWh/MWh (energy); the unit arrives on its own topic, so a
// sensor's value waits for its unit. Devices are named by the entity's
// object id without a trailing _power / _energy (sensor.washer_power and
// switch.washer are both the device `washer`). Commands cannot go back
// over statestream (it has no command topics).

#include <map>
#include <string>
#include <string_view>

#include "adapters/mqtt_reading.hpp"

namespace hems::adapters {

class ha_statestream {
public:
  explicit ha_statestream(std::string base) : base_(std::move(base)) {}

  const std::string& base() const { return base_; }
  bool claims(std::string_view topic) const;
  mqtt_mapped map(std::string_view topic, std::string_view payload);

  /// The device an entity's object id belongs to.
  static std::string device_of(std::string_view object_id);

private:
  struct entity {
    std::string unit;           ///< as published, without the JSON quotes
    std::string pending_value;  ///< a sensor state that arrived before its unit
    bool has_pending = false;
  };
  mqtt_mapped sensor_value(const std::string& object_id, entity& e, std::string_view value);

  std::string base_;
  std::map<std::string, entity, std::less<>> sensors_; ///< by object id
};

} // namespace hems::adapters
