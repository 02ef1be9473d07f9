// Demand-response events (lifecycle, opt-outs, targets), the CAISO baseline
// against hand-computed cases, and the fleet coordinator on a small fleet.
#define BOOST_TEST_MODULE fleet
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "streams/dr_baseline.hpp"
#include "streams/dr_event.hpp"
#include "streams/fleet_coordinator.hpp"
#include "streams/fleet_scenario.hpp"
#include "streams/local_time.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

constexpr millis minute = 60'000;
constexpr millis hour = 60 * minute;

dr_request level_request(millis start) {
  dr_request r;
  r.homes = {"h2", "h1", "h2"};
  r.start_ms = start;
  r.duration_ms = 2 * hour;
  r.notification_ms = 30 * minute;
  r.level = 2;
  return r;
}

baseline_day flat_day(std::int64_t day, double kw, bool weekend = false) {
  baseline_day d;
  d.day = day;
  d.weekend = weekend;
  d.kw.assign(dr_slots_per_day, kw);
  return d;
}

} // namespace

BOOST_AUTO_TEST_CASE(event_states_follow_time) {
  const millis now = 1'000 * hour;
  auto e = make_dr_event(level_request(now + 2 * hour), now);
  BOOST_REQUIRE(e);
  BOOST_TEST((e->homes == std::vector<std::string>{"h1", "h2"}));
  BOOST_TEST(to_string(state_at(*e, now)) == "far");
  BOOST_TEST(*next_transition(*e, now) == now + 90 * minute);
  BOOST_TEST(to_string(state_at(*e, now + 90 * minute)) == "near");
  BOOST_TEST(*next_transition(*e, now + 90 * minute) == now + 2 * hour);
  BOOST_TEST(to_string(state_at(*e, now + 2 * hour)) == "active");
  BOOST_TEST(to_string(state_at(*e, now + 4 * hour - 1)) == "active");
  BOOST_TEST(to_string(state_at(*e, now + 4 * hour)) == "completed");
  BOOST_TEST(!next_transition(*e, now + 4 * hour));
  BOOST_TEST(!cancel(*e, now + 4 * hour));
}

BOOST_AUTO_TEST_CASE(cancelled_events_stay_cancelled) {
  const millis now = 1'000 * hour;
  auto e = make_dr_event(level_request(now + 2 * hour), now);
  BOOST_REQUIRE(e);
  BOOST_REQUIRE(cancel(*e, now + 2 * hour + minute));
  BOOST_TEST(to_string(state_at(*e, now + 2 * hour)) == "active"); // before the cancel
  BOOST_TEST(to_string(state_at(*e, now + 3 * hour)) == "cancelled");
  BOOST_TEST(to_string(state_at(*e, now + 9 * hour)) == "cancelled");
  BOOST_TEST(!next_transition(*e, now + 3 * hour));
  BOOST_TEST(cancel(*e, now + 3 * hour).error() == "the event is already cancelled");
}

BOOST_AUTO_TEST_CASE(bad_requests_name_the_field) {
  const millis now = 1'000 * hour;
  auto field = [&](dr_request r) { return make_dr_event(r, now).error().field; };
  auto r = level_request(now + hour);
  r.group = "feeder-7";
  BOOST_TEST(field(r) == "group");
  r = level_request(now - hour);
  BOOST_TEST(field(r) == "start");
  r = level_request(now + hour);
  r.duration_ms = 0;
  BOOST_TEST(field(r) == "duration_min");
  r = level_request(now + hour);
  r.level = 4;
  BOOST_TEST(field(r) == "level");
  r = level_request(now + hour);
  r.shed_kw = 100;
  BOOST_TEST(field(r) == "shed_kw");
  r.level.reset();
  r.shed_kw = -1;
  BOOST_TEST(field(r) == "shed_kw");
  r.shed_kw.reset();
  BOOST_TEST(field(r) == "level");
  r = level_request(now + hour);
  r.notification_ms = -minute;
  BOOST_TEST(field(r) == "notification_min");
}

BOOST_AUTO_TEST_CASE(opt_outs_per_event_and_standing) {
  const millis now = 1'000 * hour;
  auto r = level_request(now + hour);
  r.homes = {"h1", "h2", "h3"};
  auto e = make_dr_event(r, now);
  BOOST_REQUIRE(e);
  e->id = "dr-1";
  BOOST_TEST(!opt_out(*e, "h9", now));
  BOOST_REQUIRE(opt_out(*e, "h2", now));
  BOOST_REQUIRE(opt_out(*e, "h2", now + hour + minute)); // twice, and while active
  BOOST_TEST((e->opted_out == std::vector<std::string>{"h2"}));
  BOOST_TEST((participants(*e, {"h3"}) == std::vector<std::string>{"h1"}));
  BOOST_TEST((participants(*e, {}) == std::vector<std::string>{"h1", "h3"}));
  BOOST_TEST(!opt_out(*e, "h1", now + 3 * hour)); // completed
}

BOOST_AUTO_TEST_CASE(shed_targets_split_by_baseline) {
  dr_event e;
  e.shed_kw = 30;
  auto split = shed_targets_kw(e, {1.0, 2.0, 3.0});
  BOOST_TEST(split[0] == 5.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(split[2] == 15.0, boost::test_tools::tolerance(1e-12));
  e.shed_kw.reset();
  e.level = 2;
  split = shed_targets_kw(e, {4.0, 0.0});
  BOOST_TEST(split[0] == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(split[1] == 0.0);
}

// Weekdays 1..12 draw a flat d kW on day d; the 10 most recent (3..12) mean 7.5.
BOOST_AUTO_TEST_CASE(baseline_is_the_mean_of_the_ten_latest_eligible_days) {
  std::vector<baseline_day> history;
  for (int d = 1; d <= 12; ++d)
    history.push_back(flat_day(d, d));
  history.push_back(flat_day(13, 100, true)); // a weekend day: not eligible for a weekday
  auto event_day = flat_day(14, NAN);
  auto b = caiso_baseline(history, event_day, 64);
  BOOST_REQUIRE(b);
  BOOST_TEST(b->days_used.size() == 10u);
  BOOST_TEST(b->unadjusted_kw[70] == 7.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b->adjustment == 1.0); // no actuals before the event: no adjustment

  // An earlier event day and a day with a gap drop out: days 2..10 and 12 remain.
  history[10].event_day = true; // day 11
  history[0].kw[5] = NAN;       // day 1
  b = caiso_baseline(history, event_day, 64);
  BOOST_REQUIRE(b);
  BOOST_TEST(b->days_used.size() == 10u);
  BOOST_TEST(b->unadjusted_kw[0] == (2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 12) / 10.0,
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(day_of_adjustment_uses_hours_four_to_one_before_and_is_capped) {
  std::vector<baseline_day> history;
  for (int d = 1; d <= 12; ++d)
    history.push_back(flat_day(d, d)); // baseline 7.5 kW
  // Event at 16:00 (slot 64): the window is 12:00-15:00 (slots 48..59).
  auto event_day = flat_day(14, NAN);
  for (int t = 48; t < 60; ++t)
    event_day.kw[t] = 8.25; // 1.1 x the baseline
  event_day.kw[63] = 50;    // the hour just before does not count
  auto b = caiso_baseline(history, event_day, 64);
  BOOST_REQUIRE(b);
  BOOST_TEST(b->adjustment == 1.1, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b->kw[64] == 8.25, boost::test_tools::tolerance(1e-12));

  for (int t = 48; t < 60; ++t)
    event_day.kw[t] = 10; // 1.333 x: capped at 1.2
  b = caiso_baseline(history, event_day, 64);
  BOOST_REQUIRE(b);
  BOOST_TEST(b->raw_adjustment == 10 / 7.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b->adjustment == 1.2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b->kw[64] == 9.0, boost::test_tools::tolerance(1e-12));

  // The home drew 6 kW for the event's hour: 3 kW shed, 3 kWh.
  for (int t = 64; t < 68; ++t)
    event_day.kw[t] = 6;
  auto shed = achieved_shed(*b, event_day.kw, 64, 68);
  BOOST_TEST(shed.shed_kwh == 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(shed.average_shed_kw == 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(shed.baseline_kwh == 9.0, boost::test_tools::tolerance(1e-12));
  auto total = sum_reports({shed, shed});
  BOOST_TEST(total.shed_kwh == 6.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(total.shed_kw[0] == 6.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(total.average_shed_kw == 6.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(weekend_events_use_four_weekend_days) {
  std::vector<baseline_day> history;
  for (int d = 1; d <= 6; ++d)
    history.push_back(flat_day(d, d, true));
  history.push_back(flat_day(7, 99)); // a weekday
  auto b = caiso_baseline(history, flat_day(8, NAN, true), 40);
  BOOST_REQUIRE(b);
  BOOST_TEST(b->unadjusted_kw[40] == 4.5, boost::test_tools::tolerance(1e-12)); // days 3..6
  BOOST_TEST(!caiso_baseline({}, flat_day(8, NAN), 40));
}

// A home in Berlin: its baseline days are its local days and its quarter
// hours wall-clock ones, also across the clocks going forward (a day of 92
// quarter hours) and back (100).
BOOST_AUTO_TEST_CASE(baselines_use_the_homes_local_days_across_dst) {
  auto zone = local_zone::from_name("Europe/Berlin");
  BOOST_REQUIRE(zone);
  constexpr millis quarter = 15 * minute;
  constexpr std::int64_t sat_mar28 = 20540, sun_mar29 = 20541, sat_apr4 = 20547,
                         sun_apr5 = 20548, sun_oct25 = 20751;
  std::vector<quarter_energy> windows;
  // Every quarter hour draws its wall-clock hour in kW (18:00-18:15: 18 kW).
  auto add = [&](millis from, int quarters, auto wall_hour) {
    for (int i = 0; i < quarters; ++i)
      windows.push_back({from + i * quarter, 250.0 * wall_hour(i)});
  };
  // Sat 28 March 00:00 CET (23:00 UTC) on: 96 quarter hours, then Sunday the
  // 29th, whose 02:00-03:00 does not exist (92 quarter hours).
  add(1'774'652'400'000, 96, [](int i) { return i / 4; });
  add(1'774'652'400'000 + 96 * quarter, 92, [](int i) { return i < 8 ? i / 4 : (i + 4) / 4; });
  // Sat 4 April 00:00 CEST (22:00 UTC).
  add(1'775'253'600'000, 96, [](int i) { return i / 4; });
  auto days = local_days(windows, *zone);
  BOOST_REQUIRE_EQUAL(days.size(), 3u);
  const auto& dst = days.at(sun_mar29);
  BOOST_TEST(dst.weekend);
  BOOST_REQUIRE_EQUAL(dst.absent.size(), 96u);
  for (int t = 0; t < 96; ++t)
    BOOST_TEST(dst.absent[t] == (t >= 8 && t < 12));
  BOOST_TEST(std::isnan(dst.kw[8]));
  BOOST_TEST(dst.kw[72] == 18.0); // 18:00 local is 16:00 UTC that day
  BOOST_TEST(dst.kw[12] == 3.0);
  BOOST_TEST(days.at(sat_mar28).absent.empty());
  BOOST_TEST(days.at(sat_mar28).kw[72] == 18.0); // 18:00 local is 17:00 UTC

  // An event on Sunday 5 April at 18:00 local (16:00 UTC): slot 72 of its
  // local day, not 64 as a UTC day would have it.
  const millis start = 1'775'404'800'000;
  auto at = local_slot_of(start, *zone);
  BOOST_TEST(at.day == sun_apr5);
  BOOST_TEST(at.slot == 72);
  BOOST_TEST(local_end_slot(at.day, start + 2 * hour, *zone) == 80);
  BOOST_TEST(local_end_slot(at.day, start + 7 * hour, *zone) == 96); // past midnight
  std::vector<baseline_day> history;
  for (auto& [day, d] : days)
    history.push_back(d);
  baseline_day today;
  today.day = sun_apr5;
  today.weekend = true;
  today.kw.assign(dr_slots_per_day, NAN);
  auto b = caiso_baseline(history, today, at.slot);
  BOOST_REQUIRE(b);
  // Weekend days only (the DST Sunday counts: every quarter hour it has is known).
  BOOST_TEST((b->days_used == std::vector<std::int64_t>{sat_apr4, sun_mar29, sat_mar28}));
  BOOST_TEST(b->kw[72] == 18.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b->kw[8] == 2.0, boost::test_tools::tolerance(1e-12)); // the days that have it

  // Sunday 25 October: 02:00-03:00 happens twice; its quarter hours share a
  // wall-clock slot (the average), and the day is complete with 96 slots.
  std::vector<quarter_energy> autumn;
  for (int i = 0; i < 100; ++i) {
    double kw = i >= 8 && i < 12 ? 2.0 : i >= 12 && i < 16 ? 4.0 : 1.0;
    autumn.push_back({1'792'879'200'000 + i * quarter, 250.0 * kw});
  }
  auto fall = local_days(autumn, *zone);
  BOOST_REQUIRE_EQUAL(fall.size(), 1u);
  const auto& back = fall.at(sun_oct25);
  BOOST_TEST(back.absent.empty());
  BOOST_TEST(back.kw[8] == 3.0);  // 02:00 CEST (2 kW) and 02:00 CET (4 kW)
  BOOST_TEST(back.kw[12] == 1.0); // 03:00 CET
  BOOST_TEST(back.kw[95] == 1.0);
}

// 50 homes, 2 days: coordination cuts the fleet's peak by at least 30 % and
// residents pay within 1 % of what they pay planning alone.
BOOST_AUTO_TEST_CASE(coordination_lowers_the_peak_at_the_same_cost) {
  tou_tariff tariff;
  coordination_options options;
  for (int day = 0; day < 2; ++day) {
    auto homes = fleet_day(7, 50, day, tariff);
    auto alone = plan_alone(homes, options.solve);
    auto together = coordinate(homes, options);
    BOOST_TEST(alone.failures == 0);
    BOOST_TEST(together.failures == 0);
    BOOST_TEST(together.peak_kw <= 0.7 * alone.peak_kw,
               "day " << day << ": " << together.peak_kw << " kW vs " << alone.peak_kw);
    BOOST_TEST(together.cost <= 1.01 * alone.cost);
    // Every home still gets its energy: the totals' energy is the same.
    double e_alone = 0, e_together = 0;
    for (std::size_t t = 0; t < alone.total_kw.size(); ++t) {
      e_alone += alone.total_kw[t];
      e_together += together.total_kw[t];
    }
    BOOST_TEST(e_together == e_alone, boost::test_tools::tolerance(1e-6));
  }
}

BOOST_AUTO_TEST_CASE(a_feeder_limit_is_kept_when_it_can_be) {
  tou_tariff tariff;
  auto homes = fleet_day(11, 30, 0, tariff);
  coordination_options options;
  auto free = coordinate(homes, options);
  // Ask for 10 % under the valley-filled peak's off-peak part.
  double base_peak = 0;
  for (int t = 0; t < homes.front().horizon; ++t) {
    double b = 0;
    for (const auto& p : homes)
      b += p.base_load_kw[t];
    base_peak = std::max(base_peak, b);
  }
  options.feeder_limit_kw = std::max(base_peak, 0.9 * free.peak_kw);
  auto limited = coordinate(homes, options);
  BOOST_TEST(limited.peak_kw <= free.peak_kw + 1e-9);
  BOOST_TEST(limited.failures == 0);
}
