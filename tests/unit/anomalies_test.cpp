#define BOOST_TEST_MODULE anomalies
#include <boost/test/unit_test.hpp>

// Anomaly detection on hand-made windows: an hour far above its hour-of-week
// profile (and one just inside), standby waste with its yearly cost, offline
// once per outage and back online, and the dedup that keeps a persistent
// condition from flooding.

#include <functional>

#include "streams/anomalies.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

constexpr millis monday = 1795392000000; // 2026-11-23T00:00:00Z, a Monday
constexpr millis m = minute_ms;
constexpr millis h = hour_ms;

usage_window window(std::string series, resolution r, millis start, millis length,
                    double power_w) {
  usage_window w;
  w.series = std::move(series);
  w.res = r;
  w.start = start;
  w.end = start + length;
  w.stats.energy_wh = power_w * static_cast<double>(length) / h;
  w.stats.max_power_w = power_w;
  w.stats.samples = 15;
  w.stats.covered_ms = length;
  return w;
}

/// `weeks` weeks of quarters before `monday` with power f(start).
series_input history(std::string device, device_kind kind, int weeks,
                     const std::function<double(millis)>& f) {
  series_input in{device, kind, {}};
  for (millis t = monday - weeks * 7 * day_ms; t < monday; t += quarter_ms)
    in.quarters.push_back(window(device, resolution::m15, t, quarter_ms, f(t)));
  return in;
}

template <class T> const T& evidence(const insight& i, const std::string& name) {
  for (const auto& e : i.evidence)
    if (e.name == name)
      return std::get<T>(e.value);
  BOOST_FAIL("no evidence " + name);
  throw 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(an_hour_far_above_its_profile_is_unusual_with_its_evidence) {
  // Three weeks of 200, 220, 240 W in Monday 10:00: mean 220, spread 16.3.
  profile_hour p{220, 16.32993161855452, 3};
  // Limit: 220 + max(4 * max(16.33, 22), 100) = 320 W.
  auto inside = window("heater", resolution::h1, monday + 10 * h, h, 319);
  BOOST_TEST(!unusual_hour(inside, p, 10).has_value());
  auto spike = window("heater", resolution::h1, monday + 10 * h, h, 900);
  auto i = unusual_hour(spike, p, 10);
  BOOST_REQUIRE(i.has_value());
  BOOST_TEST(i->kind == "unusual_usage");
  BOOST_TEST(i->subject == "heater");
  BOOST_TEST(i->ts == monday + 10 * h);
  BOOST_TEST(i->severity == "alert"); // more than twice the allowed excess
  BOOST_TEST(evidence<double>(*i, "avg_power_w") == 900.0);
  BOOST_TEST(evidence<double>(*i, "threshold_w") == 320.0);
  BOOST_TEST(evidence<double>(*i, "energy_wh") == 900.0);
  BOOST_TEST(evidence<std::int64_t>(*i, "weeks_seen") == 3);
  auto json = insight_json("h1", *i);
  BOOST_TEST(json.starts_with(R"({"home":"h1","ts_ms":1795428000000,"kind":"unusual_usage",)"
                              R"("subject":"heater","severity":"alert",)"));
  BOOST_TEST(json.find(R"("evidence":{"window_start_ms":1795428000000,)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(too_little_history_or_coverage_says_nothing) {
  profile_hour two_weeks{220, 10, 2};
  BOOST_TEST(!unusual_hour(window("d", resolution::h1, monday, h, 5000), two_weeks, 0));
  profile_hour p{220, 10, 4};
  auto half_covered = window("d", resolution::h1, monday, h, 5000);
  half_covered.stats.covered_ms = h / 2 - 1;
  BOOST_TEST(!unusual_hour(half_covered, p, 0));
  // A quarter is not an hour.
  BOOST_TEST(!unusual_hour(window("d", resolution::m15, monday, 15 * m, 5000), p, 0));
}

BOOST_AUTO_TEST_CASE(home_insights_learn_profiles_and_flag_an_hour_once_a_day) {
  home_insights hi;
  local_zone utc;
  // A kettle: 2 W, 1 kW from 7:00 to 7:15 every day; four weeks.
  auto kettle = history("kettle", device_kind::appliance, 4, [](millis t) {
    return (t % day_ms) / quarter_ms == 28 ? 1000.0 : 2.0;
  });
  BOOST_TEST(hi.relearn({kettle}, utc, monday).empty()); // 2 W standby: below 5 W
  // Monday 3:00 at 2 kW for the hour: far outside.
  auto spike = window("kettle", resolution::h1, monday + 3 * h, h, 2000);
  auto found = hi.on_closed({window("kettle", resolution::m15, monday + 3 * h, 15 * m, 2000), spike},
                            utc);
  BOOST_REQUIRE_EQUAL(found.size(), 1u);
  BOOST_TEST(found[0].subject == "kettle");
  // The same the next hour: the same day, already said.
  BOOST_TEST(hi.on_closed({window("kettle", resolution::h1, monday + 4 * h, h, 2000)}, utc).empty());
  // A day later it is said again.
  BOOST_TEST(hi.on_closed({window("kettle", resolution::h1, monday + 27 * h, h, 2000)}, utc).size() ==
             1u);
  // 7:00 on a Wednesday at 270 W (the kettle's hour: mean 251.5 W, spread 0) is normal.
  BOOST_TEST(
      hi.on_closed({window("kettle", resolution::h1, monday + 2 * day_ms + 7 * h, h, 270)}, utc)
          .empty());
}

BOOST_AUTO_TEST_CASE(standby_waste_names_the_yearly_cost) {
  week_profile busy{};
  busy[10] = {120, 5, 4};
  auto i = standby_waste("tv", device_kind::plug, 12.0, busy, monday);
  BOOST_REQUIRE(i.has_value());
  BOOST_TEST(i->kind == "standby");
  BOOST_TEST(evidence<double>(*i, "standby_w") == 12.0);
  BOOST_TEST(evidence<double>(*i, "kwh_per_year") == 105.12, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(evidence<double>(*i, "cost_per_year") == 31.54, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(i->message.find("31.54 EUR") != std::string::npos);
  // Below the threshold, a kind that is meant to run, an essential device,
  // or a device that never does more than its baseline: nothing.
  BOOST_TEST(!standby_waste("tv", device_kind::plug, 4.0, busy, monday));
  BOOST_TEST(!standby_waste("boiler", device_kind::water_heater, 12.0, busy, monday));
  BOOST_TEST(!standby_waste("Fridge-2", device_kind::appliance, 12.0, busy, monday));
  week_profile flat{};
  flat[10] = {13, 1, 4};
  BOOST_TEST(!standby_waste("router", device_kind::plug, 12.0, flat, monday));
}

BOOST_AUTO_TEST_CASE(standby_is_found_as_days_close_and_repeated_only_weekly) {
  home_insights hi;
  local_zone utc;
  auto tv = history("tv", device_kind::plug, 4, [](millis t) {
    return (t % day_ms) / h >= 20 ? 150.0 : 9.0;
  });
  auto first = hi.relearn({tv}, utc, monday);
  BOOST_REQUIRE_EQUAL(first.size(), 1u);
  BOOST_TEST(evidence<double>(first[0], "standby_w") == 9.0);
  BOOST_TEST(hi.relearn({tv}, utc, monday + day_ms).empty());
  BOOST_TEST(hi.relearn({tv}, utc, monday + 7 * day_ms).size() == 1u);
}

BOOST_AUTO_TEST_CASE(offline_once_per_outage_and_back_online_rearms_it) {
  offline_tracker t;
  for (int i = 0; i <= 10; ++i)
    t.seen("plug", monday + i * m, monday + i * m); // every minute: timeout max(15 min, 5 min)
  BOOST_TEST(*t.timeout_of("plug") == 15 * m);
  BOOST_TEST(t.check(monday + 25 * m, monday + 25 * m, 5 * m).empty());
  auto off = t.check(monday + 25 * m + 1, monday + 25 * m + 1, 5 * m);
  BOOST_REQUIRE_EQUAL(off.size(), 1u);
  BOOST_TEST(off[0].kind == "offline");
  BOOST_TEST(off[0].severity == "warning");
  BOOST_TEST(off[0].ts == monday + 25 * m);
  BOOST_TEST(evidence<std::int64_t>(off[0], "last_sample_ms") == monday + 10 * m);
  BOOST_TEST(evidence<std::int64_t>(off[0], "usual_interval_ms") == m);
  BOOST_TEST(t.check(monday + 3 * h, monday + 3 * h, 5 * m).empty()); // once per outage
  BOOST_TEST(t.is_offline("plug"));
  // A late sample from before the outage says nothing.
  BOOST_TEST(!t.seen("plug", monday + 5 * m, monday + 3 * h));
  auto back = t.seen("plug", monday + 4 * h, monday + 4 * h);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->severity == "info");
  BOOST_TEST(evidence<std::int64_t>(*back, "silent_ms") == 4 * h - 10 * m);
  BOOST_TEST(evidence<bool>(*back, "online"));
  BOOST_TEST(!t.is_offline("plug"));
  // The outage did not become the usual interval; a second outage is said again.
  BOOST_TEST(*t.timeout_of("plug") == 15 * m);
  BOOST_TEST(t.check(monday + 5 * h, monday + 5 * h, 5 * m).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_slow_device_gets_a_longer_timeout) {
  offline_tracker t;
  for (int i = 0; i <= 4; ++i)
    t.seen("meter", monday + i * h, monday + i * h); // hourly
  BOOST_TEST(*t.timeout_of("meter") == 5 * h);
  BOOST_TEST(t.check(monday + 8 * h, monday + 8 * h, 5 * m).empty());
  BOOST_TEST(t.check(monday + 9 * h + 1, monday + 9 * h + 1, 5 * m).size() == 1u);
}

BOOST_AUTO_TEST_CASE(dedup_remembers_what_storage_says_was_notified) {
  insight_dedup d;
  d.remember("unusual_usage", "heater", monday);
  insight i;
  i.kind = "unusual_usage";
  i.subject = "heater";
  i.ts = monday + 5 * h;
  BOOST_TEST(!d.admit(i));
  i.subject = "oven";
  BOOST_TEST(d.admit(i));
  i.kind = "offline"; // per outage: its tracker decides
  BOOST_TEST(d.admit(i));
  BOOST_TEST(d.admit(i));
}

BOOST_AUTO_TEST_CASE(a_backfill_device_after_device_is_not_offline) {
  offline_tracker t;
  // A day of one device, then the same day of another, delivered a second apart.
  millis now = monday + 30 * day_ms;
  for (int i = 0; i < 96; ++i)
    t.seen("a", monday + i * 15 * m, now);
  t.seen("b", monday, now + 1000);
  // Event time says b is a day behind, but it has just arrived.
  BOOST_TEST(t.check(*t.newest(), now + 1000, 5 * m).empty());
  for (int i = 1; i < 96; ++i)
    t.seen("b", monday + i * 15 * m, now + 2000);
  // Everything silent for the grace and the timeout: both are offline.
  BOOST_TEST(t.check(*t.newest() + 76 * m, now + 76 * m, 5 * m).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_device_marked_offline_after_a_restart_is_not_said_twice) {
  offline_tracker t;
  t.mark_offline("plug", monday);
  BOOST_TEST(t.check(monday + day_ms, monday + day_ms, 5 * m).empty());
  auto back = t.seen("plug", monday + day_ms, monday + day_ms);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->title == "plug is back online");
}
