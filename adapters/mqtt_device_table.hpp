#pragma once
// The devices the MQTT adapter has heard of: each message's readings are
// merged into the device's last known values (ecosystems publish power,
// energy and state separately), so every message yields one complete sample
// per device. A device that never reported power counts 0 W; one that
// switched off without a new power reading counts 0 W too. Also keeps each
// device's command route. Plain C++; one thread owns it.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/mqtt_reading.hpp"
#include "core/sample.hpp"

namespace hems::adapters {

class mqtt_device_table {
public:
  explicit mqtt_device_table(std::string default_home, std::size_t max_devices = 100'000)
      : default_home_(std::move(default_home)), max_devices_(max_devices) {}

  /// One message's readings as samples stamped `now` (one per device).
  /// Readings of devices beyond the limit are dropped (counted in `dropped`).
  std::vector<sample> merge(std::vector<mqtt_reading>&& readings, millis now);

  /// The device's command route, if it came from MQTT with one.
  /// (outer nullopt: not an MQTT device; inner: an MQTT device without one)
  std::optional<std::optional<mqtt_command_route>> route(const std::string& home,
                                                         const std::string& device) const;

  std::size_t size() const { return devices_.size(); }
  std::size_t dropped() const { return dropped_; }
  const std::string& default_home() const { return default_home_; }

private:
  struct known {
    sample last;
    bool has_power = false;
    std::optional<mqtt_command_route> route;
  };
  std::string default_home_;
  std::size_t max_devices_;
  std::size_t dropped_ = 0;
  std::map<std::pair<std::string, std::string>, known> devices_;
};

} // namespace hems::adapters
