#include "core/sample.hpp"

#include <array>
#include <utility>

namespace hems {

namespace {

constexpr std::array<std::pair<device_state, std::string_view>, 5> state_names{{
  {device_state::unknown, "unknown"},
  {device_state::on, "on"},
  {device_state::off, "off"},
  {device_state::standby, "standby"},
  {device_state::unavailable, "unavailable"},
}};

constexpr std::array<std::pair<device_kind, std::string_view>, 12> kind_names{{
  {device_kind::unknown, "unknown"},
  {device_kind::light, "light"},
  {device_kind::plug, "plug"},
  {device_kind::appliance, "appliance"},
  {device_kind::thermostat, "thermostat"},
  {device_kind::hvac, "hvac"},
  {device_kind::water_heater, "water_heater"},
  {device_kind::ev_charger, "ev_charger"},
  {device_kind::pv, "pv"},
  {device_kind::battery, "battery"},
  {device_kind::meter, "meter"},
  {device_kind::presence, "presence"},
}};

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum e) {
  for (const auto& [value, name] : table)
    if (value == e)
      return name;
  return "unknown";
}

// "unknown" is how hems says "not reported"; it is not a value a sender may use.
template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::pair<Enum, std::string_view>, N>& table,
                               std::string_view name) {
  for (std::size_t i = 1; i < N; ++i)
    if (table[i].second == name)
      return table[i].first;
  return std::nullopt;
}

} // namespace

std::string_view to_string(device_state s) { return name_of(state_names, s); }
std::string_view to_string(device_kind k) { return name_of(kind_names, k); }
std::optional<device_state> parse_device_state(std::string_view name) {
  return parse_name(state_names, name);
}
std::optional<device_kind> parse_device_kind(std::string_view name) {
  return parse_name(kind_names, name);
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

} // namespace hems
