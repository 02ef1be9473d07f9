#pragma once
// The exact reference for the plan problem: the contract's MILP, written out
// directly from shared/contracts/plan-problem.md and solved by CBC. Tests and
// benchmarks only; the hems engine never links CBC.

#include <vector>

#include "streams/plan_problem.hpp"

namespace hems::testing {

struct cbc_outcome {
  bool optimal = false;    ///< CBC proved optimality
  bool infeasible = false; ///< CBC proved there is no feasible plan
  double cost = 0;         ///< objective of the best plan found
  double bound = 0;        ///< CBC's best possible objective
  double solve_ms = 0;     ///< wall time of Cbc_solve alone
  double solve_cpu_ms = 0; ///< CPU time of the calling thread in Cbc_solve (threads=1)
  std::vector<int> starts; ///< per load: start slot of shiftable loads, -1 for energy loads
};

/// Where the MILP gets a binary that keeps the battery from charging and
/// discharging in the same slot. The plan carries one net battery power per
/// slot, so the two never overlap. Netting an overlap out keeps the state of
/// charge and lowers the slot's grid power, which never costs more while the
/// export price is >= 0: binaries are only needed where it is negative.
enum class battery_modes { where_export_price_negative, every_slot };

struct cbc_options {
  bool relax_starts = false; ///< shiftable start binaries continuous in [0, 1]
  battery_modes modes = battery_modes::where_export_price_negative;
  double time_limit_s = 300;
  /// CBC's preprocessing, off by default: CBC 2.10 cuts off the true optimum
  /// of some of these models with it (see the .cpp).
  bool preprocess = false;
};

/// Solves the problem as a MILP with a binary per shiftable start.
cbc_outcome solve_with_cbc(const streams::plan_problem& p, const cbc_options& options = {});

} // namespace hems::testing
