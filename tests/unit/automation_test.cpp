#define BOOST_TEST_MODULE automation
#include <boost/test/unit_test.hpp>

// Schedules (parsing, validation, firing times across DST, what they ask of
// the optimizer), presence, and the safety gate, as plain C++ with fixed times.

#include "core/time_format.hpp"
#include "streams/safety.hpp"
#include "streams/schedule.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

millis at(std::string_view rfc3339) {
  return parse_rfc3339(rfc3339).value();
}

const local_zone& berlin() {
  static const local_zone z = local_zone::from_name("Europe/Berlin").value();
  return z;
}

schedule parsed(std::string_view json) {
  auto s = parse_schedule(json);
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error());
  return *s;
}

std::string error_of(std::string_view json) {
  auto s = parse_schedule(json);
  BOOST_REQUIRE_MESSAGE(!s.has_value(), "accepted: " + std::string{json});
  return s.error();
}

} // namespace

BOOST_AUTO_TEST_SUITE(schedules)

BOOST_AUTO_TEST_CASE(bad_input_names_the_field) {
  BOOST_TEST(error_of(R"({"home":"h","device":"d"})").starts_with("type: required"));
  BOOST_TEST(
      error_of(R"({"home":"h","type":"on","start":"07:00"})").starts_with("device: required"));
  BOOST_TEST(error_of(R"({"home":"h","type":"dance","device":"d"})").starts_with("type:"));
  BOOST_TEST(error_of(R"({"home":"h","device":"d","type":"window","start":"07:00","end":"7pm"})")
                 .starts_with("end: must be HH:MM or a time"));
  BOOST_TEST(
      error_of(R"({"home":"h","device":"d","type":"on","start":"24:00"})").starts_with("start:"));
  BOOST_TEST(error_of(R"({"home":"h","type":"away_off","params":{"minutes":0}})")
                 .starts_with("params.minutes:"));
  BOOST_TEST(error_of(R"({"home":"h","type":"away_off"})").starts_with("params.minutes: required"));
  BOOST_TEST(error_of(R"({"home":"h","type":"away_off","device":"d","params":{"minutes":5}})")
                 .starts_with("device: not used"));
  BOOST_TEST(
      error_of(
          R"({"home":"h","device":"d","type":"run","end":"07:00","params":{"duration_min":60}})")
          .starts_with("params.energy_wh: required"));
  BOOST_TEST(
      error_of(R"({"home":"h","device":"d","type":"setpoint","start":"22:00","end":"06:00"})")
          .starts_with("params.setpoint_c: required"));
  BOOST_TEST(
      error_of(R"({"home":"h","device":"d","type":"on","start":1800000000000,"days":["mon"]})")
          .starts_with("days: only with HH:MM"));
  BOOST_TEST(error_of(R"({"home":"h","device":"d","type":"on","start":"07:00","days":["monday"]})")
                 .starts_with("days:"));
  BOOST_TEST(error_of(R"({"home":"h","device":"d","type":"on","start":"07:00","colour":"red"})")
                 .starts_with("unknown field 'colour'"));
  BOOST_TEST(error_of(R"({"home":"h","device":"d","type":"on","start":"07:00","id":"x"})")
                 .starts_with("id: set by the server"));
  BOOST_TEST(
      error_of(R"({"home":"h","type":"peak_avoid","start":"17:00"})").starts_with("end: required"));
  BOOST_TEST(
      error_of(R"({"home":"h","device":"d","type":"on","start":"07:00","params":{"power_w":5}})")
          .starts_with("params.power_w: not used"));
  BOOST_TEST(error_of("[1,2]").starts_with("body:"));
}

BOOST_AUTO_TEST_CASE(round_trip_through_json) {
  auto s = parsed(R"({"home":"h","device":"dishwasher","type":"run","start":"22:00","end":"07:00",
                      "days":["mon","fri"],"params":{"duration_min":90,"energy_wh":1200}})");
  s.id = new_schedule_id();
  s.created_ms = 1234;
  s.created_by = "tok-1";
  BOOST_TEST(s.id.starts_with("sch-"));
  BOOST_TEST(s.id.size() == 20u);
  auto json = schedule_json(s);
  auto back = decode_schedule(json);
  BOOST_REQUIRE_MESSAGE(back.has_value(), back.error());
  BOOST_TEST((*back == s));
  BOOST_TEST(json.find(R"("start":"22:00")") != std::string::npos);
  BOOST_TEST(json.find(R"("days":["mon","fri"])") != std::string::npos);

  auto away = parsed(R"({"home":"h","type":"away_off","params":{"minutes":30}})");
  BOOST_TEST(away.params.kinds.size() == 2u); // lights and plugs by default
  auto away_back = decode_schedule(schedule_json(away));
  BOOST_REQUIRE(away_back.has_value());
  BOOST_TEST((*away_back == away));
}

BOOST_AUTO_TEST_CASE(on_off_fire_at_local_time) {
  auto on = parsed(R"({"home":"h","device":"lamp","type":"on","start":"07:00"})");
  // November in Berlin is UTC+1: 07:00 local is 06:00 UTC.
  auto f = next_firing(on, berlin(), at("2026-11-27T05:00:00Z"));
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->at_ms == at("2026-11-27T06:00:00Z"));
  BOOST_TEST((f->action == command_action::on));
  // Strictly after: the next one is the next day.
  BOOST_TEST(next_firing(on, berlin(), f->at_ms)->at_ms == at("2026-11-28T06:00:00Z"));

  auto off = parsed(R"({"home":"h","device":"lamp","type":"off","start":"23:15","days":["sat"]})");
  // 2026-11-27 is a Friday: next Saturday 23:15 CET.
  auto g = next_firing(off, berlin(), at("2026-11-27T05:00:00Z"));
  BOOST_REQUIRE(g.has_value());
  BOOST_TEST(g->at_ms == at("2026-11-28T22:15:00Z"));
  BOOST_TEST((g->action == command_action::off));

  auto disabled = off;
  disabled.enabled = false;
  BOOST_TEST(!next_firing(disabled, berlin(), at("2026-11-27T05:00:00Z")).has_value());
}

BOOST_AUTO_TEST_CASE(one_shot_fires_once) {
  auto once =
      parsed(R"({"home":"h","device":"lamp","type":"off","start":"2026-11-27T20:00:00+01:00"})");
  auto f = next_firing(once, berlin(), at("2026-11-27T00:00:00Z"));
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->at_ms == at("2026-11-27T19:00:00Z"));
  BOOST_TEST(!next_firing(once, berlin(), f->at_ms).has_value());
}

BOOST_AUTO_TEST_CASE(spring_forward_fires_at_the_change) {
  // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 never happens.
  auto s = parsed(R"({"home":"h","device":"lamp","type":"on","start":"02:30"})");
  auto f = next_firing(s, berlin(), at("2026-03-28T23:00:00Z")); // local midnight
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->at_ms == at("2026-03-29T01:00:00Z"));
  auto g = next_firing(s, berlin(), f->at_ms);
  BOOST_REQUIRE(g.has_value());
  BOOST_TEST(g->at_ms == at("2026-03-30T00:30:00Z")); // 02:30 CEST
  // The day before, still CET.
  BOOST_TEST(next_firing(s, berlin(), at("2026-03-27T23:00:00Z"))->at_ms ==
             at("2026-03-28T01:30:00Z"));
}

BOOST_AUTO_TEST_CASE(fall_back_fires_once) {
  // 2026-10-25 in Berlin: 03:00 CEST falls back to 02:00 CET (01:00 UTC); 02:30 happens twice.
  auto s = parsed(R"({"home":"h","device":"lamp","type":"on","start":"02:30"})");
  std::vector<millis> fired;
  millis t = at("2026-10-24T22:00:00Z"); // local midnight of the 25th
  while (auto f = next_firing(s, berlin(), t)) {
    if (f->at_ms >= at("2026-10-26T00:00:00Z"))
      break;
    fired.push_back(f->at_ms);
    t = f->at_ms;
  }
  BOOST_REQUIRE(fired.size() == 1u);
  BOOST_TEST(fired[0] == at("2026-10-25T00:30:00Z")); // the first 02:30 (CEST)
  BOOST_TEST(next_firing(s, berlin(), fired[0])->at_ms == at("2026-10-26T01:30:00Z")); // CET
}

BOOST_AUTO_TEST_CASE(setpoint_sets_then_restores) {
  auto s = parsed(R"({"home":"h","device":"thermo","type":"setpoint","start":"22:00","end":"06:00",
                      "params":{"setpoint_c":17}})");
  auto f = next_firing(s, berlin(), at("2026-11-27T12:00:00Z"));
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->at_ms == at("2026-11-27T21:00:00Z"));
  BOOST_TEST((f->action == command_action::set));
  BOOST_TEST(f->setpoint_c.value() == 17.0);
  BOOST_TEST(!f->restore);
  auto g = next_firing(s, berlin(), f->at_ms);
  BOOST_REQUIRE(g.has_value());
  BOOST_TEST(g->at_ms == at("2026-11-28T05:00:00Z"));
  BOOST_TEST(g->restore);
}

BOOST_AUTO_TEST_CASE(run_request_from_a_run_schedule) {
  auto s = parsed(R"({"home":"h","device":"dishwasher","type":"run","start":"22:00","end":"07:00",
                      "params":{"duration_min":90,"energy_wh":1200}})");
  s.id = "sch-1";
  auto in = inputs_of({s}, berlin(), at("2026-11-27T12:00:00Z"), 24 * hour_ms);
  BOOST_REQUIRE(in.runs.size() == 1u);
  const auto& r = in.runs[0];
  BOOST_TEST(r.schedule_id == "sch-1");
  BOOST_TEST(r.device == "dishwasher");
  BOOST_TEST(r.earliest_ms == at("2026-11-27T21:00:00Z"));
  BOOST_TEST(r.deadline_ms == at("2026-11-28T06:00:00Z"));
  BOOST_TEST(r.duration_ms == 90 * minute_ms);
  BOOST_TEST(r.power_w == 800.0);
  // Inside its window, the earliest start is now.
  auto late = inputs_of({s}, berlin(), at("2026-11-27T23:00:00Z"), 24 * hour_ms);
  BOOST_TEST(late.runs.at(0).earliest_ms == at("2026-11-27T23:00:00Z"));
  BOOST_TEST(late.runs.at(0).deadline_ms == at("2026-11-28T06:00:00Z"));
  // A one-shot whose deadline has passed asks for nothing.
  auto once = parsed(R"({"home":"h","device":"dishwasher","type":"run","end":"2026-11-27T07:00:00Z",
                         "params":{"duration_min":60,"power_w":1000}})");
  BOOST_TEST(inputs_of({once}, berlin(), at("2026-11-27T08:00:00Z"), day_ms).runs.empty());
  auto ahead = inputs_of({once}, berlin(), at("2026-11-27T01:00:00Z"), day_ms);
  BOOST_REQUIRE(ahead.runs.size() == 1u);
  BOOST_TEST(ahead.runs[0].earliest_ms == at("2026-11-27T01:00:00Z"));
  BOOST_TEST(ahead.runs[0].power_w == 1000.0);
}

BOOST_AUTO_TEST_CASE(peak_avoid_blocks_its_hours_on_its_days) {
  auto s = parsed(R"({"home":"h","type":"peak_avoid","start":"17:00","end":"21:00",
                      "days":["mon","tue","wed","thu","fri"]})");
  // Friday noon to Monday noon: Friday 17-21 and Monday's is beyond the horizon.
  auto in = inputs_of({s}, berlin(), at("2026-11-27T11:00:00Z"), 72 * hour_ms);
  BOOST_REQUIRE(in.blocked.size() == 1u);
  BOOST_TEST(in.blocked[0].from_ms == at("2026-11-27T16:00:00Z"));
  BOOST_TEST(in.blocked[0].to_ms == at("2026-11-27T20:00:00Z"));
  BOOST_TEST(in.blocked[0].device.empty());
  BOOST_TEST(in.blocked[0].reason == "peak_avoid 17:00-21:00");
  // Starting inside the peak: clipped to now.
  auto inside = inputs_of({s}, berlin(), at("2026-11-27T18:00:00Z"), 6 * hour_ms);
  BOOST_REQUIRE(inside.blocked.size() == 1u);
  BOOST_TEST(inside.blocked[0].from_ms == at("2026-11-27T18:00:00Z"));
  // Over midnight, every day.
  auto night = parsed(R"({"home":"h","type":"peak_avoid","start":"23:00","end":"01:00"})");
  auto n = inputs_of({night}, berlin(), at("2026-11-27T11:00:00Z"), 24 * hour_ms);
  BOOST_REQUIRE(n.blocked.size() == 1u);
  BOOST_TEST(n.blocked[0].from_ms == at("2026-11-27T22:00:00Z"));
  BOOST_TEST(n.blocked[0].to_ms == at("2026-11-28T00:00:00Z"));
}

BOOST_AUTO_TEST_CASE(window_blocks_its_outside) {
  auto s = parsed(R"({"home":"h","device":"ev","type":"window","start":"00:00","end":"06:00"})");
  auto in = inputs_of({s}, berlin(), at("2026-11-27T11:00:00Z"), 24 * hour_ms);
  // Allowed 23:00Z-05:00Z (local 00-06): blocked before and after.
  BOOST_REQUIRE(in.blocked.size() == 2u);
  BOOST_TEST(in.blocked[0].from_ms == at("2026-11-27T11:00:00Z"));
  BOOST_TEST(in.blocked[0].to_ms == at("2026-11-27T23:00:00Z"));
  BOOST_TEST(in.blocked[1].from_ms == at("2026-11-28T05:00:00Z"));
  BOOST_TEST(in.blocked[1].to_ms == at("2026-11-28T11:00:00Z"));
  BOOST_TEST(in.blocked[0].device == "ev");
}

BOOST_AUTO_TEST_CASE(presence_empty_since_the_last_leaves) {
  presence_tracker p;
  BOOST_TEST(!p.empty_since().has_value()); // no sensors: never empty
  p.update("hall", true, 100);
  p.update("living", false, 100);
  BOOST_TEST(!p.empty_since().has_value());
  p.update("hall", false, 500);
  BOOST_TEST(p.empty_since().value() == 500);
  p.update("hall", false, 900); // no change
  BOOST_TEST(p.empty_since().value() == 500);
  p.update("living", true, 1000);
  BOOST_TEST(!p.empty_since().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(safety)

device_safety_state device(std::string id, device_state state, millis since) {
  device_safety_state d;
  d.device = std::move(id);
  d.state = state;
  d.state_since_ms = since;
  return d;
}

BOOST_AUTO_TEST_CASE(essential_is_never_switched_off_by_anyone) {
  safety_settings s;
  s.essential_devices.insert("aquarium");
  constexpr millis now = 10 * hour_ms;
  for (auto source : {command_source::rest, command_source::schedule, command_source::optimizer,
                      command_source::demand_response}) {
    for (auto id : {"fridge", "kitchen-Fridge", "chest_freezer", "medical-pump", "aquarium"}) {
      auto r = check_command(s, device(id, device_state::on, 0), command_action::off, source, now);
      BOOST_REQUIRE(r.has_value());
      BOOST_TEST(r->rule == "essential");
    }
  }
  auto named = device("plug-3", device_state::on, 0);
  named.name = "Garage freezer";
  BOOST_TEST(
      check_command(s, named, command_action::off, command_source::schedule, now).has_value());
  // Switching one on is fine; a resident may switch any other device off.
  BOOST_TEST(!check_command(s, device("fridge", device_state::off, 0), command_action::on,
                            command_source::schedule, now));
  BOOST_TEST(!check_command(s, device("lamp", device_state::on, now - 1000), command_action::off,
                            command_source::rest, now));
  BOOST_TEST(check_schedule_target(s, "fridge", "", true).has_value());
  BOOST_TEST(!check_schedule_target(s, "fridge", "", false).has_value());
  BOOST_TEST(!check_schedule_target(s, "lamp", "", true).has_value());
}

BOOST_AUTO_TEST_CASE(protected_is_never_touched_by_automation) {
  safety_settings s;
  s.protected_devices.insert("router");
  auto d = device("router", device_state::off, 0);
  for (auto a : {command_action::on, command_action::off, command_action::start}) {
    auto r = check_command(s, d, a, command_source::optimizer, hour_ms);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->rule == "protected");
  }
  BOOST_TEST(!check_command(s, d, command_action::on, command_source::rest, hour_ms));
  BOOST_TEST(check_schedule_target(s, "router", "", false).has_value());
}

BOOST_AUTO_TEST_CASE(min_on_and_off_times) {
  safety_settings s; // 5 min each
  constexpr millis since = 10 * hour_ms;
  auto on = device("heatpump", device_state::on, since);
  auto r =
      check_command(s, on, command_action::off, command_source::schedule, since + 2 * minute_ms);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->rule == "min_on");
  BOOST_TEST(r->detail.find("3 min") != std::string::npos);
  BOOST_TEST(
      !check_command(s, on, command_action::off, command_source::schedule, since + 5 * minute_ms));
  auto off = device("heatpump", device_state::off, since);
  r = check_command(s, off, command_action::on, command_source::optimizer, since + minute_ms);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->rule == "min_off");
  BOOST_TEST(
      !check_command(s, off, command_action::on, command_source::optimizer, since + 6 * minute_ms));
  // A resident's own command is not held back.
  BOOST_TEST(!check_command(s, off, command_action::on, command_source::rest, since + minute_ms));
}

BOOST_AUTO_TEST_CASE(manual_change_wins_for_a_while) {
  safety_settings s; // 120 min
  auto d = device("lamp", device_state::on, 0);
  constexpr millis t = 20 * hour_ms;
  note_automated(d, command_action::off, t);
  BOOST_TEST(!note_state(d, device_state::off, t + 2000)); // it followed
  BOOST_TEST(d.followed);
  BOOST_TEST(note_state(d, device_state::on, t + 10 * minute_ms)); // switched back by hand
  auto r = check_command(s, d, command_action::off, command_source::schedule, t + 20 * minute_ms);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->rule == "manual_override");
  BOOST_TEST(r->detail.find("110 min") != std::string::npos);
  BOOST_TEST(!check_command(s, d, command_action::off, command_source::rest, t + 20 * minute_ms));
  BOOST_TEST(!check_command(s, d, command_action::off, command_source::schedule,
                            t + 10 * minute_ms + 120 * minute_ms));
  // A command the device never followed is not a manual change (it failed).
  auto e = device("plug", device_state::on, 0);
  note_automated(e, command_action::off, t);
  BOOST_TEST(!note_state(e, device_state::on, t + 1000));
  BOOST_TEST(!e.manual_change_ms.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
