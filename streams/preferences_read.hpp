#pragma once
// The field readers preferences.cpp and tariff.cpp share: each takes a
// simdjson element and the field's path, and fails naming that path.

#include <expected>
#include <initializer_list>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "streams/plan_problem.hpp"
#include "streams/preferences.hpp"

namespace hems::streams::json_read {

using element = simdjson::dom::element;
using object = simdjson::dom::object;
using failure = std::unexpected<invalid_field>;

inline failure bad(std::string field, std::string detail) {
  return failure{invalid_field{std::move(field), std::move(detail)}};
}

/// Parses a whole document; the failure names "body".
std::expected<element, invalid_field> parse(simdjson::dom::parser& parser, std::string_view json);

std::expected<object, invalid_field> as_object(element e, const std::string& path);
/// Refuses any key not in `known`, naming it.
std::expected<void, invalid_field> only_keys(object o, const std::string& path,
                                             std::initializer_list<std::string_view> known);
std::expected<double, invalid_field> as_number(element e, const std::string& path);
std::expected<std::string, invalid_field> as_string(element e, const std::string& path);
std::expected<bool, invalid_field> as_bool(element e, const std::string& path);
/// A time: ms since the epoch or RFC 3339.
std::expected<millis, invalid_field> as_time(element e, const std::string& path);
/// {"start": "HH:MM", "end": "HH:MM", "days": [...]}; `price_key` adds a
/// required number (tariff periods), written to `*price`.
std::expected<daily_period, invalid_field> as_period(element e, const std::string& path,
                                                     double* price = nullptr);

} // namespace hems::streams::json_read
