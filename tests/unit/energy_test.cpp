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
