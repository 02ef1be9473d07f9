#pragma once
// Small readers shared by the MQTT mappers: values at dotted JSON paths,
// numbers that devices send as strings, on/off states in each ecosystem's
// spelling, and device ids cleaned up to the telemetry contract's alphabet.

#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/sample.hpp"

namespace hems::adapters::mqtt_json {

/// The element at a dotted path ("ENERGY.Power", "aenergy.total"; "" or "$"
/// is the element itself; a leading "$." is allowed).
std::optional<simdjson::dom::element> at(simdjson::dom::element e, std::string_view path);

/// A finite number: a JSON number, or a string holding one ("12.5").
std::optional<double> number(simdjson::dom::element e);
/// A finite number from raw text (a payload like `123.4`).
std::optional<double> number(std::string_view text);

/// ON/OFF, on/off, true/false, 1/0, standby, unavailable, offline.
std::optional<device_state> state(simdjson::dom::element e);
std::optional<device_state> state(std::string_view text);

/// A boolean (true/false, or "ON"/"OFF" style strings).
std::optional<bool> boolean(simdjson::dom::element e);

/// A device id in the contract's alphabet: other characters become '_',
/// longer names are cut to 64. Empty when nothing usable is left.
std::string clean_id(std::string_view name);

} // namespace hems::adapters::mqtt_json
