#define BOOST_TEST_MODULE sim_models
#include <boost/test/unit_test.hpp>

#include "sim/appliance_cycle.hpp"
#include "sim/ev_charger.hpp"
#include "sim/fridge.hpp"
#include "sim/household.hpp"
#include "sim/local_time.hpp"
#include "sim/random.hpp"
#include "sim/space_heating.hpp"
#include "sim/water_heater.hpp"
#include "sim/weather.hpp"
#include "tests/unit/sim_test_support.hpp"

using namespace hems;
using namespace hems::sim;
using namespace sim_test;

namespace {

home_context context_for(std::uint64_t seed, local_zone zone = {}) {
  return home_context{std::move(zone), weather{seed}, household_schedule{seed}};
}

const millis jan_13 = utc_midnight(2025, 1, 13); // Monday
const millis jul_14 = utc_midnight(2025, 7, 14); // Monday

} // namespace

BOOST_AUTO_TEST_CASE(zones_convert_local_time) {
  auto berlin = local_zone::from_name("Europe/Berlin");
  BOOST_REQUIRE(berlin.has_value());
  // Winter +1 h, summer +2 h.
  BOOST_TEST(berlin->to_local(jan_13) - jan_13 == hour_ms);
  BOOST_TEST(berlin->to_local(jul_14) - jul_14 == 2 * hour_ms);
  BOOST_TEST(berlin->standard_offset_hours() == 1.0);
  // Local midnight round-trips.
  BOOST_TEST(berlin->to_utc(berlin->to_local(jul_14 + 5 * hour_ms)) == jul_14 + 5 * hour_ms);
  // 2025-03-30 02:30 does not exist in Berlin: it maps to the change at 01:00 UTC.
  const millis mar_30 = utc_midnight(2025, 3, 30);
  BOOST_TEST(berlin->at(mar_30 / day_ms, 2 * hour_ms + 30 * minute_ms) == mar_30 + hour_ms);
  // 2025-10-26 02:30 happens twice: the first one (still summer time, 00:30 UTC).
  const millis oct_26 = utc_midnight(2025, 10, 26);
  BOOST_TEST(berlin->at(oct_26 / day_ms, 2 * hour_ms + 30 * minute_ms) == oct_26 + 30 * minute_ms);

  auto fixed = local_zone::from_name("-05:30");
  BOOST_REQUIRE(fixed.has_value());
  BOOST_TEST(fixed->to_local(jan_13) == jan_13 - 5 * hour_ms - 30 * minute_ms);
  auto m = fixed->moment(jan_13);
  BOOST_TEST(m.weekday == 6); // still Sunday there
  BOOST_TEST(m.hour() == 18.5);

  BOOST_TEST(local_zone::from_name("UTC").has_value());
  BOOST_TEST(!local_zone::from_name("Mars/Olympus").has_value());
  BOOST_TEST(!local_zone::from_name("+25:00").has_value());
  BOOST_TEST(!local_zone::from_name("+1:00").has_value());
}

BOOST_AUTO_TEST_CASE(a_moment_knows_its_day) {
  local_zone utc;
  auto m = utc.moment(utc_midnight(2025, 11, 27) + 6 * hour_ms);
  BOOST_TEST(m.weekday == 3); // Thursday
  BOOST_TEST(m.day_of_year == 330);
  BOOST_TEST(m.hour() == 6.0);
  BOOST_TEST(!m.weekend());
  BOOST_TEST(utc.moment(utc_midnight(2025, 11, 29)).weekend());
  BOOST_TEST(utc.moment(-1).day == -1); // before 1970
}

BOOST_AUTO_TEST_CASE(the_weather_has_seasons_days_and_a_sun) {
  weather w{1};
  local_zone utc;
  double january = 0, july = 0, dawn = 0, afternoon = 0;
  for (int d = 0; d < 14; ++d) {
    january += w.outdoor_c(utc.moment(jan_13 + d * day_ms + 12 * hour_ms));
    july += w.outdoor_c(utc.moment(jul_14 + d * day_ms + 12 * hour_ms));
    dawn += w.outdoor_c(utc.moment(jul_14 + d * day_ms + 4 * hour_ms));
    afternoon += w.outdoor_c(utc.moment(jul_14 + d * day_ms + 15 * hour_ms));
  }
  BOOST_TEST(january / 14 < 6.0);
  BOOST_TEST(july / 14 > 14.0);
  BOOST_TEST(afternoon > dawn);
  BOOST_TEST(w.sun_elevation_deg(172, 12.0) > 60.0); // June noon at 50 N
  BOOST_TEST(w.sun_elevation_deg(355, 12.0) < 20.0); // December noon
  BOOST_TEST(w.sun_elevation_deg(172, 0.0) < 0.0);   // midnight
}

BOOST_AUTO_TEST_CASE(household_days_are_plausible_and_reproducible) {
  household_schedule a{77}, b{77};
  int away_weekdays = 0;
  for (std::int64_t day = jan_13 / day_ms; day < jan_13 / day_ms + 28; ++day) {
    const day_plan& p = a.plan(day);
    const day_plan& q = b.plan(day);
    BOOST_TEST((p.wake == q.wake && p.sleep == q.sleep && p.leave == q.leave));
    BOOST_TEST(p.wake < p.sleep);
    BOOST_TEST(p.sleep < day_ms);
    if (p.away) {
      BOOST_TEST(p.leave >= p.wake);
      BOOST_TEST(p.back > p.leave);
      BOOST_TEST(p.back < p.sleep);
    }
    if (p.weekday < 5 && p.away && p.back - p.leave > 5 * hour_ms) {
      ++away_weekdays;
      BOOST_TEST((p.leave > 6 * hour_ms && p.leave < 11 * hour_ms));
      BOOST_TEST((p.back > 14 * hour_ms && p.back < 21 * hour_ms));
    }
  }
  if (!a.traits().someone_home_by_day)
    BOOST_TEST(away_weekdays >= 14); // most of 20 weekdays at work
}

BOOST_AUTO_TEST_CASE(a_fridge_cycles_with_a_plausible_duty) {
  auto ctx = context_for(3);
  fridge_model fridge{"fridge", 3};
  fridge.start(jan_13, ctx);
  int on = 0, all = 0, switches = 0;
  bool was_on = false;
  for (millis t = jan_13; t < jan_13 + 2 * day_ms; t += 30 * second_ms) {
    fridge.advance_to(t, ctx);
    bool now_on = fridge.state() == device_state::on;
    switches += now_on != was_on;
    was_on = now_on;
    on += now_on;
    ++all;
    if (now_on)
      BOOST_TEST_REQUIRE((fridge.power_w() > 70.0 && fridge.power_w() < 200.0));
  }
  double duty = static_cast<double>(on) / all;
  BOOST_TEST((duty > 0.25 && duty < 0.6), "duty " << duty);
  BOOST_TEST(switches > 2 * 2 * 20); // dozens of cycles a day
  double kwh_per_day = fridge.drawn_energy_wh() / 2000.0;
  BOOST_TEST((kwh_per_day > 0.5 && kwh_per_day < 1.8), kwh_per_day);
}

BOOST_AUTO_TEST_CASE(an_appliance_program_uses_its_programs_energy) {
  auto ctx = context_for(4);
  for (auto profile : {appliance_profile::dishwasher(), appliance_profile::washing_machine(),
                       appliance_profile::dryer()}) {
    profile.base_chance = profile.chance_per_resident = profile.weekend_bonus = 0; // no own use
    appliance_cycle a{"appliance", 4, profile};
    a.start(jan_13, ctx);
    double before = a.drawn_energy_wh();
    BOOST_REQUIRE(a.load(false));
    BOOST_TEST(a.running());
    a.advance_to(jan_13 + 5 * hour_ms, ctx);
    BOOST_TEST(!a.running());
    double used = a.drawn_energy_wh() - before;
    BOOST_TEST(used == profile.cycle_wh(), boost::test_tools::tolerance(0.2));
  }
}

BOOST_AUTO_TEST_CASE(an_ev_charges_to_full_and_stops) {
  auto ctx = context_for(5);
  ev_profile p;
  p.capacity_kwh = 50;
  p.charger_w = 3700;
  ev_charger ev{"ev-charger", 5, p};
  const millis t0 = jan_13 + 19 * hour_ms;
  ev.start(t0, ctx);
  ev.plug_in(50);
  BOOST_TEST(ev.charging());
  // 25 kWh into the battery at 3.7 kW and 92%: about 7.3 h.
  ev.advance_to(t0 + 7 * hour_ms, ctx);
  BOOST_TEST(ev.charging());
  ev.advance_to(t0 + 8 * hour_ms, ctx);
  BOOST_TEST(!ev.charging());
  BOOST_TEST(ev.soc_pct() == 100.0);
  BOOST_TEST(ev.power_w() == 0.0);
  BOOST_TEST(ev.drawn_energy_wh() == 25'000.0 / 0.92, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(an_ev_leaves_and_comes_back_emptier) {
  auto ctx = context_for(6);
  ev_charger ev{"ev-charger", 6, ev_profile{}};
  ev.start(jan_13, ctx);
  int departures = 0;
  bool was_home = ev.car_home();
  for (millis t = jan_13; t < jan_13 + 14 * day_ms; t += 10 * minute_ms) {
    ev.advance_to(t, ctx);
    if (was_home && !ev.car_home()) {
      ++departures;
      BOOST_TEST(!ev.plugged());
      BOOST_TEST(ev.power_w() == 0.0);
    }
    was_home = ev.car_home();
  }
  if (!ctx.household().traits().someone_home_by_day)
    BOOST_TEST(departures >= 8);
  BOOST_TEST(ev.drawn_energy_wh() > 10'000.0); // two weeks of driving were recharged
}

BOOST_AUTO_TEST_CASE(heating_keeps_the_house_near_its_setpoint) {
  for (auto type : {heating_type::heat_pump, heating_type::electric}) {
    auto ctx = context_for(7);
    rng r{7};
    auto profile = heating_profile::typical(type, r);
    space_heating heating{"heating", 7, profile};
    heating.start(jan_13, ctx);
    heating.advance_to(jan_13 + 2 * day_ms, ctx); // settle
    double worst = 0;
    for (millis t = jan_13 + 2 * day_ms; t < jan_13 + 5 * day_ms; t += 5 * minute_ms) {
      heating.advance_to(t, ctx);
      // After a setback it takes a while to warm up again: judge late evenings.
      if (ctx.local(t).hour() >= 21.0 && ctx.local(t).hour() < 21.5 && ctx.awake(t))
        worst = std::max(worst, std::abs(heating.indoor_c() - heating.setpoint_c()));
    }
    BOOST_TEST(worst < 1.0, "indoor off its setpoint by " << worst);
    double kwh_per_day = heating.drawn_energy_wh() / 5000.0;
    BOOST_TEST((kwh_per_day > 3.0 && kwh_per_day < 35.0), kwh_per_day);
  }
  BOOST_TEST(space_heating::cop_at(-7) < space_heating::cop_at(7));
}

BOOST_AUTO_TEST_CASE(heating_rests_in_summer) {
  auto ctx = context_for(8);
  rng r{8};
  space_heating heating{"heating", 8, heating_profile::typical(heating_type::electric, r)};
  heating.start(jul_14, ctx);
  heating.advance_to(jul_14 + 7 * day_ms, ctx);
  BOOST_TEST(heating.drawn_energy_wh() / 7000.0 < 1.5);
}

BOOST_AUTO_TEST_CASE(a_water_heater_reheats_after_showers) {
  auto ctx = context_for(9);
  water_heater tank{"water-heater", 9};
  tank.start(jan_13, ctx);
  double lowest = 100;
  int heating_samples = 0;
  for (millis t = jan_13; t < jan_13 + 3 * day_ms; t += minute_ms) {
    tank.advance_to(t, ctx);
    lowest = std::min(lowest, tank.tank_c());
    heating_samples += tank.state() == device_state::on;
  }
  BOOST_TEST(lowest < 50.0);
  BOOST_TEST(heating_samples > 30);
  BOOST_TEST(tank.tank_c() > 40.0);
  double kwh_per_day = tank.drawn_energy_wh() / 3000.0;
  BOOST_TEST((kwh_per_day > 1.0 && kwh_per_day < 9.0), kwh_per_day);
}

BOOST_AUTO_TEST_CASE(seeds_derive_independently) {
  BOOST_TEST(derive_seed(1, "fridge") != derive_seed(1, "freezer"));
  BOOST_TEST(derive_seed(1, "fridge") != derive_seed(2, "fridge"));
  rng r{123};
  double sum = 0;
  for (int i = 0; i < 10'000; ++i) {
    double u = r.uniform();
    BOOST_TEST_REQUIRE((u >= 0.0 && u < 1.0));
    sum += u;
  }
  BOOST_TEST(sum / 10'000 == 0.5, boost::test_tools::tolerance(0.02));
}
