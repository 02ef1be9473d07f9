#pragma once
// Coordinated planning for many homes that share a tariff (or an event).
//
// Every home optimizing alone against the same time-of-use prices moves its
// EV, water heater and dishwasher into the first cheap slot: the fleet makes
// a new peak exactly where the tariff wanted load. The coordinator keeps each
// home's own optimizer (streams/plan_solver) and changes only the prices it
// sees, in two ways (docs/FLEET.md):
//
//  1. Valley filling. Homes are planned one after the other (Gauss-Seidel
//     best response, `passes` sweeps); home i sees
//         price_t + valley_weight * others_t / homes
//     where others_t is the fleet's planned load without home i. Among slots
//     of equal price a home takes the emptiest, so the cheap period fills
//     evenly instead of spiking at its start. The weight is small against the
//     tariff's steps, so a load never moves into a dearer period for it:
//     residents pay (almost exactly) what they would alone.
//  2. A feeder limit. Where the planned total still exceeds `feeder_limit_kw`,
//     a per-slot surcharge (a Lagrange multiplier of the limit, raised by
//     dual ascent) is added and the homes planned again, up to
//     `feeder_rounds` times: loads leave the overloaded slots for the next
//     cheapest ones, paying what that costs.
//
// Costs are always measured at the real prices. Plain C++: the bench, a unit
// test and (later) the optimizer actors use the same functions.

#include <optional>
#include <vector>

#include "streams/plan_problem.hpp"
#include "streams/plan_solver.hpp"

namespace hems::streams {

struct coordination_options {
  int passes = 2; ///< sweeps over the homes
  /// Currency per kWh added per kW of the others' average per-home load.
  double valley_weight = 0.01;
  std::optional<double> feeder_limit_kw; ///< the aggregate must stay at or below
  int feeder_rounds = 4;
  plan_options solve = default_solve_options();

  static plan_options default_solve_options();
};

/// What a fleet's plans add up to.
struct fleet_plan {
  std::vector<std::vector<double>> home_grid_kw; ///< per home, net grid kW per slot
  std::vector<double> total_kw;                  ///< the fleet's load per slot
  std::vector<double> surcharge;                 ///< the feeder limit's price per slot (may be 0)
  double peak_kw = 0;                            ///< highest slot of total_kw
  double cost = 0;                               ///< every home's cost at its real prices
  long solves = 0;
  long failures = 0;        ///< homes whose plan failed (kept at their previous plan)
  bool within_limit = true; ///< the feeder limit holds (true without one)
};

/// Every home plans alone (the peer the coordinator is measured against).
/// Homes must share horizon and slot length.
fleet_plan plan_alone(const std::vector<plan_problem>& homes, const plan_options& solve);

/// The coordinated plans (see the top of this file).
fleet_plan coordinate(const std::vector<plan_problem>& homes, const coordination_options& options);

/// The highest value of a series (0 when empty).
double peak_of(const std::vector<double>& kw);

} // namespace hems::streams
