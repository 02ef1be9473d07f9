#define BOOST_TEST_MODULE optimizer_actor
#include "tests/support/actor_fixture.hpp"

// The home optimizer on the deterministic coordinator with a real RocksDB
// store and a manual clock: a burst of changes is one re-plan after the
// debounce, the interval re-plans, peak_avoid intervals are never started in,
// the listener gets the planned starts, the plan and an `automation`
// notification are stored, and a tariff written to storage is read on reload.

#include "actors/home_optimizer.hpp"
#include "core/time_format.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::actors;

namespace {

using namespace std::chrono_literals;

constexpr millis m = 60'000;
constexpr millis h = 60 * m;

millis at(std::string_view t) {
  return parse_rfc3339(t).value();
}

struct received_plan {
  std::string home;
  planned_starts starts;
};

plan_listener_actor::behavior_type recorder(std::shared_ptr<std::vector<received_plan>> out) {
  return {[out](planned_atom, const std::string& home, const planned_starts& starts) {
    out->push_back({home, starts});
  }};
}

streams::run_request dishwasher(millis earliest, millis deadline, std::string id = "sch-dish") {
  streams::run_request r;
  r.schedule_id = std::move(id);
  r.device = "dishwasher";
  r.earliest_ms = earliest;
  r.deadline_ms = deadline;
  r.duration_ms = 2 * h;
  r.power_w = 1000;
  return r;
}

// Night at 0.20 from 23:00 local, peak 17:00-21:00 at 0.45, else 0.30 (UTC home).
const std::string night_tariff = R"({"valid_from": 0, "currency": "EUR",
  "import": {"default": 0.30, "periods": [{"start": "17:00", "end": "21:00", "price": 0.45},
                                          {"start": "23:00", "end": "06:00", "price": 0.20}]}})";

struct fixture : test::actor_fixture {
  test::temp_dir dir;
  std::unique_ptr<storage::store> db = [this] {
    auto s = storage::open_rocksdb_store({.dir = dir.path()});
    BOOST_REQUIRE(s.has_value());
    return std::move(*s);
  }();
  millis t0 = at("2026-11-27T15:05:00Z"); // a Friday, 15:05 UTC
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(t0);
  std::shared_ptr<std::vector<received_plan>> plans =
      std::make_shared<std::vector<received_plan>>();
  std::shared_ptr<int> replans = std::make_shared<int>(0);
  std::shared_ptr<optimizer_settings> settings = [this] {
    auto s = std::make_shared<optimizer_settings>();
    s->time = time;
    s->db = db.get();
    s->debounce_ms = 2'000;
    s->interval_ms = 15 * m;
    s->time_budget_ms = 1'000;
    s->on_plan = [n = replans](const std::string&, const streams::home_plan&) { ++*n; };
    return s;
  }();
  plan_listener_actor listener = system->spawn(recorder, plans);
  home_optimizer_actor optimizer;

  fixture() {
    auto v = streams::read_tariff_version(night_tariff, 0).value();
    streams::home_tariff t;
    streams::add_version(t, v);
    BOOST_REQUIRE(db->history()->put_home_value("h1", tariff_value, streams::tariff_json("h1", t)));
    optimizer = system->spawn(home_optimizer_behavior, std::string{"h1"},
                              optimizer_settings_ptr{settings}, listener);
    run();
    advance(settings->debounce_ms); // the first plan after start
  }
  ~fixture() {
    caf::anon_send_exit(optimizer, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
    run();
  }

  /// Moves both clocks: the plan's `now` and CAF's timers.
  void advance(millis dt) {
    time->advance(dt);
    scheduler->advance_time(std::chrono::milliseconds{dt});
    run();
  }
  void send_inputs(streams::automation_inputs in) {
    caf::anon_send(optimizer, inputs_atom::value, std::move(in));
    run();
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_burst_of_changes_is_one_replan_after_the_debounce, fixture) {
  BOOST_TEST(*replans == 1);
  BOOST_TEST(plans->empty()); // no loads yet: nothing to tell the scheduler
  streams::automation_inputs in;
  in.runs.push_back(dishwasher(t0, t0 + 14 * h));
  send_inputs(in);
  advance(1'000);
  in.runs[0].power_w = 1200; // a second change inside the debounce
  send_inputs(in);
  caf::anon_send(optimizer, reload_atom::value);
  run();
  advance(1'500);
  BOOST_TEST(*replans == 1); // still settling: 2 s since the last change have not passed
  advance(500);
  BOOST_TEST(*replans == 2);
  BOOST_REQUIRE(plans->size() == 1u);
  const auto& got = plans->back();
  BOOST_TEST(got.home == "h1");
  BOOST_REQUIRE(got.starts.size() == 1u);
  BOOST_TEST(got.starts[0].schedule_id == "sch-dish");
  BOOST_TEST(got.starts[0].start_ms >= at("2026-11-27T23:00:00Z")); // the night price
  BOOST_TEST(got.starts[0].end_ms - got.starts[0].start_ms == 2 * h);
  // The same inputs again change nothing.
  send_inputs(in);
  advance(settings->debounce_ms);
  BOOST_TEST(*replans == 2);
}

BOOST_FIXTURE_TEST_CASE(the_interval_replans_and_the_plan_is_stored, fixture) {
  streams::automation_inputs in;
  in.runs.push_back(dishwasher(t0, t0 + 14 * h));
  send_inputs(in);
  advance(settings->debounce_ms);
  int before = *replans;
  advance(15 * m - settings->debounce_ms * 2); // the interval counts from the start
  BOOST_TEST(*replans == before + 1);
  advance(15 * m);
  BOOST_TEST(*replans == before + 2);
  // The plan moved on with time but its start did not: the listener heard once.
  BOOST_TEST(plans->size() == 1u);

  auto stored = db->history()->get_home_value("h1", plan_value);
  BOOST_REQUIRE(stored.has_value());
  BOOST_REQUIRE(stored->has_value());
  BOOST_TEST((*stored)->find("\"device\":\"dishwasher\"") != std::string::npos);
  auto plan = ask<streams::home_plan>(optimizer, get_atom::value);
  BOOST_TEST(plan.computed_ms == time->now_ms());
  BOOST_REQUIRE(plan.loads.size() == 1u);
  BOOST_TEST(plan.savings > 0);

  // One automation notification, when the load was first placed.
  auto notes = db->history()->read_notifications("h1", 0, at("2030-01-01T00:00:00Z"), 10);
  BOOST_REQUIRE(notes.has_value());
  BOOST_REQUIRE(notes->size() == 1u);
  BOOST_TEST((*notes)[0].kind == "automation");
  BOOST_TEST((*notes)[0].json.find("dishwasher moved to 23:") != std::string::npos);
  BOOST_TEST((*notes)[0].json.find("saves 0.") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(peak_avoid_intervals_are_never_started_in, fixture) {
  // Blocked from 22:00 to 03:00 UTC every night, the cheapest hours included.
  streams::automation_inputs in;
  for (int i = 0; i < 3; ++i)
    in.runs.push_back(dishwasher(t0 + i * h, t0 + 40 * h, "sch-" + std::to_string(i)));
  for (millis night : {at("2026-11-27T22:00:00Z"), at("2026-11-28T22:00:00Z")})
    in.blocked.push_back({night, night + 5 * h, "", "peak_avoid 22:00-03:00"});
  send_inputs(in);
  advance(settings->debounce_ms);
  for (int step = 0; step < 8; ++step) { // two hours of re-plans as time moves on
    BOOST_REQUIRE(!plans->empty());
    for (const auto& s : plans->back().starts)
      for (const auto& b : in.blocked)
        BOOST_TEST((s.start_ms < b.from_ms || s.start_ms >= b.to_ms),
                   s.schedule_id << " starts inside " << b.reason);
    advance(15 * m);
  }
  BOOST_TEST(plans->back().starts.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_tariff_change_in_storage_is_read_on_reload, fixture) {
  streams::automation_inputs in;
  in.runs.push_back(dishwasher(t0, t0 + 14 * h));
  send_inputs(in);
  advance(settings->debounce_ms);
  BOOST_REQUIRE(plans->size() == 1u);
  millis night_start = plans->back().starts[0].start_ms;
  // From now on the afternoon is cheapest.
  auto v = streams::read_tariff_version(R"({"valid_from": 0, "currency": "EUR",
    "import": {"default": 0.30, "periods": [{"start": "16:00", "end": "18:00", "price": 0.01}]}})",
                                        1)
               .value();
  auto t = actors::stored_tariff(*db->history(), "h1").value();
  streams::add_version(t, v);
  BOOST_REQUIRE(db->history()->put_home_value("h1", tariff_value, streams::tariff_json("h1", t)));
  caf::anon_send(optimizer, reload_atom::value);
  run();
  advance(settings->debounce_ms);
  BOOST_REQUIRE(plans->size() == 2u);
  BOOST_TEST(plans->back().starts[0].start_ms != night_start);
  BOOST_TEST(plans->back().starts[0].start_ms == at("2026-11-27T16:00:00Z"));

  // A demand-response event over that hour moves it again.
  dr_events dr{{"dr1", at("2026-11-27T15:00:00Z"), at("2026-11-27T19:00:00Z"), 2.0}};
  caf::anon_send(optimizer, dr_atom::value, dr);
  run();
  advance(settings->debounce_ms);
  BOOST_REQUIRE(plans->size() == 3u);
  BOOST_TEST(plans->back().starts[0].start_ms >= at("2026-11-27T19:00:00Z"));
}
