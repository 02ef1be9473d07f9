#include "api/json_body.hpp"

#include <algorithm>

#include "core/sample.hpp"

namespace hems::api {

namespace dom = simdjson::dom;

namespace {

// The first object (depth first) holding a key twice, as a message.
std::optional<std::string> duplicate_key(dom::element e) {
  if (e.type() == dom::element_type::ARRAY) {
    for (auto child : dom::array(e))
      if (auto dup = duplicate_key(child))
        return dup;
  } else if (e.type() == dom::element_type::OBJECT) {
    std::vector<std::string_view> keys;
    for (auto field : dom::object(e)) {
      keys.push_back(field.key);
      if (auto dup = duplicate_key(field.value))
        return dup;
    }
    std::sort(keys.begin(), keys.end());
    if (auto it = std::adjacent_find(keys.begin(), keys.end()); it != keys.end())
      return "body: the key '" + std::string{*it} + "' appears twice in one object";
  }
  return std::nullopt;
}

} // namespace

std::expected<dom::element, std::string> parse_json_body(dom::parser& parser,
                                                         std::string_view body) {
  if (body.empty())
    return std::unexpected("body: expected a JSON object");
  // parse() grows the buffers as needed and keeps the depth limit set here.
  if (parser.max_depth() != max_body_depth &&
      parser.allocate(std::max<std::size_t>(body.size(), 4096), max_body_depth))
    return std::unexpected("body: out of memory");
  dom::element doc;
  auto err = parser.parse(body.data(), body.size()).get(doc);
  if (err == simdjson::DEPTH_ERROR)
    return std::unexpected("body: nested deeper than " + std::to_string(max_body_depth) +
                           " levels");
  if (err == simdjson::UTF8_ERROR)
    return std::unexpected("body: not valid UTF-8");
  if (err)
    return std::unexpected("body: not valid JSON");
  if (auto dup = duplicate_key(doc))
    return std::unexpected(*dup);
  return doc;
}

std::expected<std::vector<std::string>, std::string>
body_homes(dom::element body, const std::vector<std::string>& pointers) {
  std::vector<std::string> homes;
  auto take = [&](dom::element e) -> bool {
    std::string_view id;
    if (e.get(id))
      return false;
    if (id != "*" && !is_valid_id(id))
      return false;
    homes.emplace_back(id);
    return true;
  };
  for (const auto& pointer : pointers) {
    dom::element e;
    auto err = body.at_pointer(pointer).get(e);
    if (err == simdjson::NO_SUCH_FIELD || err == simdjson::INDEX_OUT_OF_BOUNDS)
      continue;
    auto bad = [&] {
      return std::unexpected(pointer.substr(1) +
                             ": expected a home id (1 to 64 of A-Z a-z 0-9 . _ -), \"*\", "
                             "or an array of them");
    };
    if (err)
      return bad();
    if (e.type() == dom::element_type::ARRAY) {
      for (auto item : dom::array(e))
        if (!take(item))
          return bad();
    } else if (!take(e)) {
      return bad();
    }
  }
  return homes;
}

} // namespace hems::api
