#pragma once
// A home's plan from what the home knows: the horizon (now on the 15-minute
// grid, 48 h), the prices of the tariff valid at each slot (demand-response
// events add their price), the base-load forecast (a flat standby where there
// is none), the import cap, and the schedules' run requests placed outside
// the blocked intervals and the preferences' peak hours. It builds contract
// plan problems (plan_problem.hpp), solves them with the plan optimizer, and
// answers what GET /plan shows and what the scheduler fires.
//
// The contract gives a shiftable load one window (earliest start, latest
// finish); a blocked hour inside it splits the allowed starts into ranges.
// Each range becomes the load's window in a problem of its own; when there
// are few combinations every one is solved and the cheapest wins, else each
// load keeps the range holding its cheapest start. Either way no planned
// start can fall in a blocked slot: the windows exclude them by construction.

#include <optional>
#include <string>
#include <vector>

#include "streams/automation_types.hpp"
#include "streams/forecast.hpp"
#include "streams/plan_problem.hpp"
#include "streams/preferences.hpp"
#include "streams/tariff.hpp"

namespace hems::streams {

/// A demand-response event as the plan sees it: import costs `price_adder`
/// more per kWh inside it (streams/dr_event.hpp is the event itself).
struct dr_price_signal {
  std::string id;
  millis from_ms = 0;
  millis to_ms = 0;
  double price_adder = 0;
  friend bool operator==(const dr_price_signal&, const dr_price_signal&) = default;
};

/// An interruptible load (an EV's charge, a water heater's reheat): this much
/// energy between two times at up to `max_w`. A contract `energy` load; it
/// draws only inside one run of unblocked slots (the contract gives a load
/// one window), the cheapest that can hold its energy.
struct energy_request {
  std::string id;
  std::string device;
  millis earliest_ms = 0;
  millis deadline_ms = 0;
  double energy_wh = 0;
  double max_w = 0;
};

struct home_plan_inputs {
  std::string home;
  millis now = 0;
  local_zone zone;
  home_tariff tariff;
  home_preferences preferences;
  std::optional<load_forecast> forecast; ///< base load; none: `standby_kw` throughout
  automation_inputs automation;
  std::vector<energy_request> energy;
  std::vector<dr_price_signal> dr_events;
  double standby_kw = 0.3;
  int horizon = 192;
  millis slot_ms = 15 * minute_ms;
  /// Above this many window combinations only the greedy choice is solved.
  int max_combinations = 16;
  double time_budget_ms = 2'000; ///< per solve
};

/// A placed load. For an energy request, `run` carries its id, device,
/// window and maximum power, and start/end span the slots it draws in.
struct planned_load {
  run_request run;
  bool interruptible = false;
  millis start_ms = 0;
  millis end_ms = 0;
  double energy_wh = 0;
  double cost = 0;   ///< what its energy costs where it runs
  double saving = 0; ///< against starting at its earliest (no automation)
  std::string bound_by;
  std::string explanation;
};

/// A run request the plan could not place, and why.
struct unplaced_load {
  run_request run;
  std::string reason;
};

struct home_plan {
  std::string home;
  millis computed_ms = 0;
  millis from = 0;
  millis slot_ms = 15 * minute_ms;
  std::string currency = "EUR";
  std::vector<double> import_prices;
  std::vector<double> export_prices;
  std::vector<double> base_load_w;
  std::vector<planned_load> loads;
  std::vector<unplaced_load> unplaced;
  double expected_cost = 0;       ///< the whole home over the horizon, base load included
  double savings = 0;             ///< sum of the loads' savings
  std::string status = "optimal"; ///< optimal, feasible, or empty (nothing to place)
  double gap = 0;
  std::vector<std::string> notes; ///< e.g. the import cap could not hold
};

/// The horizon's first slot: `now` down to the slot grid.
millis plan_start(millis now, millis slot_ms);

/// Whether a load's start at `t` is forbidden: inside a blocked interval
/// (for every device or this one) or inside the preferences' peak hours.
bool start_blocked(const home_plan_inputs& in, const std::string& device, millis t);

/// The contract problem without loads: prices, base load, import cap.
plan_problem base_problem(const home_plan_inputs& in);

/// Plans the home (never fails: what cannot be placed is listed as unplaced).
home_plan plan_home(const home_plan_inputs& in);

/// What the scheduler fires: the cycles (energy loads are in GET /plan only).
std::vector<planned_start> planned_starts(const home_plan& plan);

/// GET /plan's answer (docs/AUTOMATION.md).
std::string home_plan_json(const home_plan& plan);

/// "dishwasher moved to 01:15, saves 0.42 EUR" for loads whose start is new
/// or moved since `previous` (empty when nothing changed).
std::vector<planned_load> moved_loads(const home_plan& plan,
                                      const std::vector<planned_start>& previous);

} // namespace hems::streams
