#pragma once
// A plan: the decisions that answer a plan problem, and what they cost under
// the contract's rules.

#include <optional>
#include <string>
#include <vector>

#include "streams/plan_problem.hpp"

namespace hems::streams {

/// What the optimizer decides. Indexed like the problem's loads and slots.
struct plan_decisions {
  std::vector<int> starts;                ///< per load: start slot of a shiftable, else -1
  std::vector<std::vector<double>> power; ///< per load: kW per slot of an energy load, else empty
  std::vector<double> charge_kw;          ///< per slot; empty without a battery
  std::vector<double> discharge_kw;       ///< per slot; empty without a battery
};

/// Net grid power per slot (import positive) that the decisions cause.
std::vector<double> grid_power(const plan_problem& p, const plan_decisions& d);

/// The contract's objective: sum_t (import_price*import - export_price*export) * h.
double plan_cost(const plan_problem& p, const std::vector<double>& grid_kw);

/// State of charge at the start of each slot and after the last: horizon + 1 values.
std::vector<double> soc_path(const plan_problem& p, const plan_decisions& d);

/// Why a load runs when it runs, for residents (see plan_explain.hpp).
struct load_explanation {
  std::optional<double> saves; ///< against running as early as it can; none if it could not
  std::string bound_by;        ///< "price", "import_cap", "window" or "solar"
  std::string text;
};

struct plan_result {
  bool optimal = false; ///< proven within the gap tolerance
  double cost = 0;
  double bound = 0; ///< proven lower bound on the optimum
  double gap = 0;   ///< (cost - bound) / max(|cost|, 1e-6)
  plan_decisions decisions;
  std::vector<double> grid_kw;                ///< net grid power per slot
  std::vector<load_explanation> explanations; ///< per load, when asked for
  double solve_ms = 0;
  /// Which search proved `bound` (the better of both when both ran).
  enum class bound_source { decomposition, branch_and_bound };
  bound_source bound_from = bound_source::decomposition;
  int continuous_solves = 0;   ///< fast-path solves (plan_decompose.hpp)
  int continuous_programs = 0; ///< state-of-charge programs run by them
  double fast_path_ms = 0;     ///< time in the fast path
  long nodes = 0;              ///< branch-and-bound nodes (0: the fast path was enough)
  long lp_iterations = 0;      ///< dual simplex iterations in them
  double branch_and_bound_ms = 0;
};

} // namespace hems::streams
