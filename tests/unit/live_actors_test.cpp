#define BOOST_TEST_MODULE live_actors
#include "tests/support/actor_fixture.hpp"

#include "actors/fleet_directory.hpp"
#include "actors/live_board.hpp"

using namespace hems;
using namespace hems::actors;

namespace {

constexpr millis t0 = 1795740000000;

sample make_sample(std::string home, std::string device, millis ts, double power,
                   device_kind kind = device_kind::plug) {
  sample s;
  s.home = std::move(home);
  s.device = std::move(device);
  s.ts_ms = ts;
  s.power_w = power;
  s.kind = kind;
  return s;
}

struct fixture : test::actor_fixture {
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(t0);
  metrics_registry registry;
  std::shared_ptr<live_board> board = std::make_shared<live_board>();
  std::shared_ptr<live_context> context = [this] {
    auto c = std::make_shared<live_context>();
    c->settings.time = time;
    c->metrics = std::make_shared<live_metrics>(registry);
    c->board = board;
    return c;
  }();
  fleet_directory_actor directory =
    system->spawn(fleet_directory_behavior, std::vector<recovered_device>{}, context);

  ~fixture() {
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
    run();
  }

  void ingest(sample_list xs) {
    caf::anon_send(directory, ingest_atom::value, std::move(xs));
    run();
  }
  // The actors' view, checked against what the board (REST's live reads) shows.
  home_view view(const std::string& home) {
    auto v = ask<home_view>(directory, get_atom::value, home);
    auto b = board->view(home, context->settings);
    BOOST_TEST(b.found == v.found);
    BOOST_TEST(b.total_power_w == v.total_power_w);
    BOOST_TEST(b.untracked_power_w.has_value() == v.untracked_power_w.has_value());
    BOOST_REQUIRE_EQUAL(b.devices.size(), v.devices.size());
    for (std::size_t i = 0; i < v.devices.size(); ++i) {
      BOOST_TEST(b.devices[i].status.device == v.devices[i].status.device);
      BOOST_TEST(b.devices[i].status.quarantined == v.devices[i].status.quarantined);
      BOOST_TEST(b.devices[i].status.restarts == v.devices[i].status.restarts);
      BOOST_TEST(b.devices[i].online == v.devices[i].online);
      BOOST_TEST(b.devices[i].power_w == v.devices[i].power_w);
      BOOST_TEST(b.devices[i].energy_today_wh == v.devices[i].energy_today_wh);
    }
    return v;
  }
  const home_view::device& device(const home_view& v, const std::string& id) {
    for (const auto& d : v.devices)
      if (d.status.device == id)
        return d;
    BOOST_FAIL("no device " + id);
    return v.devices.front();
  }
  device_actor device_actor_of(const std::string& home, const std::string& id) {
    auto h = ask<home_actor>(directory, home_atom::value, home);
    return ask<device_actor>(h, device_atom::value, id);
  }
  void crash(const std::string& home, const std::string& id) {
    caf::anon_send_exit(device_actor_of(home, id), caf::exit_reason::kill);
    run();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(live, fixture)

BOOST_AUTO_TEST_CASE(first_samples_spawn_the_home_and_its_devices) {
  ingest({make_sample("h1", "lamp", t0, 60), make_sample("h1", "tv", t0, 100),
          make_sample("h2", "kettle", t0, 2000)});
  auto v = view("h1");
  BOOST_TEST(v.found);
  BOOST_REQUIRE_EQUAL(v.devices.size(), 2u);
  BOOST_TEST(v.total_power_w == 160.0);
  BOOST_TEST(device(v, "lamp").online);
  BOOST_TEST(view("h2").total_power_w == 2000.0);
  BOOST_TEST(!view("nowhere").found);
  BOOST_TEST((ask<home_list>(directory, list_atom::value) == home_list{"h1", "h2"}));
  BOOST_TEST(context->metrics->device_actors.value() == 3);
  BOOST_TEST(context->metrics->homes.value() == 2);
}

BOOST_AUTO_TEST_CASE(energy_today_and_power_follow_the_samples) {
  ingest({make_sample("h", "heater", t0, 1200)});
  time->advance(60'000);
  ingest({make_sample("h", "heater", t0 + 60'000, 0)});
  auto d = device(view("h"), "heater");
  BOOST_TEST(d.power_w == 0.0);
  BOOST_TEST(d.energy_today_wh == 20.0);
  BOOST_TEST(d.status.memo.last->ts_ms == t0 + 60'000);
}

BOOST_AUTO_TEST_CASE(a_silent_device_goes_offline_and_stops_counting) {
  ingest({make_sample("h", "a", t0, 100), make_sample("h", "b", t0, 50)});
  time->advance(4 * 60'000);
  ingest({make_sample("h", "b", t0 + 4 * 60'000, 50)});
  time->advance(2 * 60'000); // a: silent for 6 minutes
  auto v = view("h");
  BOOST_TEST(!device(v, "a").online);
  BOOST_TEST(device(v, "b").online);
  BOOST_TEST(v.total_power_w == 50.0);
}

BOOST_AUTO_TEST_CASE(a_whole_home_meter_is_the_total_and_shows_the_untracked_rest) {
  ingest({make_sample("h", "main", t0, 900, device_kind::meter),
          make_sample("h", "fridge", t0, 100, device_kind::appliance),
          make_sample("h", "pv", t0, -300, device_kind::pv)});
  auto v = view("h");
  BOOST_TEST(v.total_power_w == 900.0);
  BOOST_TEST(v.tracked_power_w == -200.0);
  BOOST_TEST(*v.untracked_power_w == 1100.0);
}

BOOST_AUTO_TEST_CASE(a_failed_device_restarts_with_its_state) {
  ingest({make_sample("h", "heater", t0, 1200), make_sample("h", "lamp", t0, 60)});
  time->advance(60'000);
  ingest({make_sample("h", "heater", t0 + 60'000, 600)});
  crash("h", "heater");
  auto d = device(view("h"), "heater");
  BOOST_TEST(d.status.restarts == 1u);
  BOOST_TEST(!d.status.quarantined);
  BOOST_TEST(d.power_w == 600.0);
  time->advance(60'000);
  ingest({make_sample("h", "heater", t0 + 120'000, 0)});
  // 1200 W for 1 min + 600 W for 1 min, across the restart
  BOOST_TEST(device(view("h"), "heater").energy_today_wh == 30.0);
  BOOST_TEST(device(view("h"), "lamp").power_w == 60.0); // the neighbour never noticed
  BOOST_TEST(context->metrics->device_restarts.value() == 1u);
}

BOOST_AUTO_TEST_CASE(a_device_that_keeps_failing_is_quarantined_until_released) {
  ingest({make_sample("h", "flaky", t0, 10), make_sample("h", "lamp", t0, 60)});
  for (int i = 0; i < 4; ++i)
    crash("h", "flaky");
  auto d = device(view("h"), "flaky");
  BOOST_TEST(d.status.quarantined);
  BOOST_TEST(context->metrics->device_quarantines.value() == 1u);
  ingest({make_sample("h", "flaky", t0 + 1000, 99), make_sample("h", "lamp", t0 + 1000, 61)});
  BOOST_TEST(device(view("h"), "flaky").power_w == 10.0);
  BOOST_TEST(device(view("h"), "lamp").power_w == 61.0);
  BOOST_TEST(context->metrics->quarantined_samples.value() == 1u);
  BOOST_TEST(ask<bool>(directory, release_atom::value, std::string{"h"}, std::string{"flaky"}));
  ingest({make_sample("h", "flaky", t0 + 2000, 42)});
  BOOST_TEST(device(view("h"), "flaky").power_w == 42.0);
  BOOST_TEST(!device(view("h"), "flaky").status.quarantined);
}

BOOST_AUTO_TEST_CASE(failures_outside_the_window_do_not_add_up) {
  ingest({make_sample("h", "d", t0, 10)});
  for (int i = 0; i < 6; ++i) {
    crash("h", "d");
    time->advance(61'000);
  }
  BOOST_TEST(!device(view("h"), "d").status.quarantined);
}

BOOST_AUTO_TEST_CASE(recovered_devices_are_there_before_any_new_sample) {
  device_status s;
  s.device = "fridge";
  s.kind = device_kind::appliance;
  s.memo.last = make_sample("h9", "fridge", t0, 120);
  s.last_seen_ms = t0;
  auto dir = system->spawn(fleet_directory_behavior,
                           std::vector<recovered_device>{{"h9", s}}, context);
  run();
  auto v = ask<home_view>(dir, get_atom::value, std::string{"h9"});
  BOOST_REQUIRE_EQUAL(v.devices.size(), 1u);
  BOOST_TEST(v.total_power_w == 120.0);
}

BOOST_AUTO_TEST_SUITE_END()
