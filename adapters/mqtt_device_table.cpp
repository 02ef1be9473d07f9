#include "adapters/mqtt_device_table.hpp"

#include <algorithm>

namespace hems::adapters {

std::vector<sample> mqtt_device_table::merge(std::vector<mqtt_reading>&& readings, millis now) {
  std::vector<std::pair<std::string, std::string>> touched;
  for (auto& r : readings) {
    std::pair key{r.home.empty() ? default_home_ : std::move(r.home), std::move(r.device)};
    if (!is_valid_id(key.first) || !is_valid_id(key.second)) {
      ++dropped_;
      continue;
    }
    auto it = devices_.find(key);
    if (it == devices_.end()) {
      if (devices_.size() >= max_devices_) {
        ++dropped_;
        continue;
      }
      it = devices_.emplace(key, known{}).first;
      it->second.last.home = key.first;
      it->second.last.device = key.second;
    }
    auto& d = it->second;
    auto& s = d.last;
    if (r.power_w) {
      s.power_w = std::clamp(*r.power_w, -1e6, 1e6);
      d.has_power = true;
    } else if (r.state == device_state::off) {
      s.power_w = 0; // off draws nothing until it says otherwise
    }
    if (r.energy_wh)
      s.energy_wh = r.energy_wh;
    if (r.state)
      s.state = *r.state;
    if (r.kind)
      s.kind = *r.kind;
    if (r.temperature_c && *r.temperature_c >= -100 && *r.temperature_c <= 200)
      s.temperature_c = r.temperature_c;
    if (r.setpoint_c && *r.setpoint_c >= -100 && *r.setpoint_c <= 200)
      s.setpoint_c = r.setpoint_c;
    if (r.occupied)
      s.occupied = r.occupied;
    if (r.route)
      d.route = std::move(r.route);
    if (std::find(touched.begin(), touched.end(), key) == touched.end())
      touched.push_back(std::move(key));
  }
  std::vector<sample> out;
  out.reserve(touched.size());
  for (const auto& key : touched) {
    auto& s = devices_.at(key).last;
    s.ts_ms = std::max(now, s.ts_ms + 1); // a new key for each message, in order
    out.push_back(s);
  }
  return out;
}

std::optional<std::optional<mqtt_command_route>>
mqtt_device_table::route(const std::string& home, const std::string& device) const {
  auto it = devices_.find({home, device});
  if (it == devices_.end())
    return std::nullopt;
  return it->second.route;
}

} // namespace hems::adapters
