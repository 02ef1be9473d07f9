#include "streams/preferences_read.hpp"

#include <cmath>
#include <set>

#include "core/time_format.hpp"

namespace hems::streams::json_read {

namespace {

// Two values for one key would mean one thing to one reader and another to
// the next (api/json_body.hpp refuses them for the same reason).
std::optional<std::string> duplicate_key(element e) {
  simdjson::dom::array arr;
  simdjson::dom::object obj;
  if (e.get_array().get(arr) == simdjson::SUCCESS) {
    for (auto child : arr)
      if (auto dup = duplicate_key(child))
        return dup;
  } else if (e.get_object().get(obj) == simdjson::SUCCESS) {
    std::set<std::string_view> seen;
    for (auto field : obj) {
      if (!seen.insert(field.key).second)
        return std::string{field.key};
      if (auto dup = duplicate_key(field.value))
        return dup;
    }
  }
  return std::nullopt;
}

} // namespace

std::expected<element, invalid_field> parse(simdjson::dom::parser& parser, std::string_view json) {
  element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc); err != simdjson::SUCCESS)
    return bad("body", std::string{"not valid JSON: "} + simdjson::error_message(err));
  if (auto dup = duplicate_key(doc))
    return bad(*dup, "appears twice");
  return doc;
}

std::expected<object, invalid_field> as_object(element e, const std::string& path) {
  object o;
  if (e.get_object().get(o) != simdjson::SUCCESS)
    return bad(path, "expected an object");
  return o;
}

std::expected<void, invalid_field> only_keys(object o, const std::string& path,
                                             std::initializer_list<std::string_view> known) {
  for (auto field : o) {
    bool ok = false;
    for (auto k : known)
      ok = ok || k == field.key;
    if (!ok)
      return bad(path.empty() ? std::string{field.key} : path + "." + std::string{field.key},
                 "unknown field");
  }
  return {};
}

std::expected<double, invalid_field> as_number(element e, const std::string& path) {
  double d = 0;
  if (e.is_int64())
    d = static_cast<double>(e.get_int64().value_unsafe());
  else if (e.is_uint64())
    d = static_cast<double>(e.get_uint64().value_unsafe());
  else if (e.is_double())
    d = e.get_double().value_unsafe();
  else
    return bad(path, "expected a number");
  if (!std::isfinite(d))
    return bad(path, "expected a finite number");
  return d;
}

std::expected<std::string, invalid_field> as_string(element e, const std::string& path) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS)
    return bad(path, "expected a string");
  return std::string{s};
}

std::expected<bool, invalid_field> as_bool(element e, const std::string& path) {
  bool b = false;
  if (e.get_bool().get(b) != simdjson::SUCCESS)
    return bad(path, "expected true or false");
  return b;
}

std::expected<millis, invalid_field> as_time(element e, const std::string& path) {
  if (e.is_int64())
    return e.get_int64().value_unsafe();
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS)
    if (auto t = parse_time(s))
      return *t;
  return bad(path, "expected ms since the epoch or an RFC 3339 time");
}

std::expected<daily_period, invalid_field> as_period(element e, const std::string& path,
                                                     double* price) {
  auto o = as_object(e, path);
  if (!o)
    return std::unexpected(o.error());
  auto known = price ? only_keys(*o, path, {"days", "start", "end", "price"})
                     : only_keys(*o, path, {"days", "start", "end"});
  if (!known)
    return std::unexpected(known.error());
  daily_period p;
  for (auto [key, out, end_of_day] :
       {std::tuple{"start", &p.start, false}, std::tuple{"end", &p.end, true}}) {
    element v;
    std::string field = path + "." + key;
    if (o->at_key(key).get(v) != simdjson::SUCCESS)
      return bad(field, "required (HH:MM)");
    auto text = as_string(v, field);
    if (!text)
      return std::unexpected(text.error());
    auto t = parse_time_of_day(*text, end_of_day);
    if (!t)
      return bad(field, "must be HH:MM");
    *out = *t;
  }
  if (p.start == p.end)
    return bad(path + ".end", "must differ from start");
  element days;
  if (o->at_key("days").get(days) == simdjson::SUCCESS) {
    simdjson::dom::array arr;
    if (days.get_array().get(arr) != simdjson::SUCCESS)
      return bad(path + ".days", "expected an array of mon..sun");
    std::size_t i = 0;
    for (auto d : arr) {
      std::string field = path + ".days[" + std::to_string(i++) + "]";
      auto name = as_string(d, field);
      if (!name)
        return std::unexpected(name.error());
      auto day = parse_weekday(*name);
      if (!day)
        return bad(field, "expected one of mon, tue, wed, thu, fri, sat, sun");
      for (int seen : p.days)
        if (seen == *day)
          return bad(field, "appears twice");
      p.days.push_back(*day);
    }
    if (p.days.empty())
      return bad(path + ".days", "must not be empty (leave it out for every day)");
  }
  if (price) {
    element v;
    if (o->at_key("price").get(v) != simdjson::SUCCESS)
      return bad(path + ".price", "required");
    auto n = as_number(v, path + ".price");
    if (!n)
      return std::unexpected(n.error());
    *price = *n;
  }
  return p;
}

} // namespace hems::streams::json_read
