#include "streams/schedule.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <random>

#include <simdjson.h>

#include "core/json_writer.hpp"
#include "core/time_format.hpp"

namespace hems::streams {

namespace {

namespace dom = simdjson::dom;

constexpr std::array<std::string_view, 7> type_names = {
    "on", "off", "run", "window", "setpoint", "away_off", "peak_avoid"};
constexpr std::array<std::string_view, 7> day_names = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};

using parse_result = std::expected<schedule, std::string>;

std::unexpected<std::string> bad(std::string detail) {
  return std::unexpected(std::move(detail));
}

// "HH:MM" -> ms of day.
std::optional<millis> parse_hh_mm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':')
    return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9')
      return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59)
    return std::nullopt;
  return h * hour_ms + m * minute_ms;
}

std::string format_hh_mm(millis ms_of_day) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(ms_of_day / hour_ms),
                static_cast<int>(ms_of_day % hour_ms / minute_ms));
  return buf;
}

std::expected<schedule_time, std::string> parse_time_field(std::string_view field,
                                                           dom::element value) {
  schedule_time t;
  std::string_view s;
  std::int64_t i;
  if (!value.get(s)) {
    if (auto tod = parse_hh_mm(s)) {
      t.time_of_day_ms = *tod;
      return t;
    }
    if (auto at = parse_rfc3339(s)) {
      t.at_ms = *at;
      return t;
    }
  } else if (!value.get(i) && i >= 0) {
    t.at_ms = i;
    return t;
  }
  return bad(std::string{field} + ": must be HH:MM or a time (ms since the epoch or RFC 3339)");
}

std::expected<std::uint8_t, std::string> parse_days(dom::element value) {
  dom::array arr;
  if (value.get(arr))
    return bad("days: expected an array of mon, tue, wed, thu, fri, sat, sun");
  std::uint8_t days = 0;
  for (auto d : arr) {
    std::string_view s;
    auto it = d.get(s) ? day_names.end() : std::find(day_names.begin(), day_names.end(), s);
    if (it == day_names.end())
      return bad("days: expected an array of mon, tue, wed, thu, fri, sat, sun");
    days |= static_cast<std::uint8_t>(1u << (it - day_names.begin()));
  }
  if (days == 0)
    return bad("days: must name at least one day");
  return days;
}

std::optional<std::string> parse_params(dom::element value, schedule_params& p) {
  dom::object obj;
  if (value.get(obj))
    return "params: expected an object";
  for (auto [key, v] : obj) {
    std::string name = "params." + std::string{key};
    if (key == "kinds") {
      dom::array arr;
      if (v.get(arr))
        return name + ": expected an array of device kinds";
      for (auto k : arr) {
        std::string_view s;
        auto kind = k.get(s) ? std::nullopt : parse_device_kind(s);
        if (!kind || *kind == device_kind::unknown)
          return name + ": expected an array of device kinds (light, plug, appliance, ...)";
        p.kinds.push_back(*kind);
      }
      continue;
    }
    double d;
    if (v.get(d) || !std::isfinite(d))
      return name + ": expected a number";
    if (key == "duration_min") {
      if (!(d > 0 && d <= 1440))
        return name + ": expected minutes from 1 to 1440";
      p.duration_min = d;
    } else if (key == "energy_wh") {
      if (!(d > 0 && d <= 1e6))
        return name + ": expected a positive energy in Wh";
      p.energy_wh = d;
    } else if (key == "power_w") {
      if (!(d > 0 && d <= 1e6))
        return name + ": expected a positive power in W";
      p.power_w = d;
    } else if (key == "setpoint_c") {
      if (!(d >= 5 && d <= 35))
        return name + ": expected degrees Celsius from 5 to 35";
      p.setpoint_c = d;
    } else if (key == "minutes") {
      if (!(d >= 1 && d <= 1440) || d != std::floor(d))
        return name + ": expected whole minutes from 1 to 1440";
      p.minutes = static_cast<int>(d);
    } else {
      return name + ": unknown parameter";
    }
  }
  return std::nullopt;
}

bool id_ok(std::string_view s) {
  return is_valid_id(s);
}

// The rules of docs/AUTOMATION.md's table, naming the field that breaks one.
std::optional<std::string> validate(schedule& s, bool type_given) {
  if (s.home.empty())
    return "home: required";
  if (!type_given)
    return "type: required (on, off, run, window, setpoint, away_off, peak_avoid)";
  auto type = std::string{to_string(s.type)};
  bool needs_device = s.type != schedule_type::away_off && s.type != schedule_type::peak_avoid;
  if (needs_device && s.device.empty())
    return "device: required for type " + type;
  if (!needs_device && !s.device.empty())
    return "device: not used by type " + type + " (it applies to the whole home)";
  const auto& p = s.params;
  auto only = [&](std::initializer_list<std::string_view> allowed) -> std::optional<std::string> {
    auto check = [&](bool present, std::string_view name) -> std::optional<std::string> {
      if (present && std::find(allowed.begin(), allowed.end(), name) == allowed.end())
        return "params." + std::string{name} + ": not used by type " + type;
      return std::nullopt;
    };
    for (auto e :
         {check(p.duration_min.has_value(), "duration_min"),
          check(p.energy_wh.has_value(), "energy_wh"), check(p.power_w.has_value(), "power_w"),
          check(p.setpoint_c.has_value(), "setpoint_c"), check(p.minutes.has_value(), "minutes"),
          check(!p.kinds.empty(), "kinds")})
      if (e)
        return e;
    return std::nullopt;
  };
  bool wants_start = true, wants_end = true, start_required = true, end_required = true;
  std::optional<std::string> wrong_params;
  switch (s.type) {
  case schedule_type::on:
  case schedule_type::off:
    wants_end = end_required = false;
    wrong_params = only({});
    break;
  case schedule_type::run:
    start_required = false;
    wrong_params = only({"duration_min", "energy_wh", "power_w"});
    if (!wrong_params && !p.duration_min)
      return "params.duration_min: required for type run";
    if (!wrong_params && !p.energy_wh && !p.power_w)
      return "params.energy_wh: required for type run (or params.power_w)";
    break;
  case schedule_type::window:
    wrong_params = only({});
    break;
  case schedule_type::setpoint:
    wrong_params = only({"setpoint_c"});
    if (!wrong_params && !p.setpoint_c)
      return "params.setpoint_c: required for type setpoint";
    break;
  case schedule_type::away_off:
    wants_start = wants_end = start_required = end_required = false;
    wrong_params = only({"minutes", "kinds"});
    if (!wrong_params && !p.minutes)
      return "params.minutes: required for type away_off (1 to 1440)";
    if (s.params.kinds.empty())
      s.params.kinds = {device_kind::light, device_kind::plug};
    break;
  case schedule_type::peak_avoid:
    wrong_params = only({});
    break;
  }
  if (wrong_params)
    return wrong_params;
  if (!wants_start && s.start)
    return "start: not used by type " + type;
  if (!wants_end && s.end)
    return "end: not used by type " + type;
  if (start_required && !s.start)
    return "start: required for type " + type;
  if (end_required && !s.end)
    return "end: required for type " + type;
  if (s.type == schedule_type::peak_avoid) {
    if (s.start->absolute())
      return "start: must be HH:MM for type peak_avoid";
    if (s.end->absolute())
      return "end: must be HH:MM for type peak_avoid";
  }
  if (s.start && s.end && s.start->absolute() != s.end->absolute())
    return "end: must be HH:MM when start is, and a time when start is";
  if (s.start && s.end && s.start->absolute() && *s.end->at_ms <= *s.start->at_ms)
    return "end: must be after start";
  if (s.start && s.end && !s.start->absolute() && s.start == s.end)
    return "end: must differ from start";
  bool absolute = (s.start && s.start->absolute()) || (s.end && s.end->absolute());
  if (s.days_given && (absolute || s.type == schedule_type::away_off))
    return "days: only with HH:MM times";
  return std::nullopt;
}

parse_result parse(std::string_view json, bool stored) {
  dom::parser parser;
  dom::object obj;
  if (parser.parse(json.data(), json.size()).get(obj))
    return bad("body: expected a JSON object");
  schedule s;
  bool type_given = false;
  std::string_view str;
  for (auto [key, value] : obj) {
    if (key == "home" || key == "device") {
      if (value.get(str) || !id_ok(str))
        return bad(std::string{key} + ": expected an id (1 to 64 of A-Z a-z 0-9 . _ -)");
      (key == "home" ? s.home : s.device) = str;
    } else if (key == "type") {
      auto t = value.get(str) ? std::nullopt : parse_schedule_type(str);
      if (!t)
        return bad("type: expected on, off, run, window, setpoint, away_off or peak_avoid");
      s.type = *t;
      type_given = true;
    } else if (key == "start" || key == "end") {
      auto t = parse_time_field(key, value);
      if (!t)
        return bad(t.error());
      (key == "start" ? s.start : s.end) = *t;
    } else if (key == "days") {
      auto d = parse_days(value);
      if (!d)
        return bad(d.error());
      s.days = *d;
      s.days_given = true;
    } else if (key == "params") {
      if (auto e = parse_params(value, s.params))
        return bad(*e);
    } else if (key == "enabled") {
      bool b;
      if (value.get(b))
        return bad("enabled: expected true or false");
      s.enabled = b;
    } else if (stored && key == "id" && !value.get(str)) {
      s.id = str;
    } else if (stored && key == "created_ms" && !value.get(s.created_ms)) {
    } else if (stored && key == "created_by" && !value.get(str)) {
      s.created_by = str;
    } else if (!stored && (key == "id" || key == "created_ms" || key == "created_by")) {
      return bad(std::string{key} + ": set by the server");
    } else {
      return bad("unknown field '" + std::string{key} + "'");
    }
  }
  if (auto e = validate(s, type_given))
    return bad(*e);
  return s;
}

void write_time(json_writer& w, std::string_view key, const schedule_time& t) {
  if (t.time_of_day_ms)
    w.field(key, format_hh_mm(*t.time_of_day_ms));
  else
    w.field(key, *t.at_ms);
}

// The UTC instant of `t` on local day `day` (time of day) or its instant.
millis instant_on(const schedule_time& t, const local_zone& zone, std::int64_t day) {
  return t.at_ms ? *t.at_ms : zone.at(day, *t.time_of_day_ms);
}

// The first instant strictly after `after` of a time of day, on an included day.
std::optional<millis> next_time_of_day(const schedule& s, millis tod, const local_zone& zone,
                                       millis after) {
  auto today = zone.moment(after).day;
  for (auto day = today - 1; day <= today + 8; ++day) {
    if (!s.on_day(weekday_of(day)))
      continue;
    auto t = zone.at(day, tod);
    if (t > after)
      return t;
  }
  return std::nullopt;
}

std::optional<millis> next_of(const schedule& s, const schedule_time& t, const local_zone& zone,
                              millis after) {
  if (t.at_ms)
    return *t.at_ms > after ? t.at_ms : std::nullopt;
  return next_time_of_day(s, *t.time_of_day_ms, zone, after);
}

// Every [from, to) a time-of-day schedule covers that overlaps [begin, end).
std::vector<std::pair<millis, millis>> daily_intervals(const schedule& s, const local_zone& zone,
                                                       millis begin, millis end) {
  std::vector<std::pair<millis, millis>> out;
  if (s.start->absolute()) {
    if (*s.start->at_ms<end&& * s.end->at_ms> begin)
      out.emplace_back(std::max(begin, *s.start->at_ms), std::min(end, *s.end->at_ms));
    return out;
  }
  auto first = zone.moment(begin).day - 1, last = zone.moment(end).day + 1;
  for (auto day = first; day <= last; ++day) {
    if (!s.on_day(weekday_of(day)))
      continue;
    auto from = instant_on(*s.start, zone, day);
    auto to_day = *s.end->time_of_day_ms > *s.start->time_of_day_ms ? day : day + 1;
    auto to = instant_on(*s.end, zone, to_day);
    if (from < end && to > begin && from < to)
      out.emplace_back(std::max(begin, from), std::min(end, to));
  }
  return out;
}

std::string reason_of(const schedule& s) {
  std::string r{to_string(s.type)};
  if (s.start && s.start->time_of_day_ms && s.end && s.end->time_of_day_ms)
    r += " " + format_hh_mm(*s.start->time_of_day_ms) + "-" + format_hh_mm(*s.end->time_of_day_ms);
  return r;
}

} // namespace

std::string_view to_string(schedule_type t) {
  return type_names[static_cast<std::size_t>(t)];
}

std::optional<schedule_type> parse_schedule_type(std::string_view name) {
  auto it = std::find(type_names.begin(), type_names.end(), name);
  if (it == type_names.end())
    return std::nullopt;
  return static_cast<schedule_type>(it - type_names.begin());
}

std::expected<schedule, std::string> parse_schedule(std::string_view json) {
  return parse(json, false);
}

std::expected<schedule, std::string> decode_schedule(std::string_view json) {
  return parse(json, true);
}

std::string schedule_json(const schedule& s) {
  json_writer w;
  w.begin_object().field("id", s.id).field("home", s.home);
  if (!s.device.empty())
    w.field("device", s.device);
  w.field("type", to_string(s.type));
  if (s.start)
    write_time(w, "start", *s.start);
  if (s.end)
    write_time(w, "end", *s.end);
  if (s.days_given) {
    w.key("days").begin_array();
    for (int d = 0; d < 7; ++d)
      if (s.on_day(d))
        w.value(day_names[d]);
    w.end_array();
  }
  w.key("params").begin_object();
  const auto& p = s.params;
  if (p.duration_min)
    w.field("duration_min", *p.duration_min);
  if (p.energy_wh)
    w.field("energy_wh", *p.energy_wh);
  if (p.power_w)
    w.field("power_w", *p.power_w);
  if (p.setpoint_c)
    w.field("setpoint_c", *p.setpoint_c);
  if (p.minutes)
    w.field("minutes", *p.minutes);
  if (!p.kinds.empty()) {
    w.key("kinds").begin_array();
    for (auto k : p.kinds)
      w.value(to_string(k));
    w.end_array();
  }
  w.end_object();
  w.field("enabled", s.enabled).field("created_ms", s.created_ms).field("created_by", s.created_by);
  w.end_object();
  return w.take();
}

std::string new_schedule_id() {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock{mutex};
  char buf[24];
  std::snprintf(buf, sizeof buf, "sch-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::optional<firing> next_firing(const schedule& s, const local_zone& zone, millis after) {
  if (!s.enabled)
    return std::nullopt;
  firing f;
  switch (s.type) {
  case schedule_type::on:
  case schedule_type::off: {
    auto at = next_of(s, *s.start, zone, after);
    if (!at)
      return std::nullopt;
    f.at_ms = *at;
    f.action = s.type == schedule_type::on ? command_action::on : command_action::off;
    return f;
  }
  case schedule_type::setpoint: {
    auto begin = next_of(s, *s.start, zone, after);
    auto end = next_of(s, *s.end, zone, after);
    if (!begin && !end)
      return std::nullopt;
    f.action = command_action::set;
    if (begin && (!end || *begin <= *end)) {
      f.at_ms = *begin;
      f.setpoint_c = s.params.setpoint_c;
    } else {
      // The end of a setback whose start is past (a time-of-day end past
      // midnight belongs to the previous day's start, which may be excluded).
      f.at_ms = *end;
      f.restore = true;
    }
    return f;
  }
  default:
    return std::nullopt;
  }
}

automation_inputs inputs_of(const std::vector<schedule>& schedules, const local_zone& zone,
                            millis now, millis horizon_ms) {
  automation_inputs in;
  millis end = now + horizon_ms;
  // Per device: the union of its windows, whose outside is blocked.
  std::vector<std::pair<std::string, std::vector<std::pair<millis, millis>>>> windows;
  for (const auto& s : schedules) {
    if (!s.enabled)
      continue;
    switch (s.type) {
    case schedule_type::run: {
      run_request r;
      r.schedule_id = s.id;
      r.device = s.device;
      // The next deadline, and the start that opens its window (a time of
      // day within the day before it).
      auto deadline = next_of(s, *s.end, zone, now);
      if (!deadline)
        break; // a one-shot whose deadline has passed
      r.earliest_ms = now;
      if (s.start)
        r.earliest_ms = s.start->at_ms
                            ? *s.start->at_ms
                            : next_of(s, *s.start, zone, *deadline - day_ms).value_or(now);
      r.earliest_ms = std::max(r.earliest_ms, now);
      r.deadline_ms = *deadline;
      r.duration_ms = static_cast<millis>(*s.params.duration_min * minute_ms);
      r.power_w = s.params.power_w ? *s.params.power_w
                                   : *s.params.energy_wh / (*s.params.duration_min / 60.0);
      in.runs.push_back(std::move(r));
      break;
    }
    case schedule_type::peak_avoid:
      for (auto [from, to] : daily_intervals(s, zone, now, end)) {
        blocked_interval b;
        b.from_ms = from;
        b.to_ms = to;
        b.reason = reason_of(s);
        in.blocked.push_back(std::move(b));
      }
      break;
    case schedule_type::window: {
      auto it = std::find_if(windows.begin(), windows.end(),
                             [&](const auto& w) { return w.first == s.device; });
      if (it == windows.end())
        it = windows.insert(windows.end(), {s.device, {}});
      for (auto interval : daily_intervals(s, zone, now, end))
        it->second.push_back(interval);
      break;
    }
    default:
      break;
    }
  }
  for (auto& [device, allowed] : windows) {
    std::sort(allowed.begin(), allowed.end());
    millis cursor = now;
    auto block_until = [&](millis to) {
      if (to > cursor) {
        blocked_interval b;
        b.from_ms = cursor;
        b.to_ms = to;
        b.device = device;
        b.reason = "outside the device's window";
        in.blocked.push_back(std::move(b));
      }
    };
    for (auto [from, to] : allowed) {
      block_until(from);
      cursor = std::max(cursor, to);
    }
    block_until(end);
  }
  return in;
}

void presence_tracker::update(const std::string& device, bool occupied, millis ts) {
  auto it = std::find_if(sensors_.begin(), sensors_.end(),
                         [&](const reading& r) { return r.device == device; });
  if (it == sensors_.end()) {
    sensors_.push_back({device, occupied, ts});
    return;
  }
  if (it->occupied != occupied) {
    it->occupied = occupied;
    it->since = ts;
  }
}

std::optional<millis> presence_tracker::empty_since() const {
  if (sensors_.empty())
    return std::nullopt;
  millis since = 0;
  for (const auto& r : sensors_) {
    if (r.occupied)
      return std::nullopt;
    since = std::max(since, r.since);
  }
  return since;
}

} // namespace hems::streams
