#define BOOST_TEST_MODULE plan_budget
#include <boost/test/unit_test.hpp>

// The anytime contract: with a time budget too small to prove anything, the
// answer is still a valid plan, status "feasible" (or "optimal" if proven),
// with bound <= cost and gap >= 0; without a budget the same problem is
// proven optimal at no better cost.

#include "streams/plan_json.hpp"
#include "streams/plan_solver.hpp"
#include "tests/support/plan_checker.hpp"
#include "tests/support/plan_generator.hpp"

using namespace hems;

namespace {

// Two days with negative-price events: many battery mode decisions, slow to
// prove optimal.
streams::plan_problem hard_problem() {
  testing::problem_mix mix;
  mix.horizon = 192;
  mix.p_ev = 1;
  mix.p_battery = 1;
  mix.p_pv = 1;
  mix.p_negative = 1;
  mix.adversarial_export = true;
  mix.min_shiftables = 4;
  return testing::random_plan_problem(20240601 + 1000003ull * 192 + 69, mix);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_tiny_budget_still_gives_a_valid_plan_with_its_gap) {
  auto p = hard_problem();
  streams::plan_options options;
  options.time_budget_ms = 0.01;
  auto r = streams::solve_plan(p, options);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(!r->optimal);
  BOOST_TEST(r->bound <= r->cost);
  BOOST_TEST(r->gap >= 0);
  auto json = streams::plan_to_json(p, *r);
  auto check = testing::check_plan_json(p, json);
  BOOST_TEST(check.ok(), check.summary());
  BOOST_TEST(check.status == "feasible");
  BOOST_TEST(check.gap.has_value());
  BOOST_TEST(json.find("\"gap\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_tiny_cpu_budget_stops_the_search_the_same_way) {
  auto p = hard_problem();
  streams::plan_options options;
  options.time_budget_ms.reset(); // only the thread's CPU time counts
  options.cpu_budget_ms = 0.01;
  auto r = streams::solve_plan(p, options);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(!r->optimal);
  BOOST_TEST(r->bound <= r->cost);
  auto check = testing::check_plan_json(p, streams::plan_to_json(p, *r));
  BOOST_TEST(check.ok(), check.summary());
  BOOST_TEST(check.status == "feasible");
}

BOOST_AUTO_TEST_CASE(more_time_never_gives_a_worse_plan_and_bounds_stay_valid) {
  auto p = hard_problem();
  streams::plan_options quick, longer;
  quick.time_budget_ms = 1;
  longer.time_budget_ms = 3000;
  auto a = streams::solve_plan(p, quick);
  auto b = streams::solve_plan(p, longer);
  BOOST_REQUIRE(a.has_value());
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(b->cost <= a->cost + 1e-9);
  BOOST_TEST(a->bound <= b->cost + 1e-9); // every bound holds for the best plan found
  BOOST_TEST(b->bound <= b->cost);
}

BOOST_AUTO_TEST_CASE(easy_problems_are_proven_within_any_sensible_budget) {
  testing::problem_mix mix;
  mix.p_negative = 0;
  auto p = testing::random_plan_problem(7, mix);
  streams::plan_options options;
  options.time_budget_ms = 2000;
  auto r = streams::solve_plan(p, options);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->optimal);
  BOOST_TEST(r->gap <= 1e-6);
}

// The plan's `search` field says which search proved the bound and how much
// work each did: a home the fast path proves has no branch-and-bound nodes, a
// hard one shows both.
BOOST_AUTO_TEST_CASE(the_search_field_reports_both_searches_truthfully) {
  testing::problem_mix mix;
  mix.p_negative = 0;
  auto easy = testing::random_plan_problem(7, mix);
  auto r = streams::solve_plan(easy);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->optimal);
  if (r->nodes == 0) {
    BOOST_TEST((r->bound_from == streams::plan_result::bound_source::decomposition));
    BOOST_TEST(r->continuous_solves >= 1);
    BOOST_TEST(r->continuous_programs >= r->continuous_solves);
    BOOST_TEST(r->branch_and_bound_ms == 0);
  }
  BOOST_TEST(r->fast_path_ms <= r->solve_ms);
  auto json = streams::plan_to_json(easy, *r);
  for (const char* key :
       {"\"bound_from\"", "\"fast_path_solves\"", "\"fast_path_programs\"", "\"fast_path_ms\"",
        "\"nodes\"", "\"lp_iterations\"", "\"branch_and_bound_ms\""})
    BOOST_TEST(json.find(key) != std::string::npos, key);

  auto hard = hard_problem();
  streams::plan_options options;
  options.time_budget_ms = 200;
  auto h = streams::solve_plan(hard, options);
  BOOST_REQUIRE(h.has_value());
  BOOST_TEST(h->continuous_solves >= 1);
  BOOST_TEST(h->nodes >= 1);
  BOOST_TEST(h->lp_iterations >= 1);
  BOOST_TEST(h->fast_path_ms + h->branch_and_bound_ms <= h->solve_ms + 1e-9);
}
