#pragma once
// An independent check of a plan as printed (the JSON text): it re-derives
// every quantity from the plan's decisions with its own code (nothing shared
// with the optimizer but the problem reader) and checks every constraint of
// the contract within 1e-6 kW / 1e-6 kWh.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streams/plan_problem.hpp"

namespace hems::testing {

struct plan_check {
  std::vector<std::string> violations; ///< empty when the plan is feasible and consistent
  double cost = 0;                     ///< recomputed from the decisions
  std::string status;                  ///< "optimal" or "feasible" as printed
  double reported_cost = 0;
  std::optional<double> bound, gap;
  std::vector<int> starts; ///< per load, -1 for energy loads

  bool ok() const { return violations.empty(); }
  std::string summary() const;
};

plan_check check_plan_json(const streams::plan_problem& p, std::string_view plan_json);

/// The contract's acceptance rule against a reference optimum C.
inline bool cost_matches(double cost, double reference) {
  double diff = cost - reference;
  return (diff < 0 ? -diff : diff) <= 0.001 * (reference < 0 ? -reference : reference) + 1e-6;
}

} // namespace hems::testing
