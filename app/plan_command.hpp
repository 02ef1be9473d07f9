#pragma once
// `hems plan [--budget-ms N] [--no-explain] [FILE | -]`: reads a plan problem
// (from FILE, or stdin when FILE is absent or "-") and prints the plan JSON.
// The search stops after --budget-ms (default 10 s; 0: until proven) with the
// best plan found, its bound and gap (status "feasible"); typical homes are
// proven optimal in milliseconds, but problems with many negative-price slots
// can take long to prove (docs/OPTIMIZER.md).
// Exit status: 0 with a plan; 2 with a JSON error for a malformed or
// infeasible problem or bad arguments; 1 when the file cannot be read or the
// optimizer fails.

#include <istream>
#include <ostream>

namespace hems {

/// argv holds the arguments after the word `plan`.
int run_plan_command(int argc, char** argv, std::ostream& out, std::istream& in);

} // namespace hems
