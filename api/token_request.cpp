#include "api/token_request.hpp"

#include "api/json_body.hpp"
#include "core/sample.hpp"
#include "core/time_format.hpp"

namespace hems::api {

namespace dom = simdjson::dom;

namespace {

using parse_result = std::expected<token_request, std::string>;

std::unexpected<std::string> bad(std::string detail) { return std::unexpected(std::move(detail)); }

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

} // namespace

std::expected<token_request, std::string> parse_token_request(std::string_view body, millis now) {
  dom::parser parser;
  auto doc = parse_json_body(parser, body);
  if (!doc)
    return bad(doc.error());
  dom::object fields;
  if (doc->get(fields))
    return bad("body: expected a JSON object");
  token_request out;
  bool has_role = false, has_homes = false, all_homes = false;
  std::vector<std::string> homes;
  for (auto [key, value] : fields) {
    if (key == "role") {
      std::string_view name;
      auto r = value.get(name) ? std::nullopt : security::parse_role(name);
      if (!r)
        return bad("role: expected admin, operator, resident or integrator");
      out.role = *r;
      has_role = true;
    } else if (key == "homes") {
      has_homes = true;
      std::string_view star;
      dom::array list;
      if (!value.get(star) && star == "*") {
        all_homes = true;
      } else if (!value.get(list)) {
        if (list.size() == 0 || list.size() > max_token_homes)
          return bad("homes: expected 1 to " + std::to_string(max_token_homes) + " home ids");
        for (auto item : list) {
          std::string_view id;
          if (item.get(id) || !is_valid_id(id))
            return bad("homes: expected home ids (1 to 64 of A-Z a-z 0-9 . _ -)");
          homes.emplace_back(id);
        }
      } else {
        return bad("homes: expected an array of home ids or \"*\"");
      }
    } else if (key == "expires" || key == "expires_in_s") {
      if (out.expires_ms)
        return bad("expires: give either expires or expires_in_s, not both");
      if (key == "expires") {
        std::int64_t ms = 0;
        std::string_view text;
        std::optional<millis> t;
        if (!value.get(ms))
          t = ms;
        else if (!value.get(text))
          t = parse_rfc3339(text);
        if (!t)
          return bad("expires: expected milliseconds since the epoch or an RFC 3339 time");
        out.expires_ms = *t;
      } else {
        std::int64_t seconds = 0;
        if (value.get(seconds) || seconds < 60 || seconds > max_token_lifetime_ms / 1000)
          return bad("expires_in_s: expected an integer from 60 to " +
                     std::to_string(max_token_lifetime_ms / 1000));
        out.expires_ms = now + seconds * 1000;
      }
      if (*out.expires_ms <= now)
        return bad("expires: must be in the future");
      if (*out.expires_ms - now > max_token_lifetime_ms)
        return bad("expires: at most 10 years ahead");
    } else if (key == "label") {
      std::string_view label;
      if (value.get(label) || label.size() > max_token_label || !printable(label))
        return bad("label: expected a string of at most " + std::to_string(max_token_label) +
                   " printable characters");
      out.label = label;
    } else {
      return bad("body: unknown field '" + std::string{key} + "'");
    }
  }
  if (!has_role)
    return bad("role: required");
  if (out.role == security::role::admin) {
    if (has_homes && !all_homes)
      return bad("homes: admin tokens cover every home; leave homes out or give \"*\"");
    out.scope = security::home_scope::everything();
    return out;
  }
  if (!has_homes)
    return bad("homes: required for " + std::string{security::to_string(out.role)} + " tokens");
  if (all_homes && out.role == security::role::resident)
    return bad("homes: a resident token lists its homes; \"*\" is not allowed");
  out.scope = all_homes ? security::home_scope::everything()
                        : security::home_scope::of(std::move(homes));
  return out;
}

} // namespace hems::api
