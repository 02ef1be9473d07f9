#define BOOST_TEST_MODULE fleet_cluster_test
#include <boost/test/unit_test.hpp>

// What each node of a cluster answers for demand response, without actors or
// a network: an owner's copy of an event (merged with what it knew), and an
// event's report over a home's own local days across a DST change.

#include <cmath>

#include "api/dr_routes.hpp"
#include "storage/history_store.hpp"
#include "storage/store.hpp"
#include "streams/local_time.hpp"
#include "streams/window_stats.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;

namespace {

constexpr millis minute = 60'000;
constexpr millis hour = 60 * minute;

streams::dr_event event_for(std::vector<std::string> homes, millis start) {
  streams::dr_event e;
  e.id = "dr-0000000000000001";
  e.homes = std::move(homes);
  e.start_ms = start;
  e.duration_ms = hour;
  e.notification_ms = 2 * hour;
  e.level = 2;
  e.created_ms = start - 3 * hour;
  e.created_by = "tok-1";
  return e;
}

cluster::fleet_query event_query(const streams::dr_event& e) {
  cluster::fleet_query q;
  q.kind = api::dr_event_kind;
  q.all_homes = false;
  q.homes = e.homes;
  q.params["event"] = api::dr_event_json(e, e.created_ms);
  return q;
}

struct store_fixture {
  test::temp_dir dir;
  std::unique_ptr<storage::store> db = std::move(*storage::open_rocksdb_store({.dir = dir.path()}));
};

} // namespace

BOOST_AUTO_TEST_CASE(copies_of_an_event_merge_opt_outs_and_a_cancellation) {
  auto mine = event_for({"h1", "h2", "h3"}, 100 * hour);
  mine.opted_out = {"h1"};
  auto theirs = mine;
  theirs.opted_out = {"h3"};
  theirs.cancelled_ms = 99 * hour;
  auto merged = api::merged_event(mine, theirs);
  BOOST_TEST((merged.opted_out == std::vector<std::string>{"h1", "h3"}));
  BOOST_REQUIRE(merged.cancelled_ms);
  BOOST_TEST(*merged.cancelled_ms == 99 * hour);
  mine.cancelled_ms = 98 * hour; // the earlier cancellation stands
  BOOST_TEST(*api::merged_event(mine, theirs).cancelled_ms == 98 * hour);
}

BOOST_AUTO_TEST_CASE(an_owner_stores_the_events_of_its_homes_and_hands_them_on) {
  store_fixture f;
  std::vector<streams::dr_event> handed;
  auto handler =
      api::dr_event_handler(*f.db, [&](const streams::dr_event& e) { handed.push_back(e); });
  auto owns_h2 = [](std::string_view home) { return home == "h2"; };
  auto owns_none = [](std::string_view) { return false; };

  auto e = event_for({"h1", "h2"}, 100 * hour);
  // A member owning none of its homes keeps nothing.
  auto part = handler(event_query(e), owns_none);
  BOOST_TEST(part.error == "");
  BOOST_TEST(part.totals["homes_reached"] == 0);
  BOOST_TEST(handed.empty());
  BOOST_TEST(!*api::read_dr_event(*f.db, e.id));

  // The owner of h2 stores it and hands it to its coordinator.
  e.opted_out = {"h2"}; // its resident opted out here
  part = handler(event_query(e), owns_h2);
  BOOST_TEST(part.totals["homes_reached"] == 1);
  BOOST_REQUIRE_EQUAL(handed.size(), 1u);
  BOOST_TEST(handed[0].id == e.id);

  // A cancellation sent by the node asked (which has not seen the opt-out)
  // keeps the opt-out; a member that has the event takes it even when it
  // owns none of the homes.
  auto cancelled = event_for({"h1", "h2"}, 100 * hour);
  cancelled.cancelled_ms = 98 * hour;
  part = handler(event_query(cancelled), owns_none);
  BOOST_REQUIRE_EQUAL(handed.size(), 2u);
  BOOST_TEST((handed[1].opted_out == std::vector<std::string>{"h2"}));
  BOOST_TEST(handed[1].cancelled_ms.has_value());
  auto stored = api::read_dr_event(*f.db, e.id);
  BOOST_REQUIRE(stored && *stored);
  BOOST_TEST((**stored == handed[1]));

  cluster::fleet_query nothing;
  nothing.kind = api::dr_event_kind;
  BOOST_TEST(handler(nothing, owns_h2).error != "");
}

// A Berlin home draws 3 kW from 18:00 to 19:00 local time on every day and
// 1 kW otherwise. An event on Wednesday 1 April 2026 at 18:00 local (16:00
// UTC, summer time since 29 March): its 10-in-10 baseline is 3 kW, although
// 8 of the 10 days were winter days, on which 18:00 local was 17:00 UTC (UTC
// days would average 1.4 kW).
BOOST_AUTO_TEST_CASE(a_report_uses_the_homes_own_days_across_dst) {
  store_fixture f;
  auto* history = f.db->history();
  BOOST_REQUIRE(history);
  BOOST_REQUIRE(history->put_home_value("hb", "time_zone", "Europe/Berlin"));
  auto zone = *streams::local_zone::from_name("Europe/Berlin");
  constexpr std::int64_t mar10 = 20522, wed_apr1 = 20544;
  const millis start = zone.at(wed_apr1, 18 * hour);
  BOOST_TEST(start == 1'775'059'200'000); // 2026-04-01T16:00:00Z

  std::vector<streams::usage_window> windows;
  for (std::int64_t day = mar10; day <= wed_apr1; ++day)
    for (int t = 0; t < 96; ++t) {
      millis local = day * streams::day_ms + t * 15 * minute;
      millis at = zone.to_utc(local);
      if (zone.to_local(at) != local)
        continue; // skipped by the clocks going forward
      if (day == wed_apr1 && t >= 17 * 4)
        break; // the event day is known up to 17:00
      streams::usage_window w;
      w.series = std::string{streams::home_series};
      w.res = streams::resolution::m15;
      w.start = at;
      w.end = at + 15 * minute;
      double kw = t >= 72 && t < 76 ? 3.0 : 1.0;
      w.stats.energy_wh = kw * 250;
      w.stats.max_power_w = kw * 1000;
      w.stats.samples = 1;
      w.stats.covered_ms = 15 * minute;
      windows.push_back(w);
    }
  BOOST_REQUIRE(history->commit_windows("hb", windows, {windows.back().end, 0}));

  auto e = event_for({"hb"}, start);
  auto part = api::dr_report_part(*f.db, e, start - hour, "UTC", {});
  BOOST_TEST(part.error == "");
  BOOST_REQUIRE_EQUAL(part.rows.size(), 1u);
  auto& v = part.rows[0].values;
  BOOST_TEST(part.rows[0].key == "hb");
  BOOST_TEST(v["participating"] == 1);
  BOOST_TEST(v["has_baseline"] == 1);
  BOOST_TEST(v["adjustment"] == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(v["baseline_avg_kw"] == 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(v["quarters_known"] == 0); // the event has not started

  // The same windows for a home in UTC: its days are UTC days.
  BOOST_REQUIRE(history->commit_windows("hu", windows, {windows.back().end, 0}));
  auto utc = api::dr_report_part(*f.db, event_for({"hu"}, start), start - hour, "UTC", {});
  BOOST_REQUIRE_EQUAL(utc.rows.size(), 1u);
  BOOST_TEST(utc.rows[0].values["baseline_avg_kw"] == 1.4, boost::test_tools::tolerance(1e-12));
}
