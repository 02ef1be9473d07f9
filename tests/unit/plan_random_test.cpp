#define BOOST_TEST_MODULE plan_random
#include <boost/test/unit_test.hpp>

// Random plan problems against the exact MILP optimum from CBC: every plan is
// re-checked by the independent checker and must cost within the contract's
// tolerance of CBC's optimum; infeasibility must agree. Counts scale with
// HEMS_PLAN_RANDOM_SCALE (default 1; e.g. 20 for a long local run).

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "streams/plan_decompose.hpp"
#include "streams/plan_json.hpp"
#include "tests/support/cbc_plan_oracle.hpp"
#include "tests/support/plan_checker.hpp"
#include "tests/support/plan_generator.hpp"

using namespace hems;
using namespace hems::testing;

namespace {

double scale() {
  const char* s = std::getenv("HEMS_PLAN_RANDOM_SCALE");
  return s ? std::max(0.0, std::atof(s)) : 1.0;
}

struct tally {
  int problems = 0, infeasible = 0, optimal = 0;
  int fast = 0; ///< proven by the decomposition alone (no LP)
  double worst_relative = 0;
  double cbc_ms = 0, ours_ms = 0;
};

void compare(const streams::plan_problem& p, std::uint64_t seed, tally& t,
             battery_modes modes = battery_modes::where_export_price_negative) {
  ++t.problems;
  auto cbc = solve_with_cbc(p, {.modes = modes});
  BOOST_REQUIRE_MESSAGE(cbc.optimal || cbc.infeasible, "CBC did not finish on seed " << seed);
  streams::plan_options options;
  options.explain = false;
  options.time_budget_ms = 30'000; // no hang on a pathological draw; it would fail "proven"
  auto solved = streams::solve_plan(p, options);
  if (cbc.infeasible) {
    ++t.infeasible;
    BOOST_CHECK_MESSAGE(!solved && solved.error().code == errc::infeasible,
                        "seed " << seed << ": CBC says infeasible, the engine does not");
    return;
  }
  BOOST_REQUIRE_MESSAGE(solved.has_value(),
                        "seed " << seed << ": engine failed: " << solved.error().detail);
  t.cbc_ms += cbc.solve_ms;
  t.ours_ms += solved->solve_ms;
  auto check = check_plan_json(p, streams::plan_to_json(p, *solved));
  BOOST_CHECK_MESSAGE(check.ok(), "seed " << seed << ": " << check.summary());
  BOOST_CHECK_MESSAGE(solved->optimal, "seed " << seed << ": not proven optimal");
  t.optimal += solved->optimal;
  BOOST_CHECK_MESSAGE(cost_matches(check.cost, cbc.cost),
                      "seed " << seed << ": cost " << check.cost << " vs CBC " << cbc.cost);
  // Bounds are proofs: neither the answer's nor the fast path's own may
  // exceed the optimum. CBC's optimum is itself only as exact as its
  // tolerances (plans a few 1e-6 cheaper than CBC's occur on tiny costs),
  // so the room is the contract's, as for the costs.
  const double room = 0.001 * std::abs(cbc.cost) + 1e-6;
  BOOST_CHECK_MESSAGE(solved->bound <= cbc.cost + room,
                      "seed " << seed << ": bound " << solved->bound << " above CBC " << cbc.cost);
  auto fast = streams::decompose_plan(p, {});
  BOOST_CHECK_MESSAGE(fast.bound <= cbc.cost + room, "seed " << seed << ": fast-path bound "
                                                             << fast.bound << " above CBC "
                                                             << cbc.cost);
  if (fast.has_plan)
    BOOST_CHECK_MESSAGE(fast.cost >= cbc.cost - room, "seed " << seed << ": fast-path plan "
                                                              << fast.cost << " below CBC "
                                                              << cbc.cost);
  t.fast += fast.optimal;
  double relative = std::abs(check.cost - cbc.cost) / std::max(std::abs(cbc.cost), 1e-9);
  t.worst_relative = std::max(t.worst_relative, relative);
}

void report(const char* name, const tally& t) {
  std::cout << name << ": " << t.problems << " problems (" << t.infeasible << " infeasible, "
            << t.fast << " proven by the fast path alone), worst relative cost difference "
            << t.worst_relative << ", CBC " << t.cbc_ms << " ms, engine " << t.ours_ms << " ms\n";
}

} // namespace

BOOST_AUTO_TEST_CASE(small_problems_match_cbc) {
  tally t;
  int count = static_cast<int>(1500 * scale());
  for (int i = 0; i < count; ++i) {
    std::uint64_t seed = 1000 + i;
    problem_mix mix;
    int minutes[] = {60, 30, 15};
    mix.slot_minutes = minutes[i % 3];
    mix.horizon = 4 + static_cast<int>(seed * 7919 % 21);
    mix.max_shiftables = 3;
    mix.p_cap = 0.6;
    mix.p_negative = 0.25;
    mix.adversarial_export = i % 2 == 0;
    compare(random_plan_problem(seed, mix), seed, t);
  }
  report("small", t);
}

BOOST_AUTO_TEST_CASE(day_problems_match_cbc) {
  tally t;
  int count = static_cast<int>(150 * scale());
  for (int i = 0; i < count; ++i) {
    std::uint64_t seed = 500000 + i;
    compare(random_plan_problem(seed, {}), seed, t);
  }
  report("day", t);
}

BOOST_AUTO_TEST_CASE(exclusive_battery_modes_need_binaries_only_where_export_pays_negative) {
  // The oracle's shortcut (battery mode binaries only where export_price < 0)
  // against binaries in every slot, on small problems with batteries.
  tally t;
  int count = static_cast<int>(100 * scale());
  for (int i = 0; i < count; ++i) {
    std::uint64_t seed = 900000 + i;
    problem_mix mix;
    mix.slot_minutes = 60;
    mix.horizon = 6 + i % 13;
    mix.max_shiftables = 2;
    mix.p_battery = 1;
    mix.p_negative = 0.5;
    mix.adversarial_export = true;
    compare(random_plan_problem(seed, mix), seed, t, battery_modes::every_slot);
  }
  report("every-slot modes", t);
}
