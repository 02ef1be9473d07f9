#pragma once
// A fast path for the plan search: decomposition over the cycles' start slots.
//
// For fixed starts the rest of the problem (energy loads, battery, grid) is
// a convex program in the net load a (base - solar + cycles); its optimum
// V(a) is convex in a. continuous_solver (plan_continuous.hpp) solves it
// without an LP and returns a Lagrangian bound L with slot prices y such that
//   V(a') >= L + y . (a' - a)   for every net load a'.
// That cut is separable over the cycles, so its minimum over all start
// combinations is a sum of one minimum per cycle: a proven lower bound on
// the whole problem. A second cut from the same solve keeps the slot terms
// of the bound exact per cycle (convex increments from the base load are
// superadditive), so it sees each cycle's kinks: solar surplus used up, the
// import cap.
//
// Phase 1 evaluates a first guess (cycles where the grid's price is lowest)
// and the moves each better plan's cut ranks best. Phase 2 is a branch and
// bound over start windows whose box bounds are the best of all cuts'
// minima over the box. It stops as soon as the best plan meets the bound,
// or when its work budget runs out; then the caller falls back to branch
// and bound on the LP, seeded with the best plan and bound found here. The
// usual reasons: cycles that compete for the same cheap slots beyond what
// the cuts see, and batteries whose relaxation here overlaps charge and
// discharge at negative export prices.

#include <chrono>
#include <limits>

#include "streams/plan.hpp"
#include "streams/plan_problem.hpp"

namespace hems::streams {

struct decompose_limits {
  double relative_gap = 1e-7;
  double absolute_gap = 1e-7;
  int max_solves = 48; ///< continuous solves before giving up
  /// Dynamic programs (the unit of work of a solve, O(slots)) before giving
  /// up: past this, branch and bound is the cheaper way to a proof.
  int max_programs = 64;
  /// Boxes of the window search examined before giving up.
  int max_boxes = 400;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// Stop when hems::thread_cpu_ms() reaches this (infinity: no CPU-time limit).
  double cpu_deadline_ms = std::numeric_limits<double>::infinity();
};

struct decompose_outcome {
  bool has_plan = false;
  bool optimal = false; ///< cost - bound within the gap tolerance
  double cost = 0;
  double bound = -1e300; ///< proven lower bound on every plan's cost
  plan_decisions best;
  int solves = 0;   ///< continuous solves
  int programs = 0; ///< dynamic programs run by them
};

decompose_outcome decompose_plan(const plan_problem& p, const decompose_limits& limits);

} // namespace hems::streams
