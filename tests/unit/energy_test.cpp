#define BOOST_TEST_MODULE energy
#include <boost/test/unit_test.hpp>

#include "streams/energy.hpp"

using namespace hems;
using namespace hems::streams;

namespace {
constexpr millis minute = 60'000;
}

BOOST_AUTO_TEST_CASE(power_is_held_until_the_next_sample) {
  auto seg = segment_between({0, 600, {}}, {2 * minute, 0, {}});
  BOOST_TEST(seg.wh == 20.0); // 600 W for 2 min
  BOOST_TEST(overlap_wh(seg, minute, 10 * minute) == 10.0);
}

BOOST_AUTO_TEST_CASE(power_is_held_for_at_most_five_minutes) {
  auto seg = segment_between({0, 1200, {}}, {60 * minute, 0, {}});
  BOOST_TEST(seg.to == 5 * minute);
  BOOST_TEST(seg.wh == 100.0);
  BOOST_TEST(hold_after({0, 1200, {}}, 2 * minute).wh == 40.0);
}

BOOST_AUTO_TEST_CASE(meter_rise_is_interpolated_at_window_edges) {
  auto seg = segment_between({0, 0, 1000.0}, {4 * minute, 0, 1040.0});
  BOOST_TEST(seg.wh == 40.0);
  BOOST_TEST(overlap_wh(seg, minute, 2 * minute) == 10.0);
  BOOST_TEST(overlap_wh(seg, 3 * minute, 9 * minute) == 10.0);
}

BOOST_AUTO_TEST_CASE(a_meter_drop_is_a_reset_counting_from_zero) {
  auto seg = segment_between({0, 0, 5000.0}, {minute, 0, 7.5});
  BOOST_TEST(seg.wh == 7.5);
}

BOOST_AUTO_TEST_CASE(power_rule_applies_when_one_side_has_no_meter) {
  auto seg = segment_between({0, 60, 10.0}, {minute, 0, {}});
  BOOST_TEST(seg.wh == 1.0);
}

BOOST_AUTO_TEST_CASE(out_of_order_readings_contribute_nothing) {
  BOOST_TEST(segment_between({minute, 60, {}}, {0, 60, {}}).wh == 0.0);
}

#include "streams/live_device.hpp"

namespace {
constexpr millis day = 86'400'000;
constexpr millis midnight = 1795737600000; // 2026-11-27T00:00:00Z

sample at(millis ts, double power, std::optional<double> meter = {}) {
  sample s;
  s.home = "h";
  s.device = "d";
  s.ts_ms = ts;
  s.power_w = power;
  s.energy_wh = meter;
  return s;
}
} // namespace

BOOST_AUTO_TEST_CASE(energy_today_accumulates_and_holds_to_now) {
  live_device d;
  BOOST_TEST(d.add(at(midnight + 60 * minute, 600)));
  BOOST_TEST(d.add(at(midnight + 62 * minute, 300)));
  // 600 W for 2 min = 20 Wh, then 300 W held for 1 min of the query = 5 Wh
  BOOST_TEST(d.energy_today_wh(midnight + 63 * minute) == 25.0);
  // held for at most 5 minutes
  BOOST_TEST(d.energy_today_wh(midnight + 3 * 60 * minute) == 45.0);
}

BOOST_AUTO_TEST_CASE(energy_today_starts_again_at_midnight) {
  live_device d;
  d.add(at(midnight + day - 2 * minute, 0, 1000.0));
  d.add(at(midnight + day + 2 * minute, 0, 1040.0)); // 40 Wh across midnight, half each day
  BOOST_TEST(d.energy_today_wh(midnight + day + 2 * minute) == 20.0);
  // a day later with no new samples, nothing is counted for that day
  BOOST_TEST(d.energy_today_wh(midnight + 3 * day) == 0.0);
}

BOOST_AUTO_TEST_CASE(late_samples_do_not_change_live_state) {
  live_device d;
  d.add(at(midnight + 10 * minute, 100));
  BOOST_TEST(!d.add(at(midnight + 5 * minute, 9999)));
  BOOST_TEST(!d.add(at(midnight + 10 * minute, 9999)));
  BOOST_TEST(d.last()->power_w == 100.0);
}

BOOST_AUTO_TEST_CASE(a_memo_restores_a_device_exactly) {
  live_device a;
  a.add(at(midnight + minute, 1200));
  a.add(at(midnight + 3 * minute, 600));
  live_device b{utc_day_start, a.memo()};
  b.add(at(midnight + 4 * minute, 0));
  a.add(at(midnight + 4 * minute, 0));
  BOOST_TEST(a.energy_today_wh(midnight + 5 * minute) == b.energy_today_wh(midnight + 5 * minute));
  BOOST_TEST(b.energy_today_wh(midnight + 5 * minute) == 50.0);
}
