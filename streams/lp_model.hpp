#pragma once
// A linear program in the form the plan optimizer's simplex solves:
//
//   minimise cost^T x  subject to  row_lo <= A x <= row_up,  col_lo <= x <= col_up
//
// with every bound finite (the plan problem bounds every quantity, and boxed
// variables keep any basis dual feasible, see lp_simplex.hpp). A is stored by
// columns; a column is added with its entries before the next one.

#include <cassert>
#include <vector>

namespace hems::streams::lp {

struct model {
  std::vector<double> cost, col_lo, col_up;
  std::vector<int> col_start{0}; ///< entries of column j: [col_start[j], col_start[j+1])
  std::vector<int> row_index;
  std::vector<double> value;
  std::vector<double> row_lo, row_up;

  int rows() const { return static_cast<int>(row_lo.size()); }
  int cols() const { return static_cast<int>(cost.size()); }

  int add_row(double lo, double up) {
    row_lo.push_back(lo);
    row_up.push_back(up);
    return rows() - 1;
  }
  /// Starts a new column; its entries follow with `entry`.
  int add_col(double lo, double up, double c) {
    cost.push_back(c);
    col_lo.push_back(lo);
    col_up.push_back(up);
    col_start.push_back(col_start.back());
    return cols() - 1;
  }
  /// Adds A[row][last column] = v.
  void entry(int row, double v) {
    assert(row >= 0 && row < rows());
    row_index.push_back(row);
    value.push_back(v);
    ++col_start.back();
  }
};

} // namespace hems::streams::lp
