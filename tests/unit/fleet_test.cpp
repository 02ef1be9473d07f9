// Demand-response events (lifecycle, opt-outs, targets), the CAISO baseline
// against hand-computed cases, and the fleet coordinator on a small fleet.
#define BOOST_TEST_MODULE fleet
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "streams/dr_baseline.hpp"
#include "streams/dr_event.hpp"
#include "streams/fleet_coordinator.hpp"
#include "streams/fleet_scenario.hpp"

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
