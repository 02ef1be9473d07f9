#pragma once
// Branch and bound over the integer decisions of a plan problem: the start
// slot of each shiftable load and, where export prices are negative, whether
// the battery charges or discharges. Every node is plan_lp with some bounds
// changed, solved by the dual simplex warm-started from its parent.
//
// - Bounds: each node's LP relaxation, taken from lp::dual_simplex::safe_bound
//   so that pruning never relies on solver tolerances.
// - Branching: a battery slot that both charges and discharges (where that
//   pays; the slot where netting the overlap out costs most) is split into
//   its modes first; then a fractional load's start
//   window is split at the mean of its fractional starts (both halves
//   exclude part of the fractional solution).
// - Search order: dive into the child holding more of the fractional
//   solution, then continue from the open node with the lowest bound.
// - Reduced-cost fixing: with a node's row prices y held, forcing a start
//   column from 0 to 1 raises the proven bound by exactly its reduced cost
//   (see lp_simplex.hpp), so a start whose bound plus reduced cost reaches
//   the incumbent is excluded from the node's subtree; a battery mode whose
//   exclusion would cost more than the gap is fixed the same way.
// - Incumbents: integral LP solutions, the rounded root solution, and a
//   local search that moves one load at a time, trying only moves whose
//   reduced cost says they may pay (a move's reduced cost is a proven lower
//   bound on its change, by LP duality).
// - Anytime: with a deadline, the search stops with the best plan found and
//   the lowest bound among open nodes. A first plan is always completed.

#include <chrono>
#include <memory>
#include <vector>

#include "streams/lp_simplex.hpp"
#include "streams/plan.hpp"
#include "streams/plan_model.hpp"

namespace hems::streams {

struct search_limits {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// Stop when hems::thread_cpu_ms() reaches this (infinity: no CPU-time limit).
  double cpu_deadline_ms = std::numeric_limits<double>::infinity();
  bool past_deadline() const {
    return std::chrono::steady_clock::now() >= deadline || past_cpu_deadline(cpu_deadline_ms);
  }
  /// A plan is proven optimal when no open node can beat it by more than
  /// max(absolute_gap, relative_gap * |cost|).
  double relative_gap = 1e-7;
  double absolute_gap = 1e-7;
};

/// Start slots a shiftable load may take in one search, inclusive.
struct start_range {
  int first = 0;
  int last = 0;
};

struct search_outcome {
  enum class verdict { optimal, feasible, infeasible, failed };
  verdict result = verdict::failed;
  double cost = 0;
  double bound = 0;
  plan_decisions best;
  long nodes = 0;
  long iterations = 0;
  /// When the relaxation itself is infeasible: the Farkas row weights.
  std::vector<double> farkas;
  bool relaxation_infeasible = false;
};

class plan_search {
public:
  explicit plan_search(const plan_problem& p);

  /// Searches the whole problem, or with each load's start restricted to
  /// `ranges` (indexed by load; ignored for energy loads). A `seed` plan (it
  /// must keep every rule) is the first incumbent: it prunes from the root on.
  search_outcome run(const search_limits& limits, const std::vector<start_range>* ranges = nullptr,
                     const plan_decisions* seed = nullptr);

  const plan_lp& lp() const { return lp_; }

private:
  struct node {
    std::vector<std::uint8_t> off;  ///< per start column (flat index): excluded here
    std::vector<std::int8_t> modes; ///< per slot: 0 free, 1 charge only, 2 discharge only
    double bound = -std::numeric_limits<double>::infinity();
    std::shared_ptr<lp::dual_simplex::snapshot> basis; ///< where to restart; null: as is
  };
  struct branch_choice {
    int part = -1; ///< shiftable part to split, or -1
    int split = 0; ///< left child keeps starts <= split
    bool left_first = true;
    int slot = -1; ///< battery slot to split, or -1
    bool charge_first = true;
  };

  void apply(const node& n);
  /// Whether the LP solution is a plan; if not, how to branch.
  bool integral(branch_choice& choice) const;
  plan_decisions extract() const;
  double tolerance(double cost) const;
  /// Reduced costs of the start and battery columns under the prices of the
  /// last safe_bound().
  void read_reduced_costs();
  /// Excludes from `n` what its bound plus a reduced cost proves useless.
  /// Returns whether the current LP solution is affected.
  bool fix_by_reduced_cost(node& n, double bound) const;
  /// Solves the LP of `n` and, if it yields a plan, offers it as incumbent.
  void try_plan(const node& n);
  void local_search(const node& base);
  void offer(const plan_decisions& d);
  /// `base` allowing only start pick[i] (index within its part) per part.
  node fixed_starts(const node& base, const std::vector<int>& pick) const;

  const plan_problem& problem_;
  plan_lp lp_;
  lp::dual_simplex simplex_;
  search_limits limits_;
  std::vector<int> part_offset_; ///< flat index of part i's first start column
  std::vector<int> flat_col_;    ///< LP column of each flat start column
  std::vector<std::uint8_t> applied_off_;
  std::vector<std::int8_t> applied_modes_;
  std::vector<double> start_rc_, charge_rc_, discharge_rc_;
  bool have_incumbent_ = false;
  double incumbent_cost_ = std::numeric_limits<double>::infinity();
  plan_decisions incumbent_;
  long nodes_ = 0;
};

} // namespace hems::streams
