#define BOOST_TEST_MODULE plan_explain
#include <boost/test/unit_test.hpp>

// Each load says what it saves against running as early as it can and which
// constraint bound its timing.

#include "streams/plan_solver.hpp"

using namespace hems::streams;

namespace {

plan_problem flat_day(std::vector<double> prices) {
  plan_problem p;
  p.slot_minutes = 60;
  p.horizon = static_cast<int>(prices.size());
  p.import_price = std::move(prices);
  p.export_price.assign(p.horizon, 0.0);
  p.base_load_kw.assign(p.horizon, 0.5);
  p.pv_kw.assign(p.horizon, 0.0);
  return p;
}

plan_load cycle(std::string id, int earliest, int latest) {
  plan_load l;
  l.id = std::move(id);
  l.kind = load_kind::shiftable;
  l.profile_kw = {2.0, 1.0};
  l.earliest_start = earliest;
  l.latest_finish = latest;
  return l;
}

load_explanation explain_one(const plan_problem& p) {
  auto r = solve_plan(p);
  BOOST_REQUIRE(r.has_value());
  BOOST_REQUIRE_EQUAL(r->explanations.size(), p.loads.size());
  return r->explanations[0];
}

} // namespace

BOOST_AUTO_TEST_CASE(a_cycle_that_waits_for_cheap_energy_is_bound_by_price) {
  auto p = flat_day({0.4, 0.4, 0.4, 0.1, 0.1, 0.4, 0.4, 0.4});
  p.loads.push_back(cycle("dishwasher", 0, 8));
  auto e = explain_one(p);
  BOOST_TEST(e.bound_by == "price");
  BOOST_REQUIRE(e.saves.has_value());
  BOOST_TEST(*e.saves == (0.4 - 0.1) * 3, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(e.text.find("slot 3") != std::string::npos, e.text);
}

BOOST_AUTO_TEST_CASE(a_deadline_before_the_cheap_hours_is_bound_by_the_window) {
  auto p = flat_day({0.4, 0.35, 0.3, 0.3, 0.1, 0.1, 0.1, 0.1});
  p.loads.push_back(cycle("dishwasher", 0, 4));
  auto e = explain_one(p);
  BOOST_TEST(e.bound_by == "window");
  BOOST_TEST(e.text.find("must finish by") != std::string::npos, e.text);
}

BOOST_AUTO_TEST_CASE(a_cycle_kept_from_the_cheapest_hours_by_the_cap_is_bound_by_the_cap) {
  auto p = flat_day({0.4, 0.4, 0.1, 0.1, 0.2, 0.2, 0.4, 0.4});
  p.base_load_kw[2] = 2.0; // no room under the cap in the cheapest hours
  p.max_import_kw = 3.0;
  p.loads.push_back(cycle("dryer", 0, 8));
  auto e = explain_one(p);
  BOOST_TEST(e.bound_by == "import_cap");
  BOOST_TEST(e.text.find("cap of 3 kW") != std::string::npos, e.text);
}

BOOST_AUTO_TEST_CASE(an_ev_charges_in_the_cheapest_slots_and_says_what_that_saves) {
  auto p = flat_day({0.4, 0.4, 0.3, 0.1, 0.1, 0.1, 0.3, 0.4});
  plan_load ev;
  ev.id = "ev";
  ev.kind = load_kind::energy;
  ev.energy_kwh = 10;
  ev.max_kw = 5;
  ev.earliest_start = 0;
  ev.latest_finish = 8;
  p.loads.push_back(ev);
  auto e = explain_one(p);
  BOOST_TEST(e.bound_by == "price");
  BOOST_REQUIRE(e.saves.has_value());
  BOOST_TEST(*e.saves == 10 * (0.4 - 0.1), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(!e.text.empty());
}
