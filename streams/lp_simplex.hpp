#pragma once
// A bounded dual simplex for lp::model, built for the plan optimizer's needs:
// many re-solves of one LP after bound changes (branch and bound, fixing start
// slots), each warm-started from a previous basis.
//
// Every variable is boxed, so any basis is dual feasible once each nonbasic
// variable sits at the bound its reduced cost prefers; the solver therefore
// needs no phase 1 and no primal simplex. Pricing is dual steepest edge, the
// ratio test flips bounds (long steps) with Harris' tolerance.
//
// Because the variables are boxed, any row prices y give a valid lower bound
//   L(y) = sum_j min(lo_j d_j, up_j d_j),  d = c - A^T y   (rows as logicals),
// which safe_bound() evaluates: a proven bound that does not rely on the
// solver having converged or on its tolerances.

#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/cpu_time.hpp"
#include "streams/lp_factor.hpp"
#include "streams/lp_model.hpp"

namespace hems::streams::lp {

enum class status {
  optimal,    ///< primal and dual feasible within tolerances
  infeasible, ///< no x satisfies the bounds and rows (a Farkas ray was found)
  cutoff,     ///< proven: the optimum is at least the cutoff
  time_limit, ///< the deadline passed first
  failed,     ///< numerical trouble that refactorizing did not cure
};

struct limits {
  double cutoff = std::numeric_limits<double>::infinity();
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// Stop when hems::thread_cpu_ms() reaches this (infinity: no CPU-time limit).
  double cpu_deadline_ms = std::numeric_limits<double>::infinity();
  long max_iterations = 1'000'000;
};

class dual_simplex {
public:
  /// Keeps a reference to `m`'s matrix; bounds and costs are copied so they
  /// can be changed between solves.
  explicit dual_simplex(const model& m);

  int rows() const { return m_; }
  int cols() const { return n_; }

  /// Starts from the basis made of these variables, one per row: a structural
  /// column j, or n + i for row i's logical. Columns that would make the basis
  /// singular are replaced by logicals.
  void set_basis(const std::vector<int>& basic);

  void set_bounds(int j, double lo, double up);
  double lower(int j) const { return lo_[j]; }
  double upper(int j) const { return up_[j]; }
  void set_row_bounds(int i, double lo, double up) { set_bounds(n_ + i, -up, -lo); }

  status solve(const limits& lim = {});

  /// Value of structural column j (or, for j >= n, minus row j-n's activity).
  double x(int j) const { return x_[j]; }
  double objective() const;
  /// Row prices y of the current basis (fresh from the factorization).
  const std::vector<double>& duals();
  /// Reduced cost of column j under the prices of the last duals() or
  /// safe_bound() call.
  double reduced_cost(int j) const;
  /// The proven lower bound L(duals()) described above.
  double safe_bound();
  /// After `infeasible`: row weights w with w^T A x = w^T s provably outside
  /// the range the bounds allow (a Farkas certificate), one per row.
  const std::vector<double>& farkas() const { return farkas_; }

  long iterations() const { return iterations_; }

  /// Enough to restart from the same place (head and nonbasic bounds).
  struct snapshot {
    std::vector<int> head;
    std::vector<std::uint8_t> state;
    std::vector<double> weights;
  };
  snapshot save() const;
  void restore(const snapshot& s);

private:
  enum : std::uint8_t { basic = 0, at_lower = 1, at_upper = 2 };

  void column(int j, sparse_column& out) const;
  double dot_column(int j, const std::vector<double>& v) const;
  void add_column(int j, double scale, std::vector<double>& v) const;
  bool refactor();
  void compute_primal();
  void apply_moved();
  void compute_pivot_row();
  void compute_duals();
  bool fix_dual_infeasibilities();
  int choose_leaving() const;
  double dual_objective() const;

  const model& model_;
  int m_ = 0, n_ = 0;
  std::vector<double> lo_, up_, cost_, x_, d_;
  std::vector<std::uint8_t> state_;
  std::vector<int> head_, pos_;
  std::vector<double> weight_; ///< dual steepest edge weights per basis position
  basis_factor factor_;
  bool factor_ok_ = false;
  bool primal_dirty_ = true, duals_dirty_ = true;
  // y_ and d_ are exactly what compute_duals() gives for the current basis
  // (no pivot since): safe_bound() reuses them.
  bool duals_fresh_ = false;
  // Nonbasic columns whose bound moved since the last solve, with how far
  // they moved: applied to x_B with one ftran instead of recomputing it.
  std::vector<std::pair<int, double>> moved_;
  long iterations_ = 0;

  // Scratch vectors, sized once.
  std::vector<sparse_column> basis_cols_;
  std::vector<double> rho_, alpha_row_, alpha_col_, tau_, flip_, scratch_, y_;
  std::vector<int> candidates_, flipped_;
  // A by rows, for pivot rows: row i's entries [row_start_[i], row_start_[i+1]).
  std::vector<int> row_start_, row_col_;
  std::vector<double> row_val_;
  // Columns whose pivot row entry this iteration may be nonzero.
  std::vector<int> touched_;
  std::vector<std::uint8_t> is_touched_;
  std::vector<int> rho_nonzeros_;
  std::vector<double> farkas_;
};

} // namespace hems::streams::lp
