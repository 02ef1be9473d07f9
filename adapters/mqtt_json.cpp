#include "adapters/mqtt_json.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace hems::adapters::mqtt_json {

namespace dom = simdjson::dom;

std::optional<dom::element> at(dom::element e, std::string_view path) {
  if (path == "$")
    return e;
  if (path.starts_with("$."))
    path.remove_prefix(2);
  while (!path.empty()) {
    auto dot = path.find('.');
    auto key = path.substr(0, dot);
    dom::object obj;
    if (e.get(obj))
      return std::nullopt;
    dom::element next;
    if (obj.at_key(key).get(next))
      return std::nullopt;
    e = next;
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return e;
}

std::optional<double> number(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.starts_with('+'))
    text.remove_prefix(1);
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || !std::isfinite(d))
    return std::nullopt;
  return d;
}

std::optional<double> number(dom::element e) {
  double d = 0;
  if (e.is_number()) {
    if (e.get(d))
      return std::nullopt; // a big integer beyond 64 bits is not a reading
    return std::isfinite(d) ? std::optional{d} : std::nullopt;
  }
  std::string_view s;
  if (!e.get(s))
    return number(s);
  return std::nullopt;
}

std::optional<device_state> state(std::string_view text) {
  std::string t{text};
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "on" || t == "true" || t == "1" || t == "open" || t == "heat" || t == "cool" ||
      t == "auto" || t == "charging")
    return device_state::on;
  if (t == "off" || t == "false" || t == "0" || t == "closed")
    return device_state::off;
  if (t == "standby" || t == "idle")
    return device_state::standby;
  if (t == "unavailable" || t == "offline" || t == "unknown")
    return device_state::unavailable;
  return std::nullopt;
}

std::optional<device_state> state(dom::element e) {
  bool b = false;
  if (!e.get(b))
    return b ? device_state::on : device_state::off;
  std::string_view s;
  if (!e.get(s))
    return state(s);
  std::int64_t i = 0;
  if (!e.get(i) && (i == 0 || i == 1))
    return i ? device_state::on : device_state::off;
  return std::nullopt;
}

std::optional<bool> boolean(dom::element e) {
  auto s = state(e);
  if (s == device_state::on)
    return true;
  if (s == device_state::off)
    return false;
  return std::nullopt;
}

std::string clean_id(std::string_view name) {
  std::string id;
  id.reserve(std::min<std::size_t>(name.size(), 64));
  for (char c : name) {
    if (id.size() == 64)
      break;
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    id.push_back(ok ? c : '_');
  }
  if (std::all_of(id.begin(), id.end(), [](char c) { return c == '_'; }))
    return {};
  return id;
}

} // namespace hems::adapters::mqtt_json
