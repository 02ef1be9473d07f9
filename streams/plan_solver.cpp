#include "streams/plan_solver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "streams/plan_decompose.hpp"
#include "streams/plan_explain.hpp"
#include "streams/plan_feasibility.hpp"
#include "streams/plan_search.hpp"

namespace hems::streams {

result<plan_result> solve_plan(const plan_problem& p, const plan_options& options) {
  auto started = std::chrono::steady_clock::now();
  const double started_cpu_ms = thread_cpu_ms();
  if (auto reason = find_infeasibility(p))
    return fail(errc::infeasible, *reason);

  search_limits limits;
  limits.relative_gap = options.relative_gap;
  limits.absolute_gap = options.absolute_gap;
  if (options.time_budget_ms)
    limits.deadline =
        started + std::chrono::microseconds(static_cast<long long>(*options.time_budget_ms * 1000));
  if (options.cpu_budget_ms)
    limits.cpu_deadline_ms = started_cpu_ms + *options.cpu_budget_ms;
  auto tolerance = [&](double cost) {
    return std::max(limits.absolute_gap, limits.relative_gap * std::abs(cost));
  };

  // The fast path: most homes are proven optimal here without an LP.
  decompose_limits fast;
  fast.relative_gap = limits.relative_gap;
  fast.absolute_gap = limits.absolute_gap;
  fast.deadline = limits.deadline;
  fast.cpu_deadline_ms = limits.cpu_deadline_ms;
  // A program costs O(horizon); a week whose energy prices do not settle in
  // a few programs (several EV sessions against one battery) is proven
  // sooner by the LP, so long horizons get fewer before falling back.
  fast.max_programs = std::clamp(64 * 96 / std::max(p.horizon, 1), 8, 64);
  auto quick = decompose_plan(p, fast);
  auto fast_done = std::chrono::steady_clock::now();
  auto ms_between = [](auto from, auto to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
  };
  auto finish = [&](plan_result r) {
    r.grid_kw = grid_power(p, r.decisions);
    r.cost = plan_cost(p, r.grid_kw);
    r.bound = std::min(r.bound, r.cost);
    r.optimal = r.optimal || r.cost - r.bound <= tolerance(r.cost);
    r.gap = (r.cost - r.bound) / std::max(std::abs(r.cost), 1e-6);
    if (options.explain)
      r.explanations = explain_plan(p, r.decisions);
    r.continuous_solves = quick.solves;
    r.continuous_programs = quick.programs;
    r.fast_path_ms = ms_between(started, fast_done);
    r.solve_ms = ms_between(started, std::chrono::steady_clock::now());
    return r;
  };
  if (quick.optimal) {
    plan_result r;
    r.optimal = true;
    r.decisions = std::move(quick.best);
    r.bound = quick.bound;
    r.bound_from = plan_result::bound_source::decomposition;
    return finish(std::move(r));
  }

  // Branch and bound, seeded with the fast path's plan; both bounds hold.
  plan_search search(p);
  auto outcome = search.run(limits, nullptr, quick.has_plan ? &quick.best : nullptr);

  using verdict = search_outcome::verdict;
  if (outcome.result == verdict::infeasible) {
    if (outcome.relaxation_infeasible)
      return fail(errc::infeasible, explain_infeasible_relaxation(p, search.lp(), outcome.farkas));
    return fail(errc::infeasible, explain_no_start_combination(p));
  }
  if (outcome.result == verdict::failed)
    return fail(errc::internal, "the optimizer found no plan (numerical failure)");

  plan_result r;
  r.optimal = outcome.result == verdict::optimal;
  r.decisions = std::move(outcome.best);
  bool fast_bound_better = quick.has_plan && quick.bound > outcome.bound;
  r.bound = fast_bound_better ? quick.bound : outcome.bound;
  r.bound_from = fast_bound_better ? plan_result::bound_source::decomposition
                                   : plan_result::bound_source::branch_and_bound;
  r.nodes = outcome.nodes;
  r.lp_iterations = outcome.iterations;
  r.branch_and_bound_ms = ms_between(fast_done, std::chrono::steady_clock::now());
  return finish(std::move(r));
}

} // namespace hems::streams
