#define BOOST_TEST_MODULE scheduler
#include <boost/test/unit_test.hpp>

// A home's automation: the schedule runner as plain C++ (commands due at a
// time, away_off, manual override, command expiry, planned starts, the
// safety gate), then the scheduler actor on the deterministic coordinator
// with a manual clock: timers, reloads, telemetry and the notifications.

#include "actors/home_scheduler.hpp"
#include "actors/scheduler_registry.hpp"
#include "core/time_format.hpp"
#include "storage/store.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/temp_dir.hpp"

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

schedule parsed(std::string_view json, std::string id) {
  auto s = parse_schedule(json);
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error());
  s->id = std::move(id);
  return *s;
}

sample telemetry(std::string device, device_kind kind, device_state state, millis ts,
                 double power_w = 0) {
  sample s;
  s.home = "h";
  s.device = std::move(device);
  s.kind = kind;
  s.state = state;
  s.ts_ms = ts;
  s.power_w = power_w;
  return s;
}

sample presence(std::string device, bool occupied, millis ts) {
  auto s = telemetry(std::move(device), device_kind::presence, device_state::unknown, ts);
  s.occupied = occupied;
  return s;
}

std::size_t count_kind(const runner_output& out, std::string_view kind) {
  return static_cast<std::size_t>(std::count_if(out.notices.begin(), out.notices.end(),
                                                [&](const auto& n) { return n.kind == kind; }));
}

} // namespace

BOOST_AUTO_TEST_SUITE(runner)

BOOST_AUTO_TEST_CASE(on_and_off_fire_once_at_local_time) {
  safety_settings safety;
  millis t = at("2026-11-27T05:00:00Z");
  schedule_runner r{"h", berlin(), t};
  r.set_schedules({parsed(R"({"home":"h","device":"lamp","type":"on","start":"07:00"})", "s1"),
                   parsed(R"({"home":"h","device":"lamp","type":"off","start":"08:00"})", "s2")});
  BOOST_TEST(r.next_due(t).value() == at("2026-11-27T06:00:00Z"));
  runner_output out;
  r.run_due(at("2026-11-27T05:59:59Z"), safety, out);
  BOOST_TEST(out.commands.empty());
  r.run_due(at("2026-11-27T06:00:00Z"), safety, out);
  BOOST_REQUIRE(out.commands.size() == 1u);
  const auto& c = out.commands[0];
  BOOST_TEST(c.device == "lamp");
  BOOST_TEST((c.action == command_action::on));
  BOOST_TEST(c.source == "schedule:s1");
  BOOST_TEST(c.home == "h");
  BOOST_TEST(c.expires_ms == at("2026-11-27T06:05:00Z"));
  BOOST_TEST(c.id.starts_with("c-"));
  BOOST_TEST(count_kind(out, "automation") == 1u);
  // Not again at the same time; the off an hour later (the lamp followed the on).
  r.observe(telemetry("lamp", device_kind::light, device_state::on, at("2026-11-27T06:00:01Z"), 40),
            safety, out);
  out = {};
  r.run_due(at("2026-11-27T06:30:00Z"), safety, out);
  BOOST_TEST(out.commands.empty());
  r.run_due(at("2026-11-27T07:00:30Z"), safety, out);
  BOOST_REQUIRE(out.commands.size() == 1u);
  BOOST_TEST((out.commands[0].action == command_action::off));
}

BOOST_AUTO_TEST_CASE(dst_days_fire_once) {
  safety_settings safety;
  auto lamp = parsed(R"({"home":"h","device":"lamp","type":"on","start":"02:30"})", "s1");
  for (auto [from, to, expected] :
       {std::tuple{"2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", "2026-03-29T01:00:00Z"},
        std::tuple{"2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", "2026-10-25T00:30:00Z"}}) {
    schedule_runner r{"h", berlin(), at(from)};
    r.set_schedules({lamp});
    std::vector<millis> fired;
    // Minute by minute through the local day.
    for (millis t = at(from); t < at(to); t += minute_ms) {
      runner_output out;
      r.run_due(t, safety, out);
      for (const auto& c : out.commands)
        fired.push_back(c.issued_ms);
    }
    BOOST_REQUIRE(fired.size() == 1u);
    BOOST_TEST(fired[0] == at(expected));
  }
}

BOOST_AUTO_TEST_CASE(away_off_switches_lights_and_plugs_but_never_essentials) {
  safety_settings safety;
  millis t = at("2026-11-27T09:00:00Z");
  schedule_runner r{"h", berlin(), t};
  r.set_schedules({parsed(R"({"home":"h","type":"away_off","params":{"minutes":15}})", "away")});
  runner_output out;
  for (auto s : {telemetry("hall-light", device_kind::light, device_state::on, t, 40),
                 telemetry("tv-plug", device_kind::plug, device_state::on, t, 80),
                 telemetry("fridge-plug", device_kind::plug, device_state::on, t, 90),
                 telemetry("heat-pump", device_kind::hvac, device_state::on, t, 900),
                 telemetry("desk-light", device_kind::light, device_state::off, t),
                 presence("pir-hall", true, t), presence("pir-living", false, t)})
    r.observe(s, safety, out);
  r.run_due(t + hour_ms, safety, out);
  BOOST_TEST(out.commands.empty()); // someone is home
  r.observe(presence("pir-hall", false, t + hour_ms), safety, out);
  BOOST_TEST(r.next_due(t + hour_ms).value() == t + hour_ms + 15 * minute_ms);
  r.run_due(t + hour_ms + 14 * minute_ms, safety, out);
  BOOST_TEST(out.commands.empty());
  r.run_due(t + hour_ms + 15 * minute_ms, safety, out);
  std::vector<std::string> off;
  for (const auto& c : out.commands) {
    BOOST_TEST((c.action == command_action::off));
    off.push_back(c.device);
  }
  std::sort(off.begin(), off.end());
  BOOST_TEST((off == std::vector<std::string>{"hall-light", "tv-plug"}));
  // Once per empty period.
  out = {};
  r.run_due(t + 2 * hour_ms, safety, out);
  BOOST_TEST(out.commands.empty());
}

BOOST_AUTO_TEST_CASE(without_presence_sensors_away_off_is_inactive) {
  safety_settings safety;
  millis t = at("2026-11-27T09:00:00Z");
  schedule_runner r{"h", berlin(), t};
  r.set_schedules({parsed(R"({"home":"h","type":"away_off","params":{"minutes":1}})", "away")});
  runner_output out;
  r.observe(telemetry("lamp", device_kind::light, device_state::on, t, 40), safety, out);
  r.run_due(t + day_ms, safety, out);
  BOOST_TEST(out.commands.empty());
}

BOOST_AUTO_TEST_CASE(manual_change_wins_and_is_reported) {
  safety_settings safety;
  millis t = at("2026-11-27T21:00:00Z");
  schedule_runner r{"h", berlin(), t};
  r.set_schedules({parsed(R"({"home":"h","device":"lamp","type":"off","start":"22:30"})", "s1"),
                   parsed(R"({"home":"h","device":"lamp","type":"off","start":"23:00"})", "s2")});
  runner_output out;
  r.observe(telemetry("lamp", device_kind::light, device_state::on, t, 40), safety, out);
  r.run_due(at("2026-11-27T21:30:00Z"), safety, out);
  BOOST_REQUIRE(out.commands.size() == 1u);
  r.observe(telemetry("lamp", device_kind::light, device_state::off, at("2026-11-27T21:30:02Z")),
            safety, out);
  BOOST_TEST(count_kind(out, "manual_override") == 0u);
  r.observe(telemetry("lamp", device_kind::light, device_state::on, at("2026-11-27T21:40:00Z"), 40),
            safety, out);
  BOOST_TEST(count_kind(out, "manual_override") == 1u);
  // The 23:00 (22:00 UTC) off is held back: the resident's change wins for 120 min.
  out = {};
  r.run_due(at("2026-11-27T22:00:00Z"), safety, out);
  BOOST_TEST(out.commands.empty());
  BOOST_REQUIRE(out.notices.size() == 1u);
  BOOST_TEST(out.notices[0].evidence.at("rule") == "manual_override");
  BOOST_TEST(out.notices[0].severity == "warning");
}

BOOST_AUTO_TEST_CASE(a_device_that_does_not_follow_is_reported_at_expiry) {
  safety_settings safety;
  millis t = at("2026-11-27T05:00:00Z");
  schedule_runner r{"h", berlin(), t, runner_settings{.command_expiry_ms = 2 * minute_ms}};
  r.set_schedules({parsed(R"({"home":"h","device":"lamp","type":"on","start":"07:00"})", "s1"),
                   parsed(R"({"home":"h","device":"plug","type":"on","start":"07:00"})", "s2")});
  runner_output out;
  r.observe(telemetry("lamp", device_kind::light, device_state::off, t), safety, out);
  r.observe(telemetry("plug", device_kind::plug, device_state::off, t), safety, out);
  r.run_due(at("2026-11-27T06:00:00Z"), safety, out);
  BOOST_REQUIRE(out.commands.size() == 2u);
  BOOST_TEST(r.next_due(at("2026-11-27T06:00:00Z")).value() == at("2026-11-27T06:02:00Z"));
  r.observe(telemetry("plug", device_kind::plug, device_state::on, at("2026-11-27T06:00:05Z"), 5),
            safety, out);
  out = {};
  r.run_due(at("2026-11-27T06:01:59Z"), safety, out);
  BOOST_TEST(count_kind(out, "command_failed") == 0u);
  r.run_due(at("2026-11-27T06:02:00Z"), safety, out);
  BOOST_REQUIRE(count_kind(out, "command_failed") == 1u);
  BOOST_TEST(out.notices[0].subject == "lamp");
  BOOST_TEST(out.notices[0].evidence.at("expected") == "on");
}

BOOST_AUTO_TEST_CASE(planned_starts_fire_at_their_time_through_the_gate) {
  safety_settings safety;
  safety.protected_devices.insert("oven");
  millis t = at("2026-11-27T20:00:00Z");
  schedule_runner r{"h", berlin(), t};
  planned_start dishwasher{"sch-1", "dishwasher", at("2026-11-28T01:15:00Z"),
                           at("2026-11-28T02:45:00Z"), "cheapest hours, saves 0.42"};
  planned_start oven{"sch-2", "oven", at("2026-11-28T01:00:00Z"), at("2026-11-28T02:00:00Z"), ""};
  r.set_planned({dishwasher, oven});
  BOOST_TEST(r.next_due(t).value() == at("2026-11-28T01:00:00Z"));
  runner_output out;
  r.run_due(at("2026-11-28T01:00:00Z"), safety, out);
  BOOST_TEST(out.commands.empty()); // the oven is protected
  BOOST_REQUIRE(out.notices.size() == 1u);
  BOOST_TEST(out.notices[0].evidence.at("rule") == "protected");
  r.run_due(at("2026-11-28T01:15:00Z"), safety, out);
  BOOST_REQUIRE(out.commands.size() == 1u);
  BOOST_TEST((out.commands[0].action == command_action::start));
  BOOST_TEST(out.commands[0].source == "optimizer:sch-1");
  BOOST_TEST(out.commands[0].reason == "cheapest hours, saves 0.42");
  auto next = r.next_due(at("2026-11-28T01:15:00Z"));
  BOOST_TEST((!next || *next > at("2026-11-28T01:15:00Z"))); // both fired
}

BOOST_AUTO_TEST_CASE(min_on_time_holds_an_automated_off) {
  safety_settings safety; // 5 min on
  millis t = at("2026-11-27T05:00:00Z");
  schedule_runner r{"h", berlin(), t};
  r.set_schedules(
      {parsed(R"({"home":"h","device":"heat-pump","type":"off","start":"07:00"})", "s1")});
  runner_output out;
  // Off when first seen (for long, as far as anyone knows), on at 05:58.
  r.observe(
      telemetry("heat-pump", device_kind::hvac, device_state::off, at("2026-11-27T05:50:00Z")),
      safety, out);
  r.observe(
      telemetry("heat-pump", device_kind::hvac, device_state::on, at("2026-11-27T05:58:00Z"), 900),
      safety, out);
  r.run_due(at("2026-11-27T06:00:00Z"), safety, out);
  BOOST_TEST(out.commands.empty());
  BOOST_REQUIRE(out.notices.size() == 1u);
  BOOST_TEST(out.notices[0].evidence.at("rule") == "min_on");
}

BOOST_AUTO_TEST_CASE(setpoint_setback_restores_the_earlier_setpoint) {
  safety_settings safety;
  millis t = at("2026-11-27T12:00:00Z");
  schedule_runner r{"h", berlin(), t};
  r.set_schedules({parsed(R"({"home":"h","device":"thermo","type":"setpoint","start":"22:00",
                              "end":"06:00","params":{"setpoint_c":17}})",
                          "s1")});
  runner_output out;
  auto s = telemetry("thermo", device_kind::thermostat, device_state::on, t, 0);
  s.setpoint_c = 21;
  r.observe(s, safety, out);
  r.run_due(at("2026-11-27T21:00:00Z"), safety, out);
  BOOST_REQUIRE(out.commands.size() == 1u);
  BOOST_TEST(out.commands[0].params.at("setpoint_c") == 17.0);
  out = {};
  r.run_due(at("2026-11-28T05:00:00Z"), safety, out);
  BOOST_REQUIRE(out.commands.size() == 1u);
  BOOST_TEST(out.commands[0].params.at("setpoint_c") == 21.0);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

struct scheduler_fixture : test::actor_fixture {
  scheduler_fixture() {
    db = std::move(*storage::open_rocksdb_store({.dir = dir.path()}));
    book = std::move(*storage::schedule_book::open(*db));
    auto c = std::make_shared<actors::scheduler_context>();
    c->time = time;
    c->book = book.get();
    c->send = [this](command cmd) { sent.push_back(std::move(cmd)); };
    c->safety = [](const std::string&) { return safety_settings{}; };
    c->time_zone = [](const std::string&) { return std::string{"Europe/Berlin"}; };
    c->notifier = std::make_shared<actors::automation_notifier>(
        db.get(),
        [this](const std::string&, const storage::notification_record& r) { notices.push_back(r); },
        nullptr);
    c->on_inputs = [this](const std::string&, const automation_inputs& in) {
      inputs.push_back(in);
    };
    context = c;
  }

  void add(std::string_view json, std::string id) {
    auto s = parsed(json, std::move(id));
    BOOST_REQUIRE(book->put(s).has_value());
  }

  // Moves the clock and lets every timer that is due fire.
  void advance_to(millis t) {
    time->set(t);
    scheduler->trigger_timeouts();
    run();
  }

  test::temp_dir dir;
  std::unique_ptr<storage::store> db;
  std::unique_ptr<storage::schedule_book> book;
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(at("2026-11-27T05:00:00Z"));
  actors::scheduler_context_ptr context;
  std::vector<command> sent;
  std::vector<storage::notification_record> notices;
  std::vector<automation_inputs> inputs;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(actor, scheduler_fixture)

BOOST_AUTO_TEST_CASE(fires_by_its_own_timers_and_reloads) {
  add(R"({"home":"h","device":"lamp","type":"on","start":"07:00"})", "s1");
  auto s = system->spawn(actors::home_scheduler_behavior, std::string{"h"}, context);
  run();
  advance_to(at("2026-11-27T05:59:00Z"));
  BOOST_TEST(sent.empty());
  advance_to(at("2026-11-27T06:00:00Z"));
  BOOST_REQUIRE(sent.size() == 1u);
  BOOST_TEST(sent[0].device == "lamp");
  BOOST_REQUIRE(!notices.empty());
  BOOST_TEST(notices[0].kind == "automation");
  BOOST_TEST(notices[0].json.find(R"("kind":"automation")") != std::string::npos);
  // Stored, too: GET /notifications lists it.
  auto stored = db->history()->read_notifications("h", 0, at("2027-01-01T00:00:00Z"), 10);
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->size() == 1u);

  // A new schedule: a reload picks it up.
  add(R"({"home":"h","device":"lamp","type":"off","start":"08:00"})", "s2");
  caf::anon_send(s, actors::reload_atom::value);
  run();
  advance_to(at("2026-11-27T07:00:00Z"));
  BOOST_REQUIRE(sent.size() == 2u);
  BOOST_TEST((sent[1].action == command_action::off));
  caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(answers_and_announces_its_inputs) {
  add(R"({"home":"h","type":"peak_avoid","start":"17:00","end":"21:00"})", "p1");
  add(R"({"home":"h","device":"dishwasher","type":"run","end":"07:00",
          "params":{"duration_min":90,"energy_wh":1200}})",
      "r1");
  auto s = system->spawn(actors::home_scheduler_behavior, std::string{"h"}, context);
  run();
  BOOST_REQUIRE(inputs.size() == 1u); // announced at start
  auto in = ask<automation_inputs>(s, actors::inputs_atom::value);
  BOOST_TEST((in == inputs[0]));
  BOOST_REQUIRE(in.runs.size() == 1u);
  BOOST_TEST(in.runs[0].deadline_ms == at("2026-11-27T06:00:00Z")); // 07:00 CET today
  BOOST_TEST(in.blocked.size() == 2u); // today's and tomorrow's peak within 48 h
  caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(away_off_through_the_registry) {
  add(R"({"home":"h","type":"away_off","params":{"minutes":10}})", "away");
  actors::scheduler_registry registry{*system, context};
  registry.start();
  run();
  millis t = time->now_ms();
  registry.samples({telemetry("lamp", device_kind::light, device_state::on, t, 40),
                    telemetry("fridge", device_kind::plug, device_state::on, t, 90),
                    presence("pir", false, t),
                    telemetry("x", device_kind::light, device_state::on, t)});
  // Samples of a home without a scheduler are not taken.
  auto other = telemetry("lamp", device_kind::light, device_state::on, t, 40);
  other.home = "elsewhere";
  registry.samples({other});
  run();
  advance_to(t + 9 * minute_ms);
  BOOST_TEST(sent.empty());
  advance_to(t + 10 * minute_ms);
  BOOST_REQUIRE(sent.size() == 2u);
  for (const auto& c : sent) {
    BOOST_TEST(c.device != "fridge");
    BOOST_TEST(c.home == "h");
  }
  registry.planned("h",
                   {planned_start{"r1", "dishwasher", t + 11 * minute_ms, t + hour_ms, "plan"}});
  run();
  advance_to(t + 11 * minute_ms);
  BOOST_REQUIRE(sent.size() == 3u);
  BOOST_TEST((sent[2].action == command_action::start));
  registry.stop();
  run();
}

// A home with peak hours and no schedule gets a scheduler from its samples;
// high use in its peak hours is a stored peak_warning, once per period.
BOOST_AUTO_TEST_CASE(peak_warning_through_the_registry) {
  home_preferences prefs;
  prefs.peak_hours = {daily_period{{}, 6 * hour_ms, 9 * hour_ms}}; // 06:00-09:00 local
  prefs.import_cap_w = 5000;
  auto c = std::make_shared<actors::scheduler_context>(*context);
  int asked = 0;
  c->preferences = [&](const std::string& home) -> std::optional<home_preferences> {
    if (home == "h")
      return prefs;
    return std::nullopt;
  };
  c->wants_scheduler = [&](const std::string& home) {
    ++asked;
    return home == "h";
  };
  actors::scheduler_registry registry{*system, c};
  registry.start(); // no schedules: no scheduler yet
  run();
  millis t = at("2026-11-27T05:30:00Z"); // 06:30 in Berlin
  time->set(t);
  auto batch = [&](millis ts, double heat_pump) {
    auto other = telemetry("oven", device_kind::appliance, device_state::on, ts, 9000);
    other.home = "elsewhere";
    registry.samples({telemetry("heat-pump", device_kind::hvac, device_state::on, ts, heat_pump),
                      telemetry("oven", device_kind::appliance, device_state::on, ts, 2500),
                      other});
    run();
  };
  batch(t, 3000);
  BOOST_TEST(asked == 2); // both homes asked once
  batch(t + 30'000, 3000);
  BOOST_TEST(asked == 2); // not again within a minute
  time->set(t + 61'000);
  batch(t + 61'000, 3000);
  BOOST_TEST(asked == 3); // "elsewhere" again after a minute; "h" has its scheduler
  auto warnings = [&] {
    return std::count_if(notices.begin(), notices.end(),
                         [](const auto& n) { return n.kind == "peak_warning"; });
  };
  BOOST_REQUIRE(warnings() == 1);
  const auto& n = *std::find_if(notices.begin(), notices.end(),
                                [](const auto& n) { return n.kind == "peak_warning"; });
  BOOST_TEST(n.home == "h");
  BOOST_TEST(n.json.find(R"("power_w":"5500")") != std::string::npos, n.json);
  BOOST_TEST(n.json.find(R"("peak_hours":"06:00-09:00")") != std::string::npos, n.json);
  auto stored = db->history()->read_notifications("h", 0, at("2027-01-01T00:00:00Z"), 10);
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->size() == 1u);
  // Still high later in the period: no second warning.
  time->set(t + 10 * minute_ms);
  batch(t + 10 * minute_ms, 3000);
  time->set(t + 12 * minute_ms);
  batch(t + 12 * minute_ms, 3000);
  BOOST_TEST(warnings() == 1);
  registry.stop();
  run();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(schedule_book_keeps_schedules_across_a_reopen) {
  test::temp_dir dir;
  auto s1 = parsed(R"({"home":"h1","device":"lamp","type":"on","start":"07:00"})", "sch-1");
  auto s2 = parsed(R"({"home":"h2","type":"away_off","params":{"minutes":30}})", "sch-2");
  auto s3 = parsed(R"({"home":"h1","type":"peak_avoid","start":"17:00","end":"21:00"})", "sch-3");
  s3.created_ms = 5;
  {
    auto db = std::move(*storage::open_rocksdb_store({.dir = dir.path()}));
    auto book = std::move(*storage::schedule_book::open(*db));
    for (const auto& s : {s1, s2, s3})
      BOOST_REQUIRE(book->put(s).has_value());
    BOOST_TEST(book->remove("sch-2").value());
    BOOST_TEST(!book->remove("sch-2").value());
  }
  auto db = std::move(*storage::open_rocksdb_store({.dir = dir.path()}));
  auto book = std::move(*storage::schedule_book::open(*db));
  BOOST_TEST(book->skipped() == 0u);
  BOOST_TEST(book->home_of("sch-1").value() == "h1");
  BOOST_TEST(!book->home_of("sch-2").has_value());
  auto h1 = book->of_home("h1");
  BOOST_REQUIRE(h1.size() == 2u);
  BOOST_TEST((h1[0] == s1)); // oldest first
  BOOST_TEST((h1[1] == s3));
  BOOST_TEST((book->homes() == std::vector<std::string>{"h1"}));
  BOOST_TEST(db->scan_records(storage::collection::schedules, {})->records.size() == 2u);
}
