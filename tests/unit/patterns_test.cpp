#define BOOST_TEST_MODULE patterns
#include <boost/test/unit_test.hpp>

// Patterns and the base-load forecast on synthetic windows with known
// answers: hour-of-week profiles, standby baseline, appliance cycles,
// occupancy, and forecasts that must reproduce a periodic load exactly and
// beat the naive peers on a noisy one.

#include <cmath>
#include <functional>
#include <random>

#include "streams/forecast.hpp"
#include "streams/patterns.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

constexpr millis monday = 1795392000000; // 2026-11-23T00:00:00Z, a Monday
constexpr millis q15 = quarter_ms;

usage_window quarter(millis start, double power_w, std::string series = "d") {
  usage_window w;
  w.series = std::move(series);
  w.res = resolution::m15;
  w.start = start;
  w.end = start + q15;
  w.stats.energy_wh = power_w / 4;
  w.stats.max_power_w = power_w;
  w.stats.samples = 15;
  w.stats.covered_ms = q15;
  return w;
}

/// Quarters from `from` for `n` quarters with power f(start).
std::vector<usage_window> series(millis from, int n, const std::function<double(millis)>& f) {
  std::vector<usage_window> out;
  for (int i = 0; i < n; ++i)
    out.push_back(quarter(from + i * q15, f(from + i * q15)));
  return out;
}

constexpr int week_quarters = 7 * 96;

} // namespace

BOOST_AUTO_TEST_CASE(hour_of_week_follows_local_time) {
  BOOST_TEST(hour_of_week(local_zone{}, monday) == 0);
  BOOST_TEST(hour_of_week(local_zone{}, monday + 7 * day_ms - 1) == 167);
  auto plus1 = local_zone::from_name("+01:00").value();
  BOOST_TEST(hour_of_week(plus1, monday) == 1);
  BOOST_TEST(hour_of_week(plus1, monday - hour_ms) == 0);
}

BOOST_AUTO_TEST_CASE(profile_has_mean_and_spread_over_weeks) {
  // Week 1: hour h draws 100 + h W; week 2: 120 + h W. Mean 110 + h, spread 10.
  auto f = [](millis t) {
    auto week = (t - monday) / (7 * day_ms);
    auto how = ((t - monday) % (7 * day_ms)) / hour_ms;
    return 100.0 + static_cast<double>(how) + 20.0 * static_cast<double>(week);
  };
  auto qs = series(monday, 2 * week_quarters, f);
  qs[5].stats.covered_ms = 0; // an uncovered quarter of hour 1 is left out, not a zero
  qs[5].stats.energy_wh = 0;
  auto p = hour_of_week_profile(qs, local_zone{});
  for (int h = 0; h < hours_per_week; ++h) {
    BOOST_TEST_CONTEXT("hour " << h) {
      BOOST_TEST(p[h].hours == 2u);
      BOOST_TEST(p[h].mean_w == 110.0 + h, boost::test_tools::tolerance(1e-9));
      BOOST_TEST(p[h].spread_w == 10.0, boost::test_tools::tolerance(1e-9));
    }
  }
  // In a zone one hour ahead, Monday 00:00 UTC is the local hour 1.
  auto shifted = hour_of_week_profile(qs, local_zone::from_name("+01:00").value());
  BOOST_TEST(shifted[1].mean_w == 110.0, boost::test_tools::tolerance(1e-9));
  // Local Monday 00:00 is Sunday 23:00 UTC: seen in weeks 1 and 2 (values 267 and 287 W).
  BOOST_TEST(shifted[0].hours == 2u);
  BOOST_TEST(shifted[0].mean_w == 277.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(standby_is_a_low_percentile) {
  auto qs = series(monday, 100, [](millis t) { return 1.0 + static_cast<double>((t - monday) / q15); });
  BOOST_TEST(*standby_baseline_w(qs) == 10.0);
  BOOST_TEST(*standby_baseline_w(qs, 0.5) == 50.0);
  BOOST_TEST(!standby_baseline_w({}).has_value());
  // Half covered counts; less does not.
  std::vector<usage_window> part{quarter(monday, 80)};
  part[0].stats.covered_ms = q15 / 2;
  BOOST_TEST(*standby_baseline_w(part) == 80.0);
  part[0].stats.covered_ms = q15 / 2 - 1;
  BOOST_TEST(!standby_baseline_w(part).has_value());
}

BOOST_AUTO_TEST_CASE(cycles_are_found_with_their_energy) {
  // Two days at 2 W standby with:
  //  - a washing cycle Monday 19:00: 2000 W, 200 W, 5 W (quiet), 450 W -> one cycle of 1 h;
  //  - a 100 W blip Monday 22:00 (25 Wh: too small);
  //  - a run Tuesday 08:00 interrupted by a gap (left out: its length is unknown);
  //  - a run at the very end (left out: may not be over).
  std::map<millis, double> power;
  auto at = [](int day, int hour, int q) { return monday + day * day_ms + hour * hour_ms + q * q15; };
  power[at(0, 19, 0)] = 2000;
  power[at(0, 19, 1)] = 200;
  power[at(0, 19, 2)] = 5;
  power[at(0, 19, 3)] = 450;
  power[at(0, 22, 0)] = 100;
  power[at(1, 8, 0)] = 1500;
  power[at(1, 8, 1)] = 1500;
  power[at(1, 23, 3)] = 1800;
  std::vector<usage_window> qs;
  for (int i = 0; i < 2 * 96; ++i) {
    millis t = monday + i * q15;
    if (t == at(1, 8, 2))
      continue; // a gap
    auto it = power.find(t);
    qs.push_back(quarter(t, it == power.end() ? 2.0 : it->second));
  }
  auto cycles = detect_cycles(qs, 2.0);
  BOOST_TEST_REQUIRE(cycles.size() == 1u);
  BOOST_TEST(cycles[0].start == at(0, 19, 0));
  BOOST_TEST(cycles[0].end == at(0, 20, 0));
  BOOST_TEST(cycles[0].energy_wh == (2000 + 200 + 5 + 450) / 4.0);
  BOOST_TEST(cycles[0].peak_w == 2000.0);

  // A run longer than the longest cycle is continuous use.
  cycle_settings short_only;
  short_only.max_duration_ms = 30 * minute_ms;
  BOOST_TEST(detect_cycles(qs, 2.0, short_only).empty());
}

BOOST_AUTO_TEST_CASE(cycle_summary_has_typical_starts) {
  std::vector<appliance_cycle> cycles;
  auto add = [&](int day, int hour, int quarters, double wh) {
    millis s = monday + day * day_ms + hour * hour_ms;
    cycles.push_back({s, s + quarters * q15, wh, 2000});
  };
  add(0, 19, 4, 800);
  add(2, 19, 6, 900);
  add(4, 7, 4, 700);
  add(8, 19, 8, 1000);
  auto sum = summarize_cycles(cycles, local_zone{}, 14 * day_ms);
  BOOST_TEST(sum.count == 4u);
  BOOST_TEST(sum.per_week == 2.0);
  BOOST_TEST(*sum.median_duration_ms == 4 * q15);  // lower median of 4, 4, 6, 8 quarters
  BOOST_TEST(*sum.median_energy_wh == 800.0);
  BOOST_TEST_REQUIRE(sum.typical_starts.size() == 2u);
  BOOST_TEST(sum.typical_starts[0].hour == 19);
  BOOST_TEST(sum.typical_starts[0].share == 0.75);
  BOOST_TEST(sum.typical_starts[1].hour == 7);
  // In Berlin in November (UTC+1) they start at 20:00 and 08:00.
  auto berlin = local_zone::from_name("Europe/Berlin").value();
  BOOST_TEST(summarize_cycles(cycles, berlin, 14 * day_ms).typical_starts[0].hour == 20);
}

BOOST_AUTO_TEST_CASE(occupancy_from_presence_sensors) {
  // Sensor a: someone home Monday 00:00-08:00 (all of it), half of 08:00-09:00.
  // Sensor b: Monday 10:00-11:00 occupied. Nothing else reported.
  auto presence = [](millis start, millis occupied) {
    usage_window w = quarter(start, 0, "presence");
    w.stats.occupied_ms = occupied;
    return w;
  };
  std::vector<usage_window> a, b;
  for (int i = 0; i < 8 * 4; ++i)
    a.push_back(presence(monday + i * q15, q15));
  for (int i = 0; i < 4; ++i)
    a.push_back(presence(monday + 8 * hour_ms + i * q15, i < 2 ? q15 : 0));
  for (int i = 0; i < 4; ++i) {
    a.push_back(presence(monday + 10 * hour_ms + i * q15, 0));
    b.push_back(presence(monday + 10 * hour_ms + i * q15, q15));
  }
  std::vector<std::vector<usage_window>> sensors{a, b};
  auto occ = occupancy_profile(sensors, local_zone{});
  BOOST_TEST_REQUIRE(occ.has_value());
  BOOST_TEST(*(*occ)[0] == 1.0);
  BOOST_TEST(*(*occ)[7] == 1.0);
  BOOST_TEST(*(*occ)[8] == 0.5);
  BOOST_TEST(!(*occ)[9].has_value());
  BOOST_TEST(*(*occ)[10] == 1.0); // the more occupied sensor
  BOOST_TEST(!(*occ)[100].has_value());
  std::vector<std::vector<usage_window>> none{series(monday, 4, [](millis) { return 5.0; })};
  BOOST_TEST(!occupancy_profile(none, local_zone{}).has_value());
}

BOOST_AUTO_TEST_CASE(base_load_kinds_and_sums) {
  BOOST_TEST(in_base_load(device_kind::light));
  BOOST_TEST(in_base_load(device_kind::appliance));
  BOOST_TEST(!in_base_load(device_kind::ev_charger));
  BOOST_TEST(!in_base_load(device_kind::pv));
  BOOST_TEST(!in_base_load(device_kind::meter));
  BOOST_TEST(!in_base_load(device_kind::presence));
  BOOST_TEST(is_flexible(device_kind::hvac));
  BOOST_TEST(!is_flexible(device_kind::plug));
  std::vector<std::vector<usage_window>> parts{series(monday, 3, [](millis) { return 100.0; }),
                                               series(monday + q15, 3, [](millis) { return 40.0; })};
  auto sum = sum_quarters(parts, "base");
  BOOST_TEST_REQUIRE(sum.size() == 4u);
  BOOST_TEST(sum[0].stats.energy_wh == 25.0);
  BOOST_TEST(sum[1].stats.energy_wh == 35.0);
  BOOST_TEST(*sum[1].stats.max_power_w == 100.0);
  BOOST_TEST(sum[3].stats.energy_wh == 10.0);
  BOOST_TEST(sum[3].series == "base");
}

namespace {

/// A load that depends only on the local quarter of the day and on weekends.
double periodic_w(const local_zone& zone, millis t) {
  auto m = zone.moment(t);
  auto q = m.ms_of_day / q15;
  double w = q < 28 ? 150 : q < 72 ? 300 : q < 88 ? 900 : 400;
  return m.weekend() ? w * 1.5 : w;
}

} // namespace

BOOST_AUTO_TEST_CASE(forecast_reproduces_a_periodic_load) {
  for (auto name : {"UTC", "+05:30", "Europe/Berlin"}) {
    BOOST_TEST_CONTEXT(name) {
      auto zone = local_zone::from_name(name).value();
      millis start = monday + 29 * day_ms + 13 * hour_ms; // a Wednesday afternoon
      auto history = series(start - 29 * day_ms, 29 * 96, [&](millis t) { return periodic_w(zone, t); });
      forecast_settings s;
      s.smooth_quarters = 0; // smoothing blurs the steps
      auto f = forecast_base_load(history, start, zone, s);
      BOOST_TEST(f.start == start);
      BOOST_TEST_REQUIRE(f.kw.size() == 192u);
      for (int i = 0; i < 192; ++i)
        BOOST_TEST(f.kw[i] == periodic_w(zone, start + i * q15) / 1000,
                   boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(forecast_follows_the_recent_level_then_fades) {
  local_zone utc;
  millis start = monday + 29 * day_ms + 13 * hour_ms;
  auto history = series(start - 29 * day_ms, 29 * 96, [&](millis t) {
    return periodic_w(utc, t) + (t >= start - 3 * hour_ms ? 200.0 : 0.0);
  });
  forecast_settings s;
  s.smooth_quarters = 0;
  auto f = forecast_base_load(history, start, utc, s);
  // The last 3 h ran 0.2 kW over the profile: the first quarter carries that,
  // faded by exp(-0.125 h / 2 h); a day ahead it is gone.
  BOOST_TEST(f.kw[0] == periodic_w(utc, start) / 1000 + 0.2 * std::exp(-0.125 / 2),
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(f.kw[96] == periodic_w(utc, start + day_ms) / 1000, boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(forecast_without_history_is_zero_and_never_negative) {
  auto f = forecast_base_load({}, monday, local_zone{});
  BOOST_TEST(f.kw.size() == 192u);
  for (double v : f.kw)
    BOOST_TEST(v == 0.0);
  // A fall far below the profile does not forecast negative power.
  millis start = monday + 8 * day_ms;
  auto history = series(monday, 8 * 96, [&](millis t) { return t >= start - 3 * hour_ms ? 0.0 : 1000.0; });
  for (double v : forecast_base_load(history, start, local_zone{}).kw)
    BOOST_TEST(v >= 0.0);
}

BOOST_AUTO_TEST_CASE(naive_forecasts_look_back_a_day_or_a_week) {
  millis start = monday + 14 * day_ms;
  auto history = series(monday, 14 * 96, [](millis t) { return static_cast<double>((t - monday) / q15); });
  auto day = naive_forecast(history, start, 192, day_ms);
  // Quarter 0 ahead: a day back; quarter 100 ahead (25 h): two days back.
  BOOST_TEST(day.kw[0] == (14 * 96 - 96) / 1000.0);
  BOOST_TEST(day.kw[100] == (14 * 96 + 100 - 192) / 1000.0);
  auto week = naive_forecast(history, start, 192, 7 * day_ms);
  BOOST_TEST(week.kw[100] == (7 * 96 + 100) / 1000.0);
  BOOST_TEST(std::isnan(naive_forecast({}, start, 4, day_ms).kw[0]));
}

BOOST_AUTO_TEST_CASE(forecast_beats_naive_peers_on_a_noisy_load) {
  // The periodic load plus random 2 kW spikes (a kettle) and noise: the
  // averaged profile has a lower error than yesterday's or last week's values.
  local_zone utc;
  std::mt19937_64 rng{42};
  auto uniform = [&] { return static_cast<double>(rng() >> 11) / 9007199254740992.0; };
  auto history = series(monday, 70 * 96, [&](millis t) {
    return periodic_w(utc, t) * (0.7 + 0.6 * uniform()) + (uniform() < 0.05 ? 2000.0 : 0.0);
  });
  forecast_error hems, day, week;
  for (int d = 35; d + 2 < 70; d += 3) {
    millis start = monday + d * day_ms;
    std::vector<usage_window> before(history.begin(), history.begin() + d * 96);
    auto f = forecast_base_load(before, start, utc);
    auto fd = naive_forecast(before, start, 192, day_ms);
    auto fw = naive_forecast(before, start, 192, 7 * day_ms);
    for (int i = 0; i < 192; ++i) {
      double actual = history[static_cast<std::size_t>(d * 96 + i)].stats.energy_wh * 4 / 1000;
      hems.add(f.kw[i], actual);
      day.add(fd.kw[i], actual);
      week.add(fw.kw[i], actual);
    }
  }
  BOOST_TEST_MESSAGE("MAE hems " << hems.mae() << " day " << day.mae() << " week " << week.mae());
  BOOST_TEST(hems.mae() < day.mae());
  BOOST_TEST(hems.mae() < week.mae());
  BOOST_TEST(hems.rmse() < day.rmse());
  BOOST_TEST(hems.rmse() < week.rmse());
}

BOOST_AUTO_TEST_CASE(a_young_home_forecasts_a_new_kind_of_day_from_any_day) {
  // Monday to Friday seen; Saturday is forecast from them.
  local_zone utc;
  millis start = monday + 5 * day_ms;
  auto history = series(monday, 5 * 96, [&](millis t) { return periodic_w(utc, t); });
  forecast_settings s;
  s.smooth_quarters = 0;
  auto f = forecast_base_load(history, start, utc, s);
  for (int i = 0; i < 96; ++i)
    BOOST_TEST(f.kw[i] == periodic_w(utc, monday + i * q15) / 1000,
               boost::test_tools::tolerance(1e-9));
}
