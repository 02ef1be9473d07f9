#pragma once
// One telemetry sample, as defined by the telemetry contract
// (docs/TELEMETRY.md): the unit everything downstream of the decoder handles.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace hems {

enum class device_state : std::uint8_t { unknown, on, off, standby, unavailable };

enum class device_kind : std::uint8_t {
  unknown,
  light,
  plug,
  appliance,
  thermostat,
  hvac,
  water_heater,
  ev_charger,
  pv,
  battery,
  meter,
  presence,
};

std::string_view to_string(device_state s);
std::string_view to_string(device_kind k);
/// Parses a contract name; nullopt when the name is not one of the contract's.
std::optional<device_state> parse_device_state(std::string_view name);
std::optional<device_kind> parse_device_kind(std::string_view name);

struct sample {
  std::string home;
  std::string device;
  millis ts_ms = 0;
  double power_w = 0;
  std::optional<double> energy_wh;
  std::optional<std::uint64_t> seq;
  std::optional<bool> occupied;
  std::optional<double> temperature_c;
  std::optional<double> setpoint_c;
  std::optional<double> soc_pct;
  device_state state = device_state::unknown;
  device_kind kind = device_kind::unknown;

  friend bool operator==(const sample&, const sample&) = default;
};

/// Ids of homes and devices: 1 to 64 of `A-Z a-z 0-9 . _ -`.
bool is_valid_id(std::string_view id);

} // namespace hems
