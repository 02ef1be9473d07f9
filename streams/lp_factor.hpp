#pragma once
// The simplex basis as a sparse LU factorization plus a product-form eta file.
//
// Plan LPs are time-banded: every column touches rows of one or two adjacent
// slots, except a few rows that sum over a window (energy, start choice). Their
// bases are mostly triangular, so the factorization first takes singletons
// (no fill at all) and runs Markowitz elimination with threshold pivoting only
// on what remains. Basis changes append an eta column (product form); the
// simplex refactorizes after a bounded number of them.
//
// Vectors given to ftran are indexed by row and come back indexed by basis
// position; btran goes the other way.

#include <cstdint>
#include <vector>

namespace hems::streams::lp {

/// Column k of the basis matrix: its nonzero entries (row, value).
struct sparse_column {
  std::vector<int> index;
  std::vector<double> value;
  void clear() {
    index.clear();
    value.clear();
  }
  void push(int i, double v) {
    index.push_back(i);
    value.push_back(v);
  }
};

class basis_factor {
public:
  /// Factorizes the m x m matrix whose column k is columns[k]. Returns true
  /// when it is nonsingular; otherwise singular_positions() / singular_rows()
  /// say which basis positions could not be pivoted and which rows are left,
  /// so that the caller can put logical columns there and try again.
  bool factorize(const std::vector<sparse_column>& columns, int m);
  const std::vector<int>& singular_positions() const { return singular_positions_; }
  const std::vector<int>& singular_rows() const { return singular_rows_; }

  /// Solves B z = a in place: `work` holds a (by row) on entry and z (by
  /// basis position) on exit. `scratch` must have size m.
  void ftran(std::vector<double>& work, std::vector<double>& scratch) const;
  /// Solves B^T y = c in place: `work` holds c (by basis position) on entry
  /// and y (by row) on exit.
  void btran(std::vector<double>& work, std::vector<double>& scratch) const;

  /// Replaces basis position r by a column whose ftran is `alpha`.
  void update(const std::vector<double>& alpha, int r);
  int updates() const { return static_cast<int>(eta_start_.size()) - 1; }
  std::size_t eta_size() const { return eta_index_.size(); }

private:
  int m_ = 0;
  // Pivot k eliminated row pivot_row_[k] with basis position pivot_pos_[k].
  std::vector<int> pivot_row_, pivot_pos_;
  std::vector<double> pivot_value_;
  // L: for pivot k, entries [l_start_[k], l_start_[k+1]) are (row i, multiplier):
  // row i -= multiplier * row pivot_row_[k].
  std::vector<int> l_start_, l_index_;
  std::vector<double> l_value_;
  // The pivots with any L entries, in order: singleton pivots have none, and
  // plan bases are mostly singletons.
  std::vector<int> l_pivots_;
  // U: for pivot k, entries of the pivot row in later pivots' basis positions.
  std::vector<int> u_start_, u_index_;
  std::vector<double> u_value_;
  // U by columns, for ftran: pivot k's column holds entries in the rows of
  // earlier pivots: [u_col_start_[k], u_col_start_[k+1]) as (pivot, value).
  // Back substitution then touches only the columns whose result is nonzero.
  std::vector<int> u_col_start_, u_col_pivot_;
  std::vector<double> u_col_value_;
  // Eta file: eta e pivots on basis position eta_pos_[e] with value
  // eta_pivot_[e] and off-pivot entries [eta_start_[e], eta_start_[e+1]).
  std::vector<int> eta_pos_, eta_start_{0}, eta_index_;
  std::vector<double> eta_pivot_, eta_value_;

  std::vector<int> singular_positions_, singular_rows_;

  // Working storage of the elimination, kept to avoid reallocating.
  std::vector<std::vector<int>> col_rows_;
  std::vector<std::vector<double>> col_vals_;
  std::vector<std::vector<int>> row_cols_;
  std::vector<std::uint8_t> row_done_, col_done_;
  std::vector<int> col_stack_, row_stack_;
  std::vector<int> where_;
};

} // namespace hems::streams::lp
