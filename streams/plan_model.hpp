#pragma once
// The plan problem as one LP: the continuous decisions (import, export,
// battery, energy loads) plus one column per start slot of each shiftable
// load, x in [0, 1] with sum x = 1. Fixing x to 0/1 by bounds gives the LP of
// a plan with those starts; leaving it free gives the relaxation that branch
// and bound refines. Bound changes are all the search ever makes, so one LP
// object, warm-started, serves every node.
//
// Columns per slot t: import u_t in [0, cap], export v_t, charge c_t,
// discharge d_t, state of charge s_t at the end of slot t. Rows:
//   balance_t:  u - v - c + d - sum p - sum profile*x = base - pv      (kW)
//   soc_t:      s_t - s_{t-1} - eta_c h c_t + h/eta_d d_t = 0          (kWh)
//   energy_e:   sum_t p_{e,t} = energy_kwh / h                         (kW slots)
//   start_i:    sum_k x_{i,k} = 1
//   mode_t:     c_t/max_charge + d_t/max_discharge <= 1   where export_price_t < 0
//   room_t:     eta_c h c_t + s_{t-1} <= capacity           (same slots)
//   reserve_t:  h/eta_d d_t - s_{t-1} <= -min_soc           (same slots)
//   source_t:   (1 + def+_t/max_charge) c_t - u_t + sur_t/max_discharge d_t
//                 <= sur_t                                  (same slots)
//               with def+ = max(0, base - pv), sur = max(0, pv - base)
// Cost: import_price_t h u_t - export_price_t h v_t.
//
// The battery may not charge and discharge in the same slot (the plan carries
// one net power per slot). Where export_price_t >= 0, netting an overlap out
// keeps the state of charge and never raises the slot's cost, so nothing is
// needed there; where it is negative, the mode row is the convex hull of the
// two modes and branch and bound decides (plan_search). The room and reserve
// rows hold in either mode (charging alone must fit below the capacity,
// discharging alone above the minimum) and keep the relaxation from burning
// energy through a full or empty battery, which it otherwise does wherever
// consuming pays.
//
// The source row keeps it from burning energy elsewhere too: in one mode the
// battery charges only from import and the solar surplus (c <= u + sur, as
// the loads and the export only take power away; with a deficit the import
// must also cover it: c + def <= u), in the other it does not charge at all.
// Weighting each mode's inequality by its share of the slot (at least
// c/max_charge for charging, d/max_discharge for discharging) gives the row,
// valid for every plan whose battery keeps one direction per slot. The
// relaxation without it charges and discharges at once in every surplus slot
// of a negative-price day (the mode row alone allows half power both ways),
// and branch and bound had to fix those slots one by one.

#include <vector>

#include "streams/lp_model.hpp"
#include "streams/plan_problem.hpp"

namespace hems::streams {

struct plan_lp {
  lp::model model;
  int horizon = 0;
  double h = 0.25;
  // Columns per slot (-1 where there is no battery).
  std::vector<int> import_col, export_col, charge_col, discharge_col, soc_col;
  std::vector<int> balance_row, soc_row;
  std::vector<int> mode_row;              ///< per slot, -1 where the modes need no row
  std::vector<int> room_row, reserve_row; ///< per slot, -1 with mode_row
  std::vector<int> source_row;            ///< per slot, -1 with mode_row
  /// An energy load: p columns for slots first_slot, first_slot+1, ...
  struct energy_part {
    int load = 0;
    int first_slot = 0;
    std::vector<int> cols;
    int row = -1;
  };
  /// A shiftable load: x columns for starts first_start, first_start+1, ...
  struct shiftable_part {
    int load = 0;
    int first_start = 0;
    std::vector<int> cols;
    int row = -1;
  };
  std::vector<energy_part> energy;
  std::vector<shiftable_part> shiftable;
  /// A first basis, one variable per row (see lp::dual_simplex::set_basis):
  /// the grid takes each slot's balance, the state of charge carries over,
  /// each energy load starts in its cheapest slot and each cycle at its
  /// cheapest start by import price.
  std::vector<int> crash_basis;
};

plan_lp build_plan_lp(const plan_problem& p);

} // namespace hems::streams
