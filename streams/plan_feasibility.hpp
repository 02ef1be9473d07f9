#pragma once
// Naming why a plan problem has no feasible plan, in words a resident can act
// on. Cheap checks of one constraint at a time come first (they name exactly
// one load or slot); what only the LP can see is read off its Farkas
// certificate (the rows it combines are the constraints in conflict).

#include <optional>
#include <string>
#include <vector>

#include "streams/plan_model.hpp"
#include "streams/plan_problem.hpp"

namespace hems::streams {

/// A reason the problem is infeasible that one constraint shows on its own,
/// or nothing when these checks find none.
std::optional<std::string> find_infeasibility(const plan_problem& p);

/// The loads, slots and limits a Farkas certificate of plan_lp combines.
std::string explain_infeasible_relaxation(const plan_problem& p, const plan_lp& lp,
                                          const std::vector<double>& farkas);

/// When every relaxation node is feasible but no choice of start slots is.
std::string explain_no_start_combination(const plan_problem& p);

} // namespace hems::streams
