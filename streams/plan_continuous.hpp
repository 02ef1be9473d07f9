#pragma once
// The continuous part of a plan problem once every shiftable cycle has its
// start: energy loads (EV, water heater), the battery and the grid, for a
// fixed net load per slot (base load - solar + the cycles). Solved exactly
// without an LP, in three steps:
//
// 1. Energy prices. Each energy load's energy row is dualised with a price
//    λ_e (money per kW-slot): for fixed λ the loads become price takers and
//    the rest is a chain over the battery's state of charge, which
//    soc_program solves exactly (plan_soc_dp.hpp) from per-slot convex
//    curves (plan_slot.hpp). Its value plus λ.E is a lower bound (weak
//    duality).
// 2. The best λ. Kelley's cutting-plane method on that concave bound, i.e.
//    Dantzig-Wolfe from the primal side: a master LP weighs the plans the
//    dynamic program returned so that the energies come out exact, and its
//    prices are the next λ. The plan is that convex combination of DP plans
//    (feasible: every constraint is linear; optimal once the bound meets it).
//    Most problems need 1-4 programs.
// 3. A certificate. Storage values w (the prices of the state-of-charge rows)
//    are read off the DP plan at the best λ, slot by slot; then the
//    Lagrangian bound L(w, λ) is evaluated with plan_slot's φ, independently
//    of the DP. A plan is `optimal` only if its recomputed cost meets that
//    bound. L is also what the search over start slots needs: with the slot
//    prices y_t (subgradients of φ_t), every other net load a' has
//    optimum >= bound + sum_t y_t (a'_t - a_t).
//
// The battery may charge and discharge in one slot where that pays (negative
// prices): the relaxation. A plan that needs it is reported `unproven`.

#include <cstdint>
#include <span>
#include <vector>

#include "streams/plan_problem.hpp"
#include "streams/plan_slot.hpp"
#include "streams/plan_soc_dp.hpp"
#include "streams/small_max_flow.hpp"

namespace hems::streams {

struct continuous_plan {
  enum class verdict {
    optimal,    ///< the plan's cost meets the proven bound
    unproven,   ///< a plan (if `has_plan`) and a bound that do not meet
    infeasible, ///< the dynamic program found no battery path or energy (not proven)
  };
  verdict status = verdict::unproven;
  bool has_plan = false;
  double cost = 0;                             ///< the plan's cost by the contract's formula
  double bound = 0;                            ///< proven: no plan with this net load costs less
  std::vector<double> charge_kw, discharge_kw; ///< per slot; empty without a battery
  /// Per load of the problem: kW per slot for energy loads, empty for others.
  std::vector<std::vector<double>> power_kw;
  /// Per slot: y_t with optimum(a') >= bound + sum_t y_t (a'_t - a_t) for any net load a'.
  std::vector<double> slot_price;
  /// Per slot: the one-sided slopes of the bound at a (slot_price lies
  /// between them). More net load in slot t raises the bound by at least
  /// slope_hi per kW (+infinity: the slot cannot hold more), less lowers it
  /// by at most slope_lo per kW; any y_t in between makes the cut above.
  std::vector<double> slope_lo, slope_hi;
  int programs = 0; ///< dynamic programs run
};

class continuous_solver {
public:
  /// Takes the memory of the last solver destroyed on this thread (a server
  /// planning home after home allocates its scratch once, not per problem).
  explicit continuous_solver(const plan_problem& p);
  ~continuous_solver();
  continuous_solver(const continuous_solver&) = delete;
  continuous_solver& operator=(const continuous_solver&) = delete;

  /// Solves for this net load (kW per slot). Energy prices carry over from
  /// the previous call as the starting point.
  const continuous_plan& solve(std::span<const double> net_kw);

  /// After solve(): the bound's slot terms φ_t (plan_slot.hpp) at the
  /// storage values and energy prices of its certificate, one curve per
  /// slot: bound = (a constant) + sum_t φ_t(a_t), and the same constant plus
  /// sum_t φ_t(a'_t) bounds the optimum for any other net load a'.
  /// (The curves certify() built and evaluated, kept: valid until the next
  /// solve, and only when its bound is finite.)
  const std::vector<convex_curve>& lagrangian_curves() const { return phi_; }

  /// Most dynamic programs one solve() may run (the cutting planes stop
  /// there: the plan may be missing, the bound still holds).
  void set_max_programs(int programs) { max_programs_ = programs; }

  /// Tolerance of `optimal`: cost - bound <= max(absolute, relative * |cost|).
  void set_tolerance(double relative, double absolute) {
    relative_gap_ = relative;
    absolute_gap_ = absolute;
  }

private:
  struct energy_part {
    int load = 0;
    int first = 0, last = 0; // slots [first, last)
    double max_kw = 0;
    double need = 0;                            // kW-slots: energy_kwh / h
    int offset = 0;                             // of its slots in a column's flat power array
    double lowest_level = 0, highest_level = 0; // the grid's prices in its window
  };
  // A plan from one dynamic program: the master LP's column.
  struct column {
    double cost = 0;            // slot costs
    std::vector<double> energy; // per part, kW-slots drawn
    std::vector<double> charge, discharge, power;
  };

  bool run_program(std::span<const double> a, double& lagrangian);
  void allocate(std::span<const double> a, std::span<const std::uint8_t> eager, column& out);
  bool solve_master(std::vector<double>& lambda, double& master_value,
                    std::vector<double>& weights) const;
  void newton_price(int part, std::span<const double> a, const column& reference);
  bool share_ties(std::span<const double> a, double lagrangian, std::vector<double>& weights);
  void set_box(bool improved);
  void storage_values(std::vector<double>& w);
  void initial_prices(std::span<const double> a);
  void certify(std::span<const double> a);
  void active_loads(int t, std::vector<slot_load>& out) const;
  void sort_slot_loads(int t);
  void place_battery(std::span<const double> a);
  continuous_solver() = default; // the thread's spare memory (spare())
  static continuous_solver& spare();
  void take_memory(continuous_solver& from);
  column& new_column();
  void clear_columns();

  const plan_problem* problem_ = nullptr;
  int horizon_ = 0;
  double h_ = 0.25;
  std::vector<slot_prices> prices_;
  bool has_battery_ = false;
  slot_battery battery_;
  soc_limits limits_;
  std::vector<energy_part> parts_;
  std::vector<int> slot_parts_start_, slot_parts_; // energy parts active per slot
  std::vector<int> order_;                         // parts by decreasing λ
  std::vector<double> lambda_;
  std::vector<double> radius_, box_lo_, box_hi_; // the master's trust region (several loads)
  std::vector<double> storage_;                  // storage values of the last program
  std::vector<double> storage_lo_, storage_hi_;  // storage_values' scratch
  std::vector<double> weights_, next_lambda_;    // solve's master weights and next λ
  bool have_lambda_ = false;
  double relative_gap_ = 1e-9, absolute_gap_ = 1e-9;
  double big_price_ = 1;
  int max_programs_ = 40;

  std::vector<column> columns_;
  std::vector<column> spare_columns_; // cleared columns, their memory kept
  // Scratch for one program.
  soc_program dp_;
  convex_curve h_curve_;
  std::vector<double> k_delta_, k_value_;
  std::vector<int> k_start_; // per slot: its curve's points in k_delta_/k_value_
  // The last complete program's net load and λ (its curves are k_*), and the
  // one before it (kept_*), for run_program's reuse.
  std::vector<double> program_a_, program_lambda_, kept_a_;
  std::vector<double> kept_delta_, kept_value_;
  std::vector<int> kept_start_;
  bool program_complete_ = false;
  std::vector<double> path_delta_, path_soc_;
  std::vector<slot_load> loads_;
  // Per program, laid out like slot_parts_: each slot's loads at the
  // program's λ by decreasing value, and their parts. Every allocation of
  // the program reads them instead of sorting again.
  std::vector<slot_load> slot_loads_;
  std::vector<int> slot_load_parts_;
  bool slot_loads_valid_ = false;         // every slot's list sorted at slot_loads_lambda_
  std::vector<double> slot_loads_lambda_; // (certify() reuses them at that λ)
  // Per program: where h is least per slot (for the battery's overlap), and
  // the battery along the program's path, computed once for all columns.
  std::vector<double> h_argmin_, slot_x_, path_charge_, path_discharge_;
  bool battery_placed_ = false;
  std::vector<std::uint8_t> part_ties_;      // the same per load
  std::vector<std::uint64_t> eager_masks_;   // per column of a program: its tied eager loads
  std::vector<std::pair<int, double>> tied_; // share_ties: (part, room) in a slot
  std::vector<std::uint8_t> eager_, slot_eager_;
  struct offer {
    double price, kw;
  };
  std::vector<offer> offers_;
  small_max_flow flow_;
  struct tie_arc {
    int arc, part, slot;
  };
  std::vector<tie_arc> tie_arcs_;
  // share_ties with one energy load: its tied slots (slot, the load's room,
  // the slot's room) and what each takes, without the flow network.
  struct single_tie {
    int slot;
    double load_room, slot_room, flow;
  };
  std::vector<single_tie> single_ties_;
  std::vector<double> draw_;
  // The program at the best λ, for the certificate.
  std::vector<double> best_lambda_;
  std::vector<convex_curve> phi_;          // the certificate's φ_t, per slot
  std::vector<double> phi_w_, phi_lambda_; // the storage values and λ they were built for
  bool phi_complete_ = false;
  continuous_plan out_;
};

} // namespace hems::streams
