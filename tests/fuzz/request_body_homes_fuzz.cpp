// Fuzz target: how the authorization layer reads home ids out of a request
// body (api/json_body). Whatever the bytes, it must not crash; a body it
// accepts has no duplicate keys and nests at most 32 levels; every id it
// finds is a valid id or "*", so nothing unchecked reaches a scope test.

#include <cstdint>
#include <cstdlib>
#include <set>

#include "api/json_body.hpp"
#include "core/sample.hpp"

namespace {

bool has_duplicate_keys(simdjson::dom::element e, std::size_t depth, std::size_t& max_depth) {
  max_depth = std::max(max_depth, depth);
  if (e.type() == simdjson::dom::element_type::ARRAY) {
    for (auto child : simdjson::dom::array(e))
      if (has_duplicate_keys(child, depth + 1, max_depth))
        return true;
  } else if (e.type() == simdjson::dom::element_type::OBJECT) {
    std::set<std::string_view> keys;
    for (auto field : simdjson::dom::object(e))
      if (!keys.insert(field.key).second || has_duplicate_keys(field.value, depth + 1, max_depth))
        return true;
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static simdjson::dom::parser parser;
  auto body = hems::api::parse_json_body(parser, {reinterpret_cast<const char*>(data), size});
  if (!body)
    return 0;
  std::size_t depth = 0;
  if (has_duplicate_keys(*body, 1, depth) || depth > hems::api::max_body_depth)
    std::abort();
  auto homes = hems::api::body_homes(*body, {"/home", "/homes", "/devices/0/home", "/"});
  if (!homes)
    return 0;
  for (const auto& h : *homes)
    if (h != "*" && !hems::is_valid_id(h))
      std::abort();
  return 0;
}
