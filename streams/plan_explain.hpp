#pragma once
// Per-load explanations of a plan, for residents.
//
// Baseline: the same plan with only this load moved to run as early as it
// can; everything else (other loads, battery) stays as planned. A shiftable
// load starts at the first slot from its earliest start where it fits under
// the import cap next to the rest of the plan; an energy load draws its
// maximum power (or what the cap leaves) from its earliest start until it has
// its energy. `saves` is the baseline's cost minus the plan's cost.
//
// What bound the choice, checked in this order with the rest of the plan
// fixed:
//   import_cap  a cheaper time inside the window would exceed the import cap
//   window      a time outside the window would be cheaper
//   solar       it runs mostly on solar surplus that would otherwise be exported
//   price       it simply runs when energy is cheapest in its window

#include <vector>

#include "streams/plan.hpp"
#include "streams/plan_problem.hpp"

namespace hems::streams {

std::vector<load_explanation> explain_plan(const plan_problem& p, const plan_decisions& d);

} // namespace hems::streams
