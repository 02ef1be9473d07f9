#define BOOST_TEST_MODULE automation_plan
#include <boost/test/unit_test.hpp>

// Preferences and tariffs (reading, the field named in every refusal, prices
// across version boundaries and DST changes, pushed series) and the home plan
// builder (prices, base load, cap, peak hours and blocked intervals never
// started in, savings against the natural start).

#include "core/time_format.hpp"
#include "streams/home_plan_builder.hpp"
#include "streams/preferences.hpp"
#include "streams/tariff.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

millis at(std::string_view rfc3339) {
  return parse_rfc3339(rfc3339).value();
}

std::string field_of(const std::expected<preferences_document, invalid_field>& r) {
  BOOST_REQUIRE(!r.has_value());
  return r.error().field;
}

template <class T> std::string failed_field(const std::expected<T, invalid_field>& r) {
  BOOST_REQUIRE(!r.has_value());
  return r.error().field;
}

const std::string berlin_tou = R"({"valid_from": "2026-01-01T00:00:00+01:00", "currency": "EUR",
  "import": {"default": 0.30, "periods": [{"days": ["mon","tue","wed","thu","fri"],
                                           "start": "17:00", "end": "21:00", "price": 0.45},
                                          {"start": "23:00", "end": "06:00", "price": 0.20}]},
  "export": {"default": 0.08}})";

} // namespace

BOOST_AUTO_TEST_CASE(preferences_read_and_written_back) {
  auto doc = read_preferences(R"({"home": "h1", "time_zone": "Europe/Berlin",
    "peak_hours": [{"start": "17:00", "end": "21:00", "days": ["mon","fri"]}],
    "import_cap_w": 7000, "comfort": {"thermostat": {"min_c": 19, "max_c": 23}},
    "essential_devices": ["fridge"], "protected_devices": ["router"],
    "manual_override_min": 90, "min_on_min": 10, "min_off_min": 3,
    "notifications": {"automation": false}})",
                              "h1");
  BOOST_REQUIRE(doc.has_value());
  const auto& p = doc->preferences;
  BOOST_TEST(*doc->time_zone == "Europe/Berlin");
  BOOST_REQUIRE(p.peak_hours.size() == 1u);
  BOOST_TEST(p.peak_hours[0].start == 17 * hour_ms);
  BOOST_TEST((p.peak_hours[0].days == std::vector<int>{0, 4}));
  BOOST_TEST(*p.import_cap_w == 7000);
  BOOST_TEST(p.thermostat->max_c == 23);
  BOOST_TEST(!p.notifications.automation);
  BOOST_TEST(p.notifications.offline);
  // What GET answers reads back to the same preferences.
  auto again = read_preferences(preferences_json("h1", p, "Europe/Berlin"), "h1");
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST((again->preferences == p));

  auto s = to_safety_settings(p);
  BOOST_TEST(s.essential_devices.count("fridge") == 1u);
  BOOST_TEST(s.protected_devices.count("router") == 1u);
  BOOST_TEST(s.min_on_ms == 10 * minute_ms);
  BOOST_TEST(s.min_off_ms == 3 * minute_ms);
  BOOST_TEST(s.manual_override_ms == 90 * minute_ms);
  BOOST_TEST(is_essential_id("Kitchen-Freezer"));
  BOOST_TEST(!is_essential_id("dishwasher"));
}

BOOST_AUTO_TEST_CASE(preferences_refusals_name_the_field) {
  BOOST_TEST(field_of(read_preferences(R"({"home": "h2"})", "h1")) == "home");
  BOOST_TEST(field_of(read_preferences(R"({"time_zone": "Mars/Olympus"})", "h1")) == "time_zone");
  BOOST_TEST(field_of(read_preferences(R"({"peak_hours": [{"start": "25:00", "end": "21:00"}]})",
                                       "h1")) == "peak_hours[0].start");
  BOOST_TEST(field_of(read_preferences(
                 R"({"peak_hours": [{"start": "17:00", "end": "21:00", "days": ["mon","xyz"]}]})",
                 "h1")) == "peak_hours[0].days[1]");
  BOOST_TEST(field_of(read_preferences(R"({"import_cap_w": -1})", "h1")) == "import_cap_w");
  BOOST_TEST(field_of(read_preferences(R"({"comfort": {"thermostat": {"min_c": 24, "max_c": 20}}})",
                                       "h1")) == "comfort.thermostat.max_c");
  BOOST_TEST(field_of(read_preferences(R"({"essential_devices": ["ok", "bad id"]})", "h1")) ==
             "essential_devices[1]");
  BOOST_TEST(field_of(read_preferences(R"({"min_on_min": 2.5})", "h1")) == "min_on_min");
  BOOST_TEST(field_of(read_preferences(R"({"notifications": {"automation": 1}})", "h1")) ==
             "notifications.automation");
  BOOST_TEST(field_of(read_preferences(R"({"colour": "blue"})", "h1")) == "colour");
  BOOST_TEST(field_of(read_preferences(R"({"min_on_min": 1, "min_on_min": 2})", "h1")) ==
             "min_on_min");
  BOOST_TEST(field_of(read_preferences("[1,", "h1")) == "body");
}

BOOST_AUTO_TEST_CASE(periods_past_midnight_belong_to_their_first_day) {
  daily_period night;
  night.days = {4}; // Friday night
  night.start = 23 * hour_ms;
  night.end = 6 * hour_ms;
  auto utc = local_zone{};
  BOOST_TEST(night.contains(utc.moment(at("2026-11-27T23:30:00Z"))));  // Friday 23:30
  BOOST_TEST(night.contains(utc.moment(at("2026-11-28T05:59:00Z"))));  // Saturday 05:59
  BOOST_TEST(!night.contains(utc.moment(at("2026-11-28T23:30:00Z")))); // Saturday 23:30
  BOOST_TEST(!night.contains(utc.moment(at("2026-11-27T05:00:00Z")))); // Friday 05:00
}

BOOST_AUTO_TEST_CASE(tariff_refusals_name_the_field) {
  BOOST_TEST(failed_field(read_tariff_version(R"({"currency": "EUR", "import": {"default": 0.3}})",
                                              0)) == "valid_from");
  BOOST_TEST(
      failed_field(read_tariff_version(
          R"({"valid_from": 1000, "valid_to": 10, "currency": "EUR", "import": {"default": 0.3}})",
          0)) == "valid_to");
  BOOST_TEST(failed_field(read_tariff_version(
                 R"({"valid_from": 0, "currency": "euro", "import": {"default": 0.3}})", 0)) ==
             "currency");
  BOOST_TEST(failed_field(read_tariff_version(
                 R"({"valid_from": 0, "currency": "EUR", "import": {"default": 0.3,
                     "periods": [{"start": "17:00", "end": "21:00", "price": "high"}]}})",
                 0)) == "import.periods[0].price");
  BOOST_TEST(failed_field(read_tariff_version(
                 R"({"valid_from": 0, "currency": "EUR", "import": {"default": 1e9}})", 0)) ==
             "import.default");
  BOOST_TEST(failed_field(read_tariff_version(R"({"valid_from": 0, "currency": "EUR"})", 0)) ==
             "import");
  BOOST_TEST(failed_field(read_price_series(R"({"source": "dso", "import": [
      {"from": 0, "to": 900000, "price": 0.1}, {"from": 600000, "to": 1800000, "price": 0.2}]})",
                                            0)) == "import[1].from");
  BOOST_TEST(failed_field(read_price_series(R"({"source": "dso"})", 0)) == "import");
  BOOST_TEST(failed_field(read_price_series(
                 R"({"source": "dso", "export": [{"from": 5, "to": 5, "price": 0.1}]})", 0)) ==
             "export[0].to");
}

BOOST_AUTO_TEST_CASE(price_at_time_follows_the_version_valid_then) {
  auto zone = local_zone::from_name("Europe/Berlin").value();
  home_tariff t;
  auto v1 = read_tariff_version(berlin_tou, 1);
  BOOST_REQUIRE(v1.has_value());
  add_version(t, *v1);
  // From December on the peak costs more.
  auto v2 = read_tariff_version(R"({"valid_from": "2026-12-01T00:00:00+01:00", "currency": "EUR",
    "import": {"default": 0.32, "periods": [{"start": "17:00", "end": "21:00", "price": 0.60}]}})",
                                2);
  BOOST_REQUIRE(v2.has_value());
  add_version(t, *v2);
  BOOST_TEST(t.versions.front().valid_from == v2->valid_from); // newest first

  // Monday 30 November 18:00 local: the old version's peak.
  BOOST_TEST(price_at(t, zone, at("2026-11-30T17:00:00Z")).import_price == 0.45);
  BOOST_TEST(price_at(t, zone, at("2026-11-30T17:00:00Z")).export_price == 0.08);
  // The boundary itself, midnight local: the new version.
  BOOST_TEST(price_at(t, zone, at("2026-11-30T22:59:59Z")).import_price == 0.20); // 23:59 night
  BOOST_TEST(price_at(t, zone, at("2026-11-30T23:00:00Z")).import_price == 0.32);
  BOOST_TEST(price_at(t, zone, at("2026-12-01T17:00:00Z")).import_price == 0.60);
  BOOST_TEST(price_at(t, zone, at("2026-12-01T17:00:00Z")).export_price == 0.0);
  // Before any version: the default tariff.
  BOOST_TEST(price_at(t, zone, at("2025-06-01T12:00:00Z")).import_price == 0.30);
  BOOST_TEST(version_at(t, at("2025-06-01T12:00:00Z")) == nullptr);

  // The stored form reads back to the same tariff.
  auto stored = read_stored_tariff(tariff_json("h1", t));
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST((*stored == t));
}

BOOST_AUTO_TEST_CASE(time_of_use_hours_stay_local_across_dst) {
  auto zone = local_zone::from_name("Europe/Berlin").value();
  home_tariff t;
  add_version(t, read_tariff_version(berlin_tou, 1).value());
  // Friday 23 October 2026 (summer time, UTC+2): 17:00 local is 15:00 UTC.
  BOOST_TEST(price_at(t, zone, at("2026-10-23T14:59:00Z")).import_price == 0.30);
  BOOST_TEST(price_at(t, zone, at("2026-10-23T15:00:00Z")).import_price == 0.45);
  // Monday 26 October (winter time, UTC+1, after the 25-hour Sunday): 16:00 UTC.
  BOOST_TEST(price_at(t, zone, at("2026-10-26T15:00:00Z")).import_price == 0.30);
  BOOST_TEST(price_at(t, zone, at("2026-10-26T16:00:00Z")).import_price == 0.45);
  // The curve over the change day has 100 quarters, and the night price
  // starts at 23:00 local on both sides of the change.
  auto curve = price_curve_at(t, zone, at("2026-10-24T22:00:00Z"), 100);
  BOOST_TEST(curve.import_prices.front() == 0.20);
  BOOST_TEST(price_at(t, zone, at("2026-10-25T21:59:00Z")).import_price == 0.30); // 22:59 winter
  BOOST_TEST(price_at(t, zone, at("2026-10-25T22:00:00Z")).import_price == 0.20); // 23:00 winter
}

BOOST_AUTO_TEST_CASE(pushed_series_override_time_of_use_in_their_intervals) {
  auto zone = local_zone::from_name("Europe/Berlin").value();
  home_tariff t;
  add_version(t, read_tariff_version(berlin_tou, 1).value());
  millis noon = at("2026-11-27T11:00:00Z"); // Friday 12:00 local
  auto s1 = read_price_series(R"({"source": "day-ahead", "import": [
      {"from": "2026-11-27T11:00:00Z", "to": "2026-11-27T12:00:00Z", "price": 0.05}]})",
                              10);
  BOOST_REQUIRE(s1.has_value());
  add_series(t, *s1, 0);
  BOOST_TEST(price_at(t, zone, noon).import_price == 0.05);
  BOOST_TEST(price_at(t, zone, noon).export_price == 0.08); // no export series: the tariff's
  BOOST_TEST(price_at(t, zone, noon + hour_ms).import_price == 0.30);
  // A newer series wins where the two overlap.
  auto s2 = read_price_series(R"({"source": "dso", "import": [
      {"from": "2026-11-27T11:30:00Z", "to": "2026-11-27T11:45:00Z", "price": -0.02}]})",
                              20);
  add_series(t, s2.value(), 0);
  BOOST_TEST(price_at(t, zone, noon + 30 * minute_ms).import_price == -0.02);
  BOOST_TEST(price_at(t, zone, noon + 45 * minute_ms).import_price == 0.05);
  auto curve = price_curve_at(t, zone, noon, 4);
  BOOST_TEST((curve.import_prices == std::vector<double>{0.05, 0.05, -0.02, 0.05}));
  // Series that have ended are dropped when new ones arrive.
  add_series(t, s2.value(), noon + 2 * hour_ms);
  BOOST_TEST(t.series.empty());
}

namespace {

home_plan_inputs friday_home() {
  home_plan_inputs in;
  in.home = "h1";
  in.zone = local_zone::from_name("Europe/Berlin").value();
  in.now = at("2026-11-27T15:05:00Z"); // Friday 16:05 local
  add_version(in.tariff, read_tariff_version(berlin_tou, 1).value());
  return in;
}

run_request dishwasher(millis earliest, millis deadline) {
  run_request r;
  r.schedule_id = "sch-dish";
  r.device = "dishwasher";
  r.earliest_ms = earliest;
  r.deadline_ms = deadline;
  r.duration_ms = 2 * hour_ms;
  r.power_w = 1000;
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(plan_builder_uses_tariff_forecast_and_cap) {
  auto in = friday_home();
  load_forecast f;
  f.start = at("2026-11-27T15:00:00Z");
  f.kw.assign(8, 0.8);
  in.forecast = f;
  in.preferences.import_cap_w = 5000;
  auto p = base_problem(in);
  BOOST_TEST(p.horizon == 192);
  BOOST_TEST(p.base_load_kw[0] == 0.8);
  BOOST_TEST(p.base_load_kw[8] == 0.3);  // beyond the forecast: standby
  BOOST_TEST(p.import_price[0] == 0.30); // 16:00 local
  BOOST_TEST(p.import_price[4] == 0.45); // 17:00 local
  BOOST_TEST(*p.max_import_kw == 5.0);
  BOOST_TEST(!check_plan_problem(p).has_value());
  // A demand-response event makes its hour dearer.
  in.dr_events.push_back({"dr1", at("2026-11-27T20:00:00Z"), at("2026-11-27T21:00:00Z"), 1.0});
  BOOST_TEST(base_problem(in).import_price[20] == 1.30, // 21:00 local: after the peak
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(base_problem(in).import_price[24] == 0.30); // 22:00 local: after the event
}

BOOST_AUTO_TEST_CASE(plan_places_a_run_in_the_cheapest_time_and_reports_savings) {
  auto in = friday_home();
  in.automation.runs.push_back(dishwasher(in.now, at("2026-11-28T06:00:00Z")));
  auto plan = plan_home(in);
  BOOST_REQUIRE(plan.loads.size() == 1u);
  auto& l = plan.loads[0];
  // Night price from 23:00 local (22:00 UTC).
  BOOST_TEST(l.start_ms >= at("2026-11-27T22:00:00Z"));
  BOOST_TEST(l.end_ms <= at("2026-11-28T05:00:00Z"));
  // Without automation it would start at 16:15 and run into the peak:
  // 0.75 h at 0.30 + 1.25 h at 0.45 = 0.7875 against 2 h at 0.20 = 0.40.
  BOOST_TEST(l.saving == 0.3875, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(l.cost == 0.40, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(plan.savings == l.saving);
  BOOST_TEST(l.explanation.starts_with("dishwasher moved to 23:"));
  BOOST_TEST(l.explanation.ends_with("saves 0.39 EUR"));
  BOOST_TEST(plan.status == "optimal");
  auto starts = planned_starts(plan);
  BOOST_REQUIRE(starts.size() == 1u);
  BOOST_TEST(starts[0].schedule_id == "sch-dish");
  BOOST_TEST(moved_loads(plan, starts).empty());
  BOOST_TEST(moved_loads(plan, {}).size() == 1u);
  auto json = home_plan_json(plan);
  BOOST_TEST(json.find("\"expected_cost\":") != std::string::npos);
  BOOST_TEST(json.find("\"loads\":[{\"device\":\"dishwasher\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(plan_never_starts_in_blocked_intervals_or_peak_hours) {
  // Negative prices inside the blocked hours would pull every load there.
  for (int variant = 0; variant < 3; ++variant) {
    auto in = friday_home();
    millis block_from = at("2026-11-27T22:00:00Z");
    millis block_to = at("2026-11-28T02:00:00Z");
    add_series(in.tariff,
               read_price_series(R"({"source": "market", "import": [
                   {"from": "2026-11-27T22:00:00Z", "to": "2026-11-28T02:00:00Z", "price": -0.5}]})",
                                 5)
                   .value(),
               0);
    if (variant == 0) {
      in.automation.blocked.push_back({block_from, block_to, "", "peak_avoid 23:00-03:00"});
    } else if (variant == 1) {
      in.automation.blocked.push_back({block_from, block_to, "dishwasher", "window"});
    } else {
      daily_period peak;
      peak.start = 23 * hour_ms;
      peak.end = 3 * hour_ms;
      in.preferences.peak_hours.push_back(peak);
    }
    for (int i = 0; i < 3; ++i) {
      auto r = dishwasher(in.now + i * hour_ms, at("2026-11-28T08:00:00Z"));
      r.schedule_id = "sch-" + std::to_string(i);
      in.automation.runs.push_back(r);
    }
    in.max_combinations = variant == 2 ? 1 : 16; // the greedy choice too
    auto plan = plan_home(in);
    BOOST_REQUIRE(plan.loads.size() == 3u);
    for (const auto& l : plan.loads) {
      BOOST_TEST_CONTEXT("variant " << variant << " load " << l.run.schedule_id) {
        BOOST_TEST((l.start_ms < block_from || l.start_ms >= block_to));
        BOOST_TEST(!start_blocked(in, l.run.device, l.start_ms));
      }
    }
    // The best allowed start runs into the cheap hours: just before them.
    BOOST_TEST(plan.loads[0].start_ms >= block_from - 2 * hour_ms);
  }
}

BOOST_AUTO_TEST_CASE(runs_that_cannot_be_placed_are_listed_with_the_reason) {
  auto in = friday_home();
  in.automation.runs.push_back(dishwasher(in.now, in.now + hour_ms)); // 2 h in 1 h
  auto blocked = dishwasher(in.now, in.now + 4 * hour_ms);
  blocked.schedule_id = "sch-blocked";
  in.automation.runs.push_back(blocked);
  in.automation.blocked.push_back({in.now - hour_ms, in.now + 5 * hour_ms, "", "peak_avoid"});
  auto plan = plan_home(in);
  BOOST_TEST(plan.loads.empty());
  BOOST_REQUIRE(plan.unplaced.size() == 2u);
  BOOST_TEST(plan.unplaced[0].reason.find("too short") != std::string::npos);
  BOOST_TEST(plan.unplaced[1].reason.find("blocked") != std::string::npos);
  // An import cap the base load alone breaks is dropped, and the plan says so.
  auto capped = friday_home();
  capped.preferences.import_cap_w = 100;
  capped.automation.runs.push_back(dishwasher(capped.now, capped.now + 10 * hour_ms));
  auto p2 = plan_home(capped);
  BOOST_TEST(p2.loads.size() == 1u);
  BOOST_TEST(p2.notes.size() == 1u);
}

BOOST_AUTO_TEST_CASE(energy_loads_draw_in_the_cheapest_unblocked_hours) {
  auto in = friday_home();
  energy_request ev;
  ev.id = "ev-session";
  ev.device = "wallbox";
  ev.earliest_ms = at("2026-11-27T17:00:00Z"); // home at 18:00 local
  ev.deadline_ms = at("2026-11-28T06:00:00Z"); // leaves at 07:00 local
  ev.energy_wh = 7400;
  ev.max_w = 7400;
  in.energy.push_back(ev);
  // Blocked from 23:00 to 01:00 local: the charge goes to the night after it.
  in.automation.blocked.push_back(
      {at("2026-11-27T22:00:00Z"), at("2026-11-28T00:00:00Z"), "", "peak_avoid"});
  auto plan = plan_home(in);
  BOOST_REQUIRE(plan.loads.size() == 1u);
  const auto& l = plan.loads[0];
  BOOST_TEST(l.interruptible);
  BOOST_TEST(l.start_ms >= at("2026-11-28T00:00:00Z"));
  BOOST_TEST(l.end_ms <= at("2026-11-28T05:00:00Z"));
  BOOST_TEST(l.cost == 7.4 * 0.20, boost::test_tools::tolerance(1e-6));
  // Without automation: 18:00-19:00 local at full power, inside the 0.45 peak.
  BOOST_TEST(l.saving == 7.4 * (0.45 - 0.20), boost::test_tools::tolerance(1e-6));
  BOOST_TEST(planned_starts(plan).empty()); // the scheduler fires cycles only
  BOOST_TEST(home_plan_json(plan).find("\"kind\":\"energy\"") != std::string::npos);
}
