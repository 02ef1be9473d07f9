#define BOOST_TEST_MODULE peak_warning
#include <boost/test/unit_test.hpp>

// Peak warnings (streams/peak_warning.hpp) with time passed in: high power in
// peak hours for a minute warns once per peak period, with evidence; the
// import cap, else the threshold, is the limit; the residents may turn it
// off; a period past midnight is one period; meters win over the devices'
// sum and devices not heard from stop counting.

#include "core/time_format.hpp"
#include "streams/peak_warning.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

millis at(std::string_view rfc3339) {
  return parse_rfc3339(rfc3339).value();
}

const local_zone& berlin() {
  static const local_zone z = local_zone::from_name("Europe/Berlin").value();
  return z;
}

sample reading(std::string device, millis ts, double power_w,
               device_kind kind = device_kind::appliance) {
  sample s;
  s.home = "h";
  s.device = std::move(device);
  s.ts_ms = ts;
  s.power_w = power_w;
  s.kind = kind;
  s.state = power_w > 0 ? device_state::on : device_state::off;
  return s;
}

home_preferences evening_peak(std::optional<double> cap) {
  home_preferences p;
  p.peak_hours = {daily_period{{}, 17 * hour_ms, 21 * hour_ms}};
  p.import_cap_w = cap;
  return p;
}

// Feeds both devices at `t` and checks.
std::optional<automation_notice> step(peak_watch& w, millis t, double a, double b,
                                      const home_preferences& p) {
  w.observe(reading("heat-pump", t, a));
  w.observe(reading("ev-charger", t, b, device_kind::ev_charger));
  return w.check(t, p, berlin());
}

} // namespace

BOOST_AUTO_TEST_CASE(high_power_in_peak_hours_warns_once_per_period) {
  auto prefs = evening_peak(5000);
  peak_watch w{"h"};
  millis t = at("2026-11-27T16:10:00Z");               // 17:10 in Berlin
  BOOST_TEST(!step(w, t, 3000, 3500, prefs));          // high, but only just
  BOOST_TEST(!step(w, t + 30'000, 3000, 3500, prefs)); // not a minute yet
  auto n = step(w, t + 60'000, 3000, 3500, prefs);     // a minute above the cap
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST(n->kind == "peak_warning");
  BOOST_TEST(n->home == "h");
  BOOST_TEST(n->severity == "warning");
  BOOST_TEST(n->ts_ms == t + 60'000);
  BOOST_TEST(n->message.find("6.5 kW") != std::string::npos, n->message);
  BOOST_TEST(n->message.find("17:00-21:00") != std::string::npos, n->message);
  BOOST_TEST(n->message.find("import cap") != std::string::npos, n->message);
  BOOST_TEST(n->message.find("ev-charger") != std::string::npos, n->message);
  BOOST_TEST(n->evidence.at("power_w") == "6500");
  BOOST_TEST(n->evidence.at("limit_w") == "5000");
  BOOST_TEST(n->evidence.at("limit") == "import_cap_w");
  BOOST_TEST(n->evidence.at("peak_hours") == "17:00-21:00");
  BOOST_TEST(n->evidence.at("period_start_ms") == std::to_string(at("2026-11-27T16:00:00Z")));
  BOOST_TEST(n->evidence.at("high_since_ms") == std::to_string(t));
  BOOST_TEST(n->evidence.at("top_device") == "ev-charger");

  // Still high, low, high again: the same period, no second warning.
  BOOST_TEST(!step(w, t + 5 * minute_ms, 3000, 3500, prefs));
  BOOST_TEST(!step(w, t + 10 * minute_ms, 300, 0, prefs));
  BOOST_TEST(!step(w, t + 20 * minute_ms, 3000, 3500, prefs));
  BOOST_TEST(!step(w, t + 22 * minute_ms, 3000, 3500, prefs));
  // After the period (21:00 local) nothing, however high.
  millis late = at("2026-11-27T20:00:00Z");
  BOOST_TEST(!step(w, late, 3000, 3500, prefs));
  BOOST_TEST(!step(w, late + 2 * minute_ms, 3000, 3500, prefs));
  // The next evening is a new period.
  millis next = at("2026-11-28T16:30:00Z");
  BOOST_TEST(!step(w, next, 3000, 3500, prefs));
  auto again = step(w, next + minute_ms, 3000, 3500, prefs);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->evidence.at("period_start_ms") == std::to_string(at("2026-11-28T16:00:00Z")));
}

BOOST_AUTO_TEST_CASE(a_spike_or_power_below_the_limit_does_not_warn) {
  auto prefs = evening_peak(7000);
  peak_watch w{"h"};
  millis t = at("2026-11-27T17:00:00Z");
  for (int i = 0; i < 10; ++i) // 6.5 kW for ten minutes: under the 7 kW cap
    BOOST_TEST(!step(w, t + i * minute_ms, 3000, 3500, prefs));
  // A 40 s spike over the cap, then back under.
  t += 10 * minute_ms;
  BOOST_TEST(!step(w, t, 4000, 3500, prefs));
  BOOST_TEST(!step(w, t + 40'000, 4000, 3500, prefs));
  BOOST_TEST(!step(w, t + 50'000, 300, 3500, prefs));
  BOOST_TEST(!step(w, t + 70'000, 4000, 3500, prefs));  // high again: counts from here
  BOOST_TEST(!step(w, t + 120'000, 4000, 3500, prefs)); // 50 s
  BOOST_TEST(step(w, t + 130'000, 4000, 3500, prefs).has_value());
}

BOOST_AUTO_TEST_CASE(without_a_cap_the_threshold_is_the_limit) {
  auto prefs = evening_peak(std::nullopt);
  peak_watch w{"h", peak_warning_settings{.threshold_w = 4000}};
  millis t = at("2026-11-27T17:00:00Z");
  BOOST_TEST(!step(w, t, 2000, 1900, prefs));
  BOOST_TEST(!step(w, t + 2 * minute_ms, 2000, 1900, prefs)); // 3.9 kW
  BOOST_TEST(!step(w, t + 3 * minute_ms, 2000, 2100, prefs));
  auto n = step(w, t + 4 * minute_ms, 2000, 2100, prefs);
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST(n->evidence.at("limit") == "threshold");
  BOOST_TEST(n->evidence.at("limit_w") == "4000");
  BOOST_TEST(n->message.find("threshold") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_residents_may_turn_peak_warnings_off) {
  auto prefs = evening_peak(5000);
  prefs.notifications.peak_warning = false;
  peak_watch w{"h"};
  millis t = at("2026-11-27T16:10:00Z");
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(!step(w, t + i * minute_ms, 3000, 3500, prefs));
  // Turned on again within the period: it warns then.
  prefs.notifications.peak_warning = true;
  BOOST_TEST(step(w, t + 5 * minute_ms, 3000, 3500, prefs).has_value());
}

BOOST_AUTO_TEST_CASE(a_period_past_midnight_is_one_period) {
  home_preferences prefs;
  prefs.peak_hours = {daily_period{{4}, 22 * hour_ms, 2 * hour_ms}}; // Friday 22:00-02:00
  prefs.import_cap_w = 5000;
  peak_watch w{"h"};
  millis t = at("2026-11-27T22:00:00Z"); // Friday 23:00 in Berlin
  BOOST_TEST(!step(w, t, 3000, 3500, prefs));
  auto n = step(w, t + minute_ms, 3000, 3500, prefs);
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST(n->evidence.at("peak_hours") == "22:00-02:00");
  BOOST_TEST(n->evidence.at("period_start_ms") == std::to_string(at("2026-11-27T21:00:00Z")));
  // Saturday 00:30: still Friday's period.
  millis after_midnight = at("2026-11-27T23:30:00Z");
  BOOST_TEST(!step(w, after_midnight, 3000, 3500, prefs));
  BOOST_TEST(!step(w, after_midnight + 2 * minute_ms, 3000, 3500, prefs));
  // Saturday 23:00: not a peak day.
  millis saturday = at("2026-11-28T22:00:00Z");
  BOOST_TEST(!step(w, saturday, 3000, 3500, prefs));
  BOOST_TEST(!step(w, saturday + 2 * minute_ms, 3000, 3500, prefs));
}

BOOST_AUTO_TEST_CASE(meters_win_and_silent_devices_stop_counting) {
  peak_watch w{"h"};
  millis t = at("2026-11-27T17:00:00Z");
  w.observe(reading("heat-pump", t, 3000));
  w.observe(reading("ev-charger", t, 3500, device_kind::ev_charger));
  BOOST_TEST(w.power_w(t) == 6500);
  // PV and a battery count against the devices' draw.
  w.observe(reading("roof", t, -2000, device_kind::pv));
  BOOST_TEST(w.power_w(t) == 4500);
  // A meter says what the home imports.
  w.observe(reading("main", t, 1200, device_kind::meter));
  BOOST_TEST(w.power_w(t) == 1200);
  // An older sample arriving late changes nothing.
  w.observe(reading("main", t - 1000, 9000, device_kind::meter));
  BOOST_TEST(w.power_w(t) == 1200);
  // The meter goes quiet: the devices' sum again; they go quiet too: nothing.
  w.observe(reading("heat-pump", t + 4 * minute_ms, 3000));
  w.observe(reading("ev-charger", t + 4 * minute_ms, 3500, device_kind::ev_charger));
  w.observe(reading("roof", t + 4 * minute_ms, -2000, device_kind::pv));
  BOOST_TEST(w.power_w(t + 6 * minute_ms) == 4500);
  BOOST_TEST(w.power_w(t + 10 * minute_ms) == 0);
}

BOOST_AUTO_TEST_CASE(high_before_the_period_counts_from_its_start) {
  auto prefs = evening_peak(5000);
  peak_watch w{"h"};
  millis t = at("2026-11-27T15:50:00Z"); // 16:50 local
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(!step(w, t + i * minute_ms, 3000, 3500, prefs));
  millis start = at("2026-11-27T16:00:00Z");
  BOOST_TEST(!step(w, start + 30'000, 3000, 3500, prefs));
  auto n = step(w, start + 60'000, 3000, 3500, prefs);
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST(n->evidence.at("high_since_ms") == std::to_string(start));
}
