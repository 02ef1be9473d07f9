#define BOOST_TEST_MODULE windows
#include <boost/test/unit_test.hpp>

// Usage windows against hand-computed cases: the power and meter rules at
// window edges, resets, gaps, late, out-of-order and duplicate samples, DST
// days, the home's series, and resuming after a crash.

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "streams/home_windows.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

constexpr millis t0 = 1795737600000; // 2026-11-27T00:00:00Z
constexpr millis s = 1000;
constexpr millis m = 60 * s;
constexpr millis h = 60 * m;
constexpr millis ten = t0 + 10 * h; // 10:00 UTC

window_reading rd(millis ts, double power, std::optional<double> meter = {},
                  std::uint64_t seq = 0) {
  window_reading r;
  r.ts = ts;
  r.seq = seq;
  r.power_w = power;
  if (meter)
    r.energy_wh = *meter;
  return r;
}

using key = std::tuple<std::string, resolution, millis>;

window_settings test_settings() {
  window_settings w;
  w.lateness_ms = 2 * m;
  w.idle_close_ms = 10 * m;
  return w;
}

// An aggregator and every window it closed, by series, resolution and start.
struct run {
  home_windows windows;
  std::map<key, usage_window> closed;
  std::size_t late = 0;

  explicit run(window_calendar cal = {}, window_settings ws = test_settings(),
               std::optional<windows_resume> resume = {}, millis now = 0)
      : windows(std::move(cal), ws, std::move(resume), now) {}

  void feed(const std::string& device, device_kind kind, std::vector<window_reading> rs,
            millis now) {
    add(device, kind, std::move(rs), now);
    close(now);
  }
  /// Adds without closing (several devices' readings arriving together).
  void add(const std::string& device, device_kind kind, std::vector<window_reading> rs,
           millis now) {
    late += windows.add({device, kind, std::move(rs)}, now).late;
  }
  void close(millis now) {
    for (auto& w : windows.close_due(now)) {
      auto k = key{w.series, w.res, w.start};
      BOOST_REQUIRE_MESSAGE(!closed.count(k), "window closed twice: " << w.series << " "
                                                                      << to_string(w.res) << " "
                                                                      << w.start);
      closed.emplace(k, std::move(w));
    }
  }
  /// Closes everything: the home has been silent for a day.
  void finish(millis now) { close(now + day_ms); }

  const window_stats& at(const std::string& series, resolution r, millis start) {
    auto it = closed.find({series, r, start});
    BOOST_REQUIRE_MESSAGE(it != closed.end(),
                          "no window " << series << " " << to_string(r) << " at " << start);
    return it->second.stats;
  }
  bool has(const std::string& series, resolution r, millis start) {
    return closed.count({series, r, start}) > 0;
  }
  std::vector<usage_window> of(const std::string& series, resolution r) {
    std::vector<usage_window> out;
    for (const auto& [k, w] : closed)
      if (w.series == series && w.res == r)
        out.push_back(w);
    return out;
  }
};

void check(const window_stats& w, double wh, std::optional<double> max_w, std::uint32_t samples,
           millis covered) {
  BOOST_TEST(w.energy_wh == wh, boost::test_tools::tolerance(1e-9));
  BOOST_TEST((w.max_power_w.has_value() == max_w.has_value()));
  if (w.max_power_w && max_w)
    BOOST_TEST(*w.max_power_w == *max_w, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(w.samples == samples);
  BOOST_TEST(w.covered_ms == covered);
}

} // namespace

BOOST_AUTO_TEST_CASE(power_is_held_to_the_next_sample_and_split_at_minute_edges) {
  run r;
  r.feed("plug", device_kind::plug, {rd(ten, 600), rd(ten + 30 * s, 1200), rd(ten + 2 * m, 0)},
         ten + 2 * m);
  r.finish(ten + 2 * m);
  // 600 W for 30 s (5 Wh), then 1200 W for 30 s (10 Wh)
  check(r.at("plug", resolution::m1, ten), 15, 1200, 2, m);
  check(r.at("plug", resolution::m1, ten + m), 20, 1200, 0, m);
  // 0 W is held for five minutes: covered, no energy
  check(r.at("plug", resolution::m1, ten + 2 * m), 0, 0, 1, m);
  check(r.at("plug", resolution::m1, ten + 6 * m), 0, 0, 0, m);
  BOOST_TEST(!r.has("plug", resolution::m1, ten + 7 * m));
  check(r.at("plug", resolution::m15, ten), 35, 1200, 3, 7 * m);
  check(r.at("plug", resolution::h1, ten), 35, 1200, 3, 7 * m);
  check(r.at("plug", resolution::d1, t0), 35, 1200, 3, 7 * m);
  BOOST_TEST(r.closed.at({"plug", resolution::d1, t0}).end == t0 + day_ms);
  // The home: the same energy; its power is its highest one-minute average.
  check(r.at("*home", resolution::m1, ten), 15, 900, 2, m);
  check(r.at("*home", resolution::m15, ten), 35, 1200, 3, 7 * m);
  BOOST_TEST(average_power_w(r.at("*home", resolution::m15, ten), ten, ten + 15 * m) == 140.0);
  BOOST_TEST(!r.has("*tracked", resolution::m1, ten)); // no meter: no tracked/untracked split
}

BOOST_AUTO_TEST_CASE(a_meter_rise_is_interpolated_at_minute_edges) {
  run r;
  r.feed("dryer", device_kind::appliance,
         {rd(ten + 30 * s, 600, 1000.0), rd(ten + 2 * m + 30 * s, 600, 1040.0)},
         ten + 2 * m + 30 * s);
  r.finish(ten + 3 * m);
  // 40 Wh across two minutes: 10 | 20 | 10, then 600 W held for five minutes.
  check(r.at("dryer", resolution::m1, ten), 10, 600, 1, 30 * s);
  check(r.at("dryer", resolution::m1, ten + m), 20, 600, 0, m);
  check(r.at("dryer", resolution::m1, ten + 2 * m), 15, 600, 1, m);
  check(r.at("dryer", resolution::m1, ten + 3 * m), 10, 600, 0, m);
  check(r.at("dryer", resolution::m1, ten + 7 * m), 5, 600, 0, 30 * s);
  check(r.at("dryer", resolution::m15, ten), 90, 600, 2, 7 * m);
}

BOOST_AUTO_TEST_CASE(a_meter_reset_counts_the_new_reading_from_zero) {
  run r;
  r.feed("ev", device_kind::ev_charger, {rd(ten, 0, 5000.0), rd(ten + m, 0, 7.5)}, ten + m);
  r.finish(ten + m);
  check(r.at("ev", resolution::m1, ten), 7.5, 0, 1, m);
  check(r.at("ev", resolution::m15, ten), 7.5, 0, 2, 6 * m);
}

BOOST_AUTO_TEST_CASE(a_gap_holds_power_for_five_minutes_only) {
  run r;
  r.feed("heater", device_kind::thermostat, {rd(ten, 1200), rd(ten + h, 0)}, ten + h);
  r.finish(ten + h);
  for (int i = 0; i < 5; ++i)
    check(r.at("heater", resolution::m1, ten + i * m), 20, 1200, i == 0 ? 1 : 0, m);
  BOOST_TEST(!r.has("heater", resolution::m1, ten + 5 * m));
  BOOST_TEST(!r.has("heater", resolution::m15, ten + 15 * m)); // nothing there: no window
  check(r.at("heater", resolution::h1, ten), 100, 1200, 1, 5 * m);
  check(r.at("heater", resolution::h1, ten + h), 0, 0, 1, 5 * m);
}

BOOST_AUTO_TEST_CASE(out_of_order_and_duplicate_samples_within_lateness_change_nothing) {
  std::vector<window_reading> in_order;
  double meter = 100;
  for (int i = 0; i < 40; ++i) {
    meter += 0.5 * (i % 7);
    in_order.push_back(rd(ten + i * 20 * s, 100.0 * (i % 5), meter, i + 1));
  }
  run a;
  for (std::size_t i = 0; i < in_order.size(); i += 4)
    a.feed("washer", device_kind::appliance,
           {in_order.begin() + i, in_order.begin() + std::min(in_order.size(), i + 4)},
           in_order[i].ts);
  a.finish(in_order.back().ts);

  // Shuffled within one-minute groups (less than the lateness), each sent twice.
  auto shuffled = in_order;
  std::mt19937 rng{3};
  for (std::size_t i = 0; i < shuffled.size(); i += 3)
    std::shuffle(shuffled.begin() + i, shuffled.begin() + std::min(shuffled.size(), i + 3), rng);
  run b;
  for (std::size_t i = 0; i < shuffled.size(); i += 2) {
    std::vector<window_reading> batch{shuffled.begin() + i,
                                      shuffled.begin() + std::min(shuffled.size(), i + 2)};
    auto again = batch;
    b.feed("washer", device_kind::appliance, batch, shuffled[i].ts);
    b.feed("washer", device_kind::appliance, again, shuffled[i].ts);
  }
  b.finish(in_order.back().ts);
  BOOST_TEST(b.late == 0u);
  BOOST_REQUIRE_EQUAL(a.closed.size(), b.closed.size());
  for (const auto& [k, w] : a.closed)
    BOOST_TEST((b.closed.at(k).stats == w.stats));
  auto sum = 0.0;
  for (const auto& w : a.of("washer", resolution::m1))
    sum += w.stats.energy_wh;
  // The meter's whole rise, plus the last reading's power held for five minutes.
  BOOST_TEST(sum == (in_order.back().energy_wh - in_order.front().energy_wh) +
                        in_order.back().power_w * 5 / 60,
             boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(samples_later_than_the_close_point_count_only_after_it) {
  window_settings ws = test_settings();
  ws.lateness_ms = 2 * m + 30 * s;
  run r{{}, ws};
  std::vector<window_reading> odd_minutes;
  for (int i = 1; i <= 11; i += 2)
    odd_minutes.push_back(rd(ten + i * m, 100));
  r.feed("lamp", device_kind::light, odd_minutes, ten + 11 * m);
  // Event time 10:11, lateness 2.5 min: closed up to 10:08.
  BOOST_REQUIRE(r.windows.closed_until().value_or(0) == ten + 8 * m);
  check(r.at("lamp", resolution::m1, ten + 7 * m), 100.0 / 60, 100, 1, m);
  // Older than the anchor (10:07): nothing to do. Newer: it becomes the anchor,
  // and its 1000 W count from the close point on (10:08 to 10:09).
  r.feed("lamp", device_kind::light, {rd(ten + 6 * m, 5000), rd(ten + 7 * m + 30 * s, 1000)},
         ten + 11 * m);
  BOOST_TEST(r.late == 2u);
  r.finish(ten + 11 * m);
  check(r.at("lamp", resolution::m1, ten + 7 * m), 100.0 / 60, 100, 1, m); // closed: unchanged
  check(r.at("lamp", resolution::m1, ten + 8 * m), 1000.0 / 60, 1000, 0, m);
  check(r.at("lamp", resolution::m1, ten + 9 * m), 100.0 / 60, 100, 1, m);
}

BOOST_AUTO_TEST_CASE(daily_windows_follow_the_homes_zone_with_23_and_25_hour_days) {
  auto berlin = local_zone::from_name("Europe/Berlin");
  BOOST_REQUIRE(berlin.has_value());
  // 600 W all along: 10 Wh a minute, 14.4 kWh a normal day.
  for (auto [first_day, long_day, hours] :
       {std::tuple{1774652400000LL, 1774738800000LL,
                   23}, // 2026-03-28 00:00 +01:00; DST starts the 29th
        std::tuple{1792792800000LL, 1792879200000LL,
                   25}}) { // 2026-10-24 00:00 +02:00; DST ends the 25th
    run r{window_calendar{*berlin}};
    std::vector<window_reading> rs;
    for (millis t = first_day; t < first_day + 4 * day_ms; t += m)
      rs.push_back(rd(t, 600));
    r.feed("boiler", device_kind::water_heater, rs, rs.back().ts);
    r.finish(rs.back().ts);
    auto days = r.of("boiler", resolution::d1);
    BOOST_REQUIRE_GE(days.size(), 3u);
    BOOST_TEST(days[0].start == first_day);
    BOOST_TEST(days[0].end == long_day);
    BOOST_TEST(days[0].stats.energy_wh == 14400.0);
    BOOST_TEST(days[1].start == long_day);
    BOOST_TEST(days[1].end - days[1].start == hours * h);
    BOOST_TEST(days[1].stats.energy_wh == 600.0 * hours);
    BOOST_TEST(days[1].stats.samples == static_cast<std::uint32_t>(hours * 60));
    BOOST_TEST(days[2].end - days[2].start == 24 * h);
    // Hours stay hours on the UTC grid: 23 or 25 of them make the day.
    int in_day = 0;
    for (const auto& w : r.of("boiler", resolution::h1))
      in_day += w.start >= days[1].start && w.end <= days[1].end;
    BOOST_TEST(in_day == hours);
  }
}

BOOST_AUTO_TEST_CASE(a_meter_splits_the_home_into_tracked_and_untracked) {
  run r;
  std::vector<window_reading> a, b, meter;
  for (int i = 0; i <= 10; ++i) {
    a.push_back(rd(ten + i * m, 600));
    b.push_back(rd(ten + i * m, 1200));
    meter.push_back(rd(ten + i * m, 2400, 1000.0 + 40 * i)); // 40 Wh a minute
  }
  r.add("tv", device_kind::plug, a, ten + 10 * m);
  r.add("oven", device_kind::appliance, b, ten + 10 * m);
  r.add("meter", device_kind::meter, meter, ten + 10 * m);
  r.finish(ten + 10 * m);
  check(r.at("*home", resolution::m1, ten + 3 * m), 40, 2400, 3, m);
  check(r.at("*tracked", resolution::m1, ten + 3 * m), 30, 1800, 2, m);
  check(r.at("*untracked", resolution::m1, ten + 3 * m), 10, 600, 1, m);
  // The home's energy is exactly the sum of the devices' (the meter's here).
  for (auto res : all_resolutions)
    for (const auto& w : r.of("*home", res)) {
      BOOST_TEST(w.stats.energy_wh == r.at("meter", res, w.start).energy_wh);
      BOOST_TEST(r.at("*tracked", res, w.start).energy_wh ==
                     r.at("tv", res, w.start).energy_wh + r.at("oven", res, w.start).energy_wh,
                 boost::test_tools::tolerance(1e-9));
      BOOST_TEST(r.at("*untracked", res, w.start).energy_wh ==
                     w.stats.energy_wh - r.at("*tracked", res, w.start).energy_wh,
                 boost::test_tools::tolerance(1e-9));
    }
}

BOOST_AUTO_TEST_CASE(presence_sensors_give_occupied_time) {
  // occupied: false at 10:00, true at 10:00:30 and 10:01
  run o;
  auto r1 = rd(ten, 0);
  r1.occupied = 0;
  auto r2 = rd(ten + 30 * s, 0);
  r2.occupied = 1;
  auto r3 = rd(ten + m, 0);
  r3.occupied = 1;
  o.feed("presence", device_kind::presence, {r1, r2, r3}, ten + m);
  o.finish(ten + m);
  BOOST_TEST(o.at("presence", resolution::m1, ten).occupied_ms.value_or(-1) == 30 * s);
  BOOST_TEST(o.at("presence", resolution::m1, ten + m).occupied_ms.value_or(-1) == m);
  BOOST_TEST(o.at("presence", resolution::m15, ten).occupied_ms.value_or(-1) == 30 * s + 5 * m);
  BOOST_TEST(o.at("*home", resolution::m15, ten).occupied_ms.value_or(-1) == 30 * s + 5 * m);
}

namespace {

// Two days of a meter, a power-only device and a presence sensor, in batches
// of a few minutes, some out of order; `crash_at` batches start a new
// aggregator from what storage would hold (the closed windows, the close
// point, the stored samples), as a restart after kill -9 does.
std::map<key, usage_window> run_with_crashes(const std::vector<std::size_t>& crash_at,
                                             const window_calendar& cal) {
  struct dev {
    std::string id;
    device_kind kind;
    std::vector<window_reading> readings;
  };
  std::vector<dev> devices{{"meter", device_kind::meter, {}},
                           {"fridge", device_kind::appliance, {}},
                           {"presence", device_kind::presence, {}}};
  std::mt19937 rng{11};
  std::uniform_real_distribution<double> power{0, 3000};
  double meter = 50;
  for (millis t = ten; t < ten + 2 * day_ms; t += 17 * s) {
    meter += power(rng) * 17 / 3600;
    devices[0].readings.push_back(rd(t, power(rng), meter, static_cast<std::uint64_t>(t)));
    if ((t / (17 * s)) % 3 == 0)
      devices[1].readings.push_back(
          rd(t + 5 * s, 80 + (t / 1000) % 60, {}, static_cast<std::uint64_t>(t)));
    if ((t / (17 * s)) % 4 == 0) {
      auto p = rd(t + 3 * s, 0, {}, static_cast<std::uint64_t>(t));
      p.occupied = (t / h) % 3 != 0;
      devices[2].readings.push_back(p);
    }
  }
  // Batches of 3 minutes of event time, each device's readings slightly shuffled.
  struct batch {
    millis now;
    std::vector<device_readings> parts;
  };
  std::vector<batch> batches;
  for (millis t = ten; t < ten + 2 * day_ms + 10 * m; t += 3 * m) {
    batch b{t + 3 * m, {}};
    for (const auto& d : devices) {
      device_readings part{d.id, d.kind, {}};
      for (const auto& x : d.readings)
        if (x.ts >= t && x.ts < t + 3 * m)
          part.readings.push_back(x);
      if (part.readings.size() > 2)
        std::swap(part.readings[0], part.readings[2]);
      b.parts.push_back(std::move(part));
    }
    batches.push_back(std::move(b));
  }
  std::map<key, usage_window> closed;
  std::map<std::string, std::vector<window_reading>> stored;
  millis last_now = 0;
  auto keep = [&](std::vector<usage_window> ws) {
    for (auto& w : ws) {
      auto k = key{w.series, w.res, w.start};
      BOOST_REQUIRE(!closed.count(k));
      closed.emplace(k, std::move(w));
    }
  };
  auto make = [&](millis now) -> home_windows {
    if (closed.empty() && stored.empty())
      return home_windows{cal, test_settings(), {}, now};
    windows_resume resume;
    // The close point: the end of the newest closed minute (the batch writes it with the windows).
    for (const auto& [k, w] : closed)
      resume.closed_until = std::max(resume.closed_until, w.res == resolution::m1 ? w.end : 0);
    std::vector<std::string> series;
    for (const auto& d : devices) {
      windows_resume::device rd_{d.id, d.kind, {}};
      auto& all = stored[d.id];
      std::sort(all.begin(), all.end());
      std::optional<window_reading> anchor;
      for (const auto& x : all) {
        if (x.ts < resume.closed_until)
          anchor = x;
        else
          rd_.readings.push_back(x);
      }
      if (anchor)
        rd_.readings.insert(rd_.readings.begin(), *anchor);
      resume.devices.push_back(std::move(rd_));
      series.push_back(d.id);
    }
    for (auto s : {home_series, tracked_series, untracked_series})
      series.emplace_back(s);
    resume.partials =
        resume_partials(cal, resume.closed_until, series,
                        [&](const std::string& id, resolution r, millis from, millis to) {
                          std::vector<usage_window> out;
                          for (auto it = closed.lower_bound({id, r, from});
                               it != closed.end() && std::get<0>(it->first) == id &&
                               std::get<1>(it->first) == r && std::get<2>(it->first) < to;
                               ++it)
                            out.push_back(it->second);
                          return out;
                        });
    return home_windows{cal, test_settings(), std::move(resume), now};
  };
  std::optional<home_windows> agg;
  agg.emplace(make(ten));
  for (std::size_t i = 0; i < batches.size(); ++i) {
    if (std::find(crash_at.begin(), crash_at.end(), i) != crash_at.end())
      agg.emplace(make(batches[i].now));
    for (const auto& part : batches[i].parts) {
      for (const auto& x : part.readings) {
        auto& v = stored[part.device];
        if (std::none_of(v.begin(), v.end(), [&](const auto& y) { return same_place(x, y); }))
          v.push_back(x);
      }
      agg->add(part, batches[i].now);
    }
    keep(agg->close_due(batches[i].now));
    last_now = batches[i].now;
  }
  keep(agg->close_due(last_now + day_ms));
  return closed;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_restart_from_storage_closes_exactly_the_same_windows) {
  auto cal = window_calendar{*local_zone::from_name("America/New_York")};
  auto straight = run_with_crashes({}, cal);
  auto crashed = run_with_crashes({5, 6, 200, 481, 482, 700, 960}, cal);
  BOOST_REQUIRE_EQUAL(straight.size(), crashed.size());
  std::size_t differ = 0;
  for (const auto& [k, w] : straight)
    differ += !(crashed.at(k) == w);
  BOOST_TEST(differ == 0u);
  BOOST_TEST(straight.size() > 4 * 2 * 1440u); // every minute of three devices and the home
}

BOOST_AUTO_TEST_CASE(coarser_windows_are_sums_of_finer_ones) {
  auto closed = run_with_crashes({}, window_calendar{*local_zone::from_name("Asia/Kolkata")});
  std::map<std::pair<std::string, resolution>, std::vector<usage_window>> series;
  for (const auto& [k, w] : closed)
    series[{w.series, w.res}].push_back(w);
  auto sum_within = [&](const std::string& id, resolution part, const usage_window& whole) {
    window_stats total;
    for (const auto& w : series[{id, part}])
      if (w.start >= whole.start && w.end <= whole.end)
        total.add(w.stats);
    return total;
  };
  std::size_t checked = 0;
  for (const auto& [k, w] : closed) {
    if (w.res == resolution::m1)
      continue;
    auto part = w.res == resolution::m15 ? resolution::m1 : resolution::m15;
    auto total = sum_within(w.series, part, w);
    BOOST_TEST(total.energy_wh == w.stats.energy_wh, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(total.samples == w.stats.samples);
    BOOST_TEST(total.covered_ms == w.stats.covered_ms);
    BOOST_TEST((total.max_power_w == w.stats.max_power_w));
    ++checked;
  }
  BOOST_TEST(checked > 100u);
  // Kolkata is +05:30: its days start at 18:30 UTC, on the quarter-hour grid.
  for (const auto& w : series[{"meter", resolution::d1}])
    BOOST_TEST(w.start % (15 * m) == 0);
}
