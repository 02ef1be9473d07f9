#include "api/schedule_routes.hpp"

#include "core/json_writer.hpp"
#include "streams/safety.hpp"
#include "streams/schedule.hpp"

namespace hems::api {

namespace {

http_reply storage_failure(const error& e) {
  return error_reply(503, "unavailable", "storage: " + e.detail);
}

// What a schedule may not do to its device, whatever the time (409).
std::optional<std::string> safety_conflict(schedule_services& s, const streams::schedule& sch) {
  if (sch.device.empty())
    return std::nullopt; // away_off skips essential devices when it runs; peak_avoid commands none
  bool switches_off = sch.type == streams::schedule_type::off;
  auto refusal = streams::check_schedule_target(s.safety(sch.home), sch.device, "", switches_off);
  if (!refusal)
    return std::nullopt;
  return refusal->detail;
}

bool takes_setpoint(device_kind k) {
  return k == device_kind::thermostat || k == device_kind::hvac || k == device_kind::water_heater ||
         k == device_kind::unknown;
}

http_reply post_schedule(schedule_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto parsed = streams::parse_schedule(req.body);
  if (!parsed)
    return error_reply(400, "invalid", parsed.error());
  auto& sch = *parsed;
  if (s.known_home && !s.known_home(sch.home))
    return error_reply(404, "not_found", "home: '" + sch.home + "' is not known");
  if (!sch.device.empty()) {
    auto kind = s.device_kind_of(sch.home, sch.device);
    if (!kind)
      return error_reply(404, "not_found",
                         "device: '" + sch.device + "' is not known in home '" + sch.home + "'");
    if (sch.type == streams::schedule_type::setpoint && !takes_setpoint(*kind))
      return error_reply(400, "invalid",
                         "device: type setpoint needs a thermostat, '" + sch.device + "' is a " +
                             std::string{to_string(*kind)});
  }
  if (auto conflict = safety_conflict(s, sch))
    return error_reply(409, "safety", *conflict);
  sch.id = streams::new_schedule_id();
  sch.created_ms = s.time.now_ms();
  sch.created_by = req.caller ? req.caller->token_id : "";
  if (auto ok = s.book.put(sch); !ok)
    return storage_failure(ok.error());
  if (s.changed)
    s.changed(sch.home);
  auto reply = json_reply(201, streams::schedule_json(sch));
  reply.audit = audit_note{.target = sch.id,
                           .homes = {},
                           .detail = "created a " + std::string{to_string(sch.type)} + " schedule"};
  return reply;
}

http_reply get_schedules(schedule_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home"}))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  json_writer w;
  w.begin_object().field("home", *home).key("schedules").begin_array();
  for (const auto& sch : s.book.of_home(*home))
    w.raw(streams::schedule_json(sch));
  w.end_array().end_object();
  return json_reply(200, w.take());
}

http_reply delete_schedule(schedule_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  const auto& id = req.params.at("id");
  auto home = s.book.home_of(id);
  auto removed = s.book.remove(id);
  if (!removed)
    return storage_failure(removed.error());
  if (!*removed)
    return error_reply(404, "not_found", "schedule '" + id + "' does not exist");
  if (s.changed && home)
    s.changed(*home);
  http_reply reply;
  reply.status = 204; // no body
  reply.audit = audit_note{.target = id, .homes = {}, .detail = "deleted a schedule"};
  return reply;
}

} // namespace

std::function<std::optional<std::string>(const command&)>
rest_command_gate(std::function<streams::safety_settings(const std::string& home)> safety) {
  return [safety = std::move(safety)](const command& c) -> std::optional<std::string> {
    streams::device_safety_state d;
    d.device = c.device;
    auto refusal = streams::check_command(safety(c.home), d, c.action,
                                          streams::command_source::rest, c.issued_ms);
    if (!refusal)
      return std::nullopt;
    return refusal->detail;
  };
}

std::vector<route> schedule_routes(std::shared_ptr<schedule_services> s) {
  using security::permission;
  auto schedule_homes =
      [s](std::string_view id) -> result<std::optional<std::vector<std::string>>> {
    auto home = s->book.home_of(std::string{id});
    if (!home)
      return std::optional<std::vector<std::string>>{};
    return std::optional<std::vector<std::string>>{std::vector<std::string>{*home}};
  };
  return {
      {"POST", "/schedule", needs(permission::schedules_write, {home_in_body("/home")}),
       [s](const http_request& req) { return post_schedule(*s, req); }},
      {"GET", "/schedule", needs(permission::schedules_read, {home_query()}),
       [s](const http_request& req) { return get_schedules(*s, req); }},
      {"DELETE", "/schedule/:id",
       needs(permission::schedules_write, {home_of("id", schedule_homes)}),
       [s](const http_request& req) { return delete_schedule(*s, req); }},
  };
}

} // namespace hems::api
