#pragma once
// The plan optimizer's entry point: a checked problem in, the cheapest plan
// out (proven optimal, or the best found within a time budget, with its
// bound), or an infeasibility that names the constraint that cannot hold.
//
// Algorithm: see plan_search.hpp and docs/OPTIMIZER.md.

#include <optional>

#include "core/error.hpp"
#include "streams/plan.hpp"
#include "streams/plan_problem.hpp"

namespace hems::streams {

struct plan_options {
  /// Stop searching after this long and return the best plan found so far
  /// (status feasible, with its bound and gap). A first plan is always
  /// completed, even if that takes longer. None: search until proven, which
  /// for inputs with many negative-price slots can take minutes; the default
  /// keeps a server's worker bounded while typical homes finish in
  /// milliseconds.
  std::optional<double> time_budget_ms = 10'000;
  /// The same in CPU time of the calling thread (on a machine whose cores are
  /// shared, wall time mostly measures the wait for a core). Both may be set;
  /// the first to run out stops the search.
  std::optional<double> cpu_budget_ms;
  /// Optimality tolerance: optimal means no plan is cheaper by more than
  /// max(absolute_gap, relative_gap * |cost|).
  double relative_gap = 1e-7;
  double absolute_gap = 1e-7;
  /// Add per-load explanations (what each load saves and why it runs when).
  bool explain = true;
};

/// Fails with errc::infeasible (detail names the constraint) when no plan
/// satisfies the problem.
result<plan_result> solve_plan(const plan_problem& p, const plan_options& options = {});

} // namespace hems::streams
