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
  long nodes = 0;
  long lp_iterations = 0;
  int continuous_solves = 0; ///< fast-path solves (plan_decompose.hpp)
};

} // namespace hems::streams
