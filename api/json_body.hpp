#pragma once
// Request bodies as every handler and the authorization layer read them: one
// parse with the same rules, so the layer that checks a body's home ids and
// the handler that acts on them can never read two different documents.
// Duplicate keys are refused outright ({"home":"mine","home":"yours"} would
// otherwise mean one thing to a checker that takes the first and another to
// a handler that takes the last), and so is nesting deeper than 32 levels.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace hems::api {

inline constexpr std::size_t max_body_depth = 32;

/// Parses `body` with `parser` (whose buffers the element then lives in), or
/// says what is wrong with it.
std::expected<simdjson::dom::element, std::string> parse_json_body(simdjson::dom::parser& parser,
                                                                   std::string_view body);

/// The home ids a body names at `pointers` (JSON pointers, e.g. "/home"):
/// each is an id, "*" (every home), or an array of those; a pointer that is
/// absent names none. The error names the pointer that holds something else.
std::expected<std::vector<std::string>, std::string>
body_homes(simdjson::dom::element body, const std::vector<std::string>& pointers);

} // namespace hems::api
