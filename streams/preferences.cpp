#include "streams/preferences.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/json_writer.hpp"
#include "core/sample.hpp"
#include "streams/preferences_read.hpp"

namespace hems::streams {

namespace {

constexpr std::array<std::string_view, 7> weekday_names{"mon", "tue", "wed", "thu",
                                                        "fri", "sat", "sun"};

using json_read::bad;

std::expected<std::vector<std::string>, invalid_field> read_device_list(json_read::element e,
                                                                        const std::string& path) {
  simdjson::dom::array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS)
    return bad(path, "expected an array of device ids");
  std::vector<std::string> out;
  std::size_t i = 0;
  for (auto d : arr) {
    std::string field = path + "[" + std::to_string(i++) + "]";
    auto id = json_read::as_string(d, field);
    if (!id)
      return std::unexpected(id.error());
    if (!is_valid_id(*id))
      return bad(field, "not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
    out.push_back(std::move(*id));
  }
  if (out.size() > 1000)
    return bad(path, "at most 1000 devices");
  return out;
}

std::expected<int, invalid_field> read_minutes(json_read::element e, const std::string& path,
                                               int max) {
  auto n = json_read::as_number(e, path);
  if (!n)
    return std::unexpected(n.error());
  if (*n != static_cast<int>(*n) || *n < 0 || *n > max)
    return bad(path, "expected whole minutes from 0 to " + std::to_string(max));
  return static_cast<int>(*n);
}

void write_period(json_writer& w, const daily_period& p) {
  w.begin_object()
      .field("start", format_time_of_day(p.start))
      .field("end", format_time_of_day(p.end));
  if (!p.days.empty()) {
    w.key("days").begin_array();
    for (int d : p.days)
      w.value(weekday_name(d));
    w.end_array();
  }
  w.end_object();
}

} // namespace

bool daily_period::contains(const local_moment& m) const {
  auto on = [&](int weekday) {
    return days.empty() || std::find(days.begin(), days.end(), weekday) != days.end();
  };
  if (start < end)
    return on(m.weekday) && m.ms_of_day >= start && m.ms_of_day < end;
  // Past midnight: the evening part on its own day, the morning part on the next.
  if (m.ms_of_day >= start)
    return on(m.weekday);
  return m.ms_of_day < end && on((m.weekday + 6) % 7);
}

std::optional<millis> parse_time_of_day(std::string_view text, bool allow_end_of_day) {
  if (text.size() != 5 || text[2] != ':')
    return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      return std::nullopt;
  int hh = (text[0] - '0') * 10 + (text[1] - '0');
  int mm = (text[3] - '0') * 10 + (text[4] - '0');
  if (mm > 59 || hh > 24 || (hh == 24 && (mm != 0 || !allow_end_of_day)))
    return std::nullopt;
  return hh * hour_ms + mm * minute_ms;
}

std::string format_time_of_day(millis ms_of_day) {
  auto hh = ms_of_day / hour_ms;
  auto mm = (ms_of_day % hour_ms) / minute_ms;
  std::string out(5, '0');
  out[0] = static_cast<char>('0' + hh / 10);
  out[1] = static_cast<char>('0' + hh % 10);
  out[2] = ':';
  out[3] = static_cast<char>('0' + mm / 10);
  out[4] = static_cast<char>('0' + mm % 10);
  return out;
}

std::optional<int> parse_weekday(std::string_view name) {
  for (int i = 0; i < 7; ++i)
    if (weekday_names[i] == name)
      return i;
  return std::nullopt;
}

std::string_view weekday_name(int day) {
  return weekday_names.at(static_cast<std::size_t>(day));
}

std::expected<preferences_document, invalid_field> read_preferences(std::string_view json,
                                                                    std::string_view home) {
  simdjson::dom::parser parser;
  auto doc = json_read::parse(parser, json);
  if (!doc)
    return std::unexpected(doc.error());
  auto o = json_read::as_object(*doc, "body");
  if (!o)
    return std::unexpected(o.error());
  if (auto k =
          json_read::only_keys(*o, "",
                               {"home", "time_zone", "peak_hours", "import_cap_w", "comfort",
                                "essential_devices", "protected_devices", "manual_override_min",
                                "min_on_min", "min_off_min", "notifications"});
      !k)
    return std::unexpected(k.error());
  preferences_document out;
  auto& p = out.preferences;
  for (auto field : *o) {
    std::string key{field.key};
    auto v = field.value;
    if (key == "home") {
      auto h = json_read::as_string(v, key);
      if (!h)
        return std::unexpected(h.error());
      if (*h != home)
        return bad(key, "must be the home of the query ('" + std::string{home} + "')");
    } else if (key == "time_zone") {
      auto z = json_read::as_string(v, key);
      if (!z)
        return std::unexpected(z.error());
      if (!local_zone::from_name(*z))
        return bad(key, "unknown time zone '" + *z + "'");
      out.time_zone = std::move(*z);
    } else if (key == "peak_hours") {
      simdjson::dom::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS)
        return bad(key, "expected an array of {start, end, days}");
      std::size_t i = 0;
      for (auto e : arr) {
        auto period = json_read::as_period(e, key + "[" + std::to_string(i++) + "]");
        if (!period)
          return std::unexpected(period.error());
        p.peak_hours.push_back(std::move(*period));
      }
      if (p.peak_hours.size() > 50)
        return bad(key, "at most 50 periods");
    } else if (key == "import_cap_w") {
      if (v.is_null())
        continue;
      auto n = json_read::as_number(v, key);
      if (!n)
        return std::unexpected(n.error());
      if (*n <= 0 || *n > 1e6)
        return bad(key, "expected watts above 0 and at most 1000000 (or null for none)");
      p.import_cap_w = *n;
    } else if (key == "comfort") {
      auto c = json_read::as_object(v, key);
      if (!c)
        return std::unexpected(c.error());
      if (auto k = json_read::only_keys(*c, key, {"thermostat"}); !k)
        return std::unexpected(k.error());
      json_read::element t;
      if (c->at_key("thermostat").get(t) != simdjson::SUCCESS)
        continue;
      auto to = json_read::as_object(t, "comfort.thermostat");
      if (!to)
        return std::unexpected(to.error());
      if (auto k = json_read::only_keys(*to, "comfort.thermostat", {"min_c", "max_c"}); !k)
        return std::unexpected(k.error());
      thermostat_comfort range;
      for (auto [name, out_c] :
           {std::pair{"min_c", &range.min_c}, std::pair{"max_c", &range.max_c}}) {
        std::string f = std::string{"comfort.thermostat."} + name;
        json_read::element x;
        if (to->at_key(name).get(x) != simdjson::SUCCESS)
          return bad(f, "required");
        auto n = json_read::as_number(x, f);
        if (!n)
          return std::unexpected(n.error());
        if (*n < 5 || *n > 35)
          return bad(f, "expected degrees Celsius from 5 to 35");
        *out_c = *n;
      }
      if (range.min_c > range.max_c)
        return bad("comfort.thermostat.max_c", "must not be below min_c");
      p.thermostat = range;
    } else if (key == "essential_devices" || key == "protected_devices") {
      auto list = read_device_list(v, key);
      if (!list)
        return std::unexpected(list.error());
      (key == "essential_devices" ? p.essential_devices : p.protected_devices) = std::move(*list);
    } else if (key == "manual_override_min" || key == "min_on_min" || key == "min_off_min") {
      auto n = read_minutes(v, key, key == "manual_override_min" ? 1440 : 120);
      if (!n)
        return std::unexpected(n.error());
      (key == "manual_override_min" ? p.manual_override_min
       : key == "min_on_min"        ? p.min_on_min
                                    : p.min_off_min) = *n;
    } else if (key == "notifications") {
      auto n = json_read::as_object(v, key);
      if (!n)
        return std::unexpected(n.error());
      if (auto k = json_read::only_keys(
              *n, key, {"automation", "peak_warning", "anomaly", "offline", "command_failed"});
          !k)
        return std::unexpected(k.error());
      auto& c = p.notifications;
      for (auto [name, flag] :
           {std::pair{"automation", &c.automation}, std::pair{"peak_warning", &c.peak_warning},
            std::pair{"anomaly", &c.anomaly}, std::pair{"offline", &c.offline},
            std::pair{"command_failed", &c.command_failed}}) {
        json_read::element x;
        if (n->at_key(name).get(x) != simdjson::SUCCESS)
          continue;
        auto b = json_read::as_bool(x, key + "." + name);
        if (!b)
          return std::unexpected(b.error());
        *flag = *b;
      }
    }
  }
  return out;
}

std::string preferences_json(std::string_view home, const home_preferences& p,
                             std::string_view time_zone) {
  json_writer w;
  w.begin_object().field("home", home);
  if (!time_zone.empty())
    w.field("time_zone", time_zone);
  w.key("peak_hours").begin_array();
  for (const auto& period : p.peak_hours)
    write_period(w, period);
  w.end_array().key("import_cap_w");
  if (p.import_cap_w)
    w.value(*p.import_cap_w);
  else
    w.null();
  w.key("comfort").begin_object();
  if (p.thermostat)
    w.key("thermostat")
        .begin_object()
        .field("min_c", p.thermostat->min_c)
        .field("max_c", p.thermostat->max_c)
        .end_object();
  w.end_object();
  for (auto [key, list] : {std::pair{"essential_devices", &p.essential_devices},
                           std::pair{"protected_devices", &p.protected_devices}}) {
    w.key(key).begin_array();
    for (const auto& d : *list)
      w.value(d);
    w.end_array();
  }
  w.field("manual_override_min", p.manual_override_min)
      .field("min_on_min", p.min_on_min)
      .field("min_off_min", p.min_off_min);
  const auto& n = p.notifications;
  w.key("notifications")
      .begin_object()
      .field("automation", n.automation)
      .field("peak_warning", n.peak_warning)
      .field("anomaly", n.anomaly)
      .field("offline", n.offline)
      .field("command_failed", n.command_failed)
      .end_object();
  w.end_object();
  return w.take();
}

bool is_essential_id(std::string_view device) {
  std::string lower{device};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : {"fridge", "freezer", "medical"})
    if (lower.find(word) != std::string::npos)
      return true;
  return false;
}

safety_settings to_safety_settings(const home_preferences& p) {
  safety_settings s;
  s.essential_devices.insert(p.essential_devices.begin(), p.essential_devices.end());
  s.protected_devices.insert(p.protected_devices.begin(), p.protected_devices.end());
  s.min_on_ms = p.min_on_min * minute_ms;
  s.min_off_ms = p.min_off_min * minute_ms;
  s.manual_override_ms = p.manual_override_min * minute_ms;
  return s;
}

} // namespace hems::streams
