// The demand-response coordinator actor on CAF's test coordinator with a
// manual clock: states advance with time, each change is published once and
// told to every participating home (a fake optimizer listens), residents are
// notified on announcement and cancellation, opt-outs reach the home's
// optimizer, and events resume after a restart.
#define BOOST_TEST_MODULE dr_coordinator
#include <boost/test/unit_test.hpp>

#include "actors/dr_coordinator.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace hems;
using namespace hems::actors;
using streams::dr_state;

namespace {

constexpr millis minute = 60'000;
constexpr millis t0 = 1'795'737'600'000; // 2026-11-27T00:00:00Z

struct recorded {
  std::vector<std::pair<std::string, dr_state>> published;
  std::vector<std::string> notified; // "home what"
  std::vector<streams::dr_notice> told;
};

struct dr_fixture : test::actor_fixture {
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(t0);
  std::shared_ptr<recorded> seen = std::make_shared<recorded>();
  std::vector<std::string> standing; // homes with a standing opt-out

  dr_coordinator_settings settings() {
    dr_coordinator_settings s;
    s.time = time;
    s.tick_interval_ms = 0; // the test ticks
    s.publish = [seen = seen](const streams::dr_event& e, dr_state st) {
      seen->published.emplace_back(e.id, st);
    };
    s.notify_residents = [seen = seen](const std::vector<std::string>& homes,
                                       const streams::dr_event&, std::string_view what) {
      for (const auto& h : homes)
        seen->notified.push_back(h + " " + std::string{what});
    };
    s.tell_home = [seen = seen](const streams::dr_notice& n) { seen->told.push_back(n); };
    s.standing_opt_outs = [this](const std::vector<std::string>& homes) {
      std::vector<std::string> out;
      for (const auto& h : homes)
        if (std::find(standing.begin(), standing.end(), h) != standing.end())
          out.push_back(h);
      return out;
    };
    return s;
  }

  streams::dr_event event() {
    streams::dr_request r;
    r.homes = {"h1", "h2", "h3"};
    r.start_ms = t0 + 60 * minute;
    r.duration_ms = 30 * minute;
    r.notification_ms = 15 * minute;
    r.shed_kw = 6;
    auto e = streams::make_dr_event(r, t0);
    BOOST_REQUIRE(e);
    e->id = "dr-1";
    return *e;
  }

  void tick(const dr_coordinator_actor& a) {
    caf::anon_send(a, tick_atom::value);
    run();
  }
  std::string state(const dr_coordinator_actor& a) {
    return ask<std::string>(a, get_atom::value, std::string{"dr-1"});
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(states_advance_on_the_clock_and_reach_every_participant, dr_fixture) {
  standing = {"h3"};
  auto a = system->spawn(dr_coordinator_behavior, std::vector<streams::dr_event>{}, settings());
  caf::anon_send(a, dr_atom::value, event());
  run();
  BOOST_TEST(state(a) == "far");
  BOOST_TEST((seen->notified == std::vector<std::string>{"h1 announced", "h2 announced",
                                                         "h3 announced"}));
  BOOST_REQUIRE_EQUAL(seen->told.size(), 2u); // h3 stands out
  BOOST_TEST(seen->told[0].home == "h1");
  BOOST_TEST(seen->told[0].target_kw == 3.0);
  BOOST_TEST((seen->told[1].state == dr_state::far));

  tick(a); // nothing changed: nothing published again
  BOOST_TEST(seen->published.size() == 1u);

  time->advance(45 * minute);
  tick(a);
  BOOST_TEST(state(a) == "near");
  time->advance(15 * minute);
  tick(a);
  BOOST_TEST(state(a) == "active");
  time->advance(30 * minute);
  tick(a);
  BOOST_TEST(state(a) == "completed");
  std::vector<dr_state> states;
  for (const auto& [id, s] : seen->published)
    states.push_back(s);
  BOOST_TEST((states == std::vector<dr_state>{dr_state::far, dr_state::near, dr_state::active,
                                              dr_state::completed}));
  BOOST_TEST(seen->told.size() == 8u); // 4 states x 2 participants
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(opt_outs_and_cancellations_reach_homes_and_residents, dr_fixture) {
  auto a = system->spawn(dr_coordinator_behavior, std::vector<streams::dr_event>{}, settings());
  auto e = event();
  caf::anon_send(a, dr_atom::value, e);
  run();
  time->advance(60 * minute);
  tick(a);
  BOOST_TEST(state(a) == "active");
  seen->told.clear();

  BOOST_REQUIRE(streams::opt_out(e, "h2", time->now_ms()));
  caf::anon_send(a, dr_atom::value, e);
  run();
  BOOST_REQUIRE_EQUAL(seen->told.size(), 1u);
  BOOST_TEST(seen->told[0].home == "h2");
  BOOST_TEST(seen->told[0].opted_out);

  seen->told.clear();
  seen->notified.clear();
  time->advance(minute);
  BOOST_REQUIRE(streams::cancel(e, time->now_ms()));
  caf::anon_send(a, dr_atom::value, e);
  run();
  BOOST_TEST(state(a) == "cancelled");
  BOOST_TEST(seen->notified.size() == 3u);
  BOOST_TEST(seen->notified[0] == "h1 cancelled");
  BOOST_REQUIRE_EQUAL(seen->told.size(), 2u); // h1 and h3: h2 opted out
  BOOST_TEST((seen->told[0].state == dr_state::cancelled));
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(stored_events_resume_where_they_are, dr_fixture) {
  auto done = event();
  done.id = "dr-0";
  done.start_ms = t0 - 120 * minute; // completed an hour ago
  time->advance(70 * minute);        // dr-1 is active now
  auto a = system->spawn(dr_coordinator_behavior, std::vector<streams::dr_event>{done, event()},
                         settings());
  run();
  BOOST_TEST(state(a) == "active");
  BOOST_TEST(ask<std::string>(a, get_atom::value, std::string{"dr-0"}) == "");
  BOOST_REQUIRE_EQUAL(seen->published.size(), 1u);
  BOOST_TEST(seen->notified.empty()); // announced before the restart
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}
