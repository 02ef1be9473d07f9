#include "streams/lp_factor.hpp"

#include <cmath>
#include <limits>

namespace hems::streams::lp {

namespace {

// Entries smaller than this are not pivots: the basis is treated as singular.
constexpr double tiny_pivot = 1e-11;
// Threshold partial pivoting: a pivot must be at least this share of the
// largest entry of its column (Markowitz) ...
constexpr double markowitz_threshold = 0.1;
// ... and a row singleton at least this share (it causes no fill, so a lower
// bar pays off).
constexpr double singleton_threshold = 0.01;
// Entries of an eta column below this are dropped.
constexpr double eta_drop = 1e-14;

template <class T> void remove_at(std::vector<T>& v, std::size_t k) {
  v[k] = v.back();
  v.pop_back();
}

} // namespace

bool basis_factor::factorize(const std::vector<sparse_column>& columns, int m) {
  m_ = m;
  pivot_row_.clear();
  pivot_pos_.clear();
  pivot_value_.clear();
  l_start_.assign(1, 0);
  l_index_.clear();
  l_value_.clear();
  u_start_.assign(1, 0);
  u_index_.clear();
  u_value_.clear();
  eta_pos_.clear();
  eta_start_.assign(1, 0);
  eta_index_.clear();
  eta_pivot_.clear();
  eta_value_.clear();
  singular_positions_.clear();
  singular_rows_.clear();

  col_rows_.resize(m);
  col_vals_.resize(m);
  row_cols_.resize(m);
  for (int k = 0; k < m; ++k) {
    col_rows_[k].clear();
    col_vals_[k].clear();
    row_cols_[k].clear();
  }
  for (int k = 0; k < m; ++k) {
    const auto& col = columns[k];
    for (std::size_t e = 0; e < col.index.size(); ++e) {
      if (col.value[e] == 0)
        continue;
      col_rows_[k].push_back(col.index[e]);
      col_vals_[k].push_back(col.value[e]);
      row_cols_[col.index[e]].push_back(k);
    }
  }
  row_done_.assign(m, 0);
  col_done_.assign(m, 0);
  col_stack_.clear();
  row_stack_.clear();
  for (int k = 0; k < m; ++k)
    if (col_rows_[k].size() == 1)
      col_stack_.push_back(k);
  for (int i = 0; i < m; ++i)
    if (row_cols_[i].size() == 1)
      row_stack_.push_back(i);

  std::vector<int>& where = where_; // position of a row inside the column being updated
  where.assign(m, -1);
  std::vector<double> u_row_values;

  for (int done = 0; done < m; ++done) {
    int r = -1, c = -1;
    // 1. Column singletons: no multipliers, no fill.
    while (c < 0 && !col_stack_.empty()) {
      int k = col_stack_.back();
      col_stack_.pop_back();
      if (!col_done_[k] && col_rows_[k].size() == 1 && std::abs(col_vals_[k][0]) > tiny_pivot) {
        c = k;
        r = col_rows_[k][0];
      }
    }
    // 2. Row singletons: multipliers, but still no fill.
    while (c < 0 && !row_stack_.empty()) {
      int i = row_stack_.back();
      row_stack_.pop_back();
      if (row_done_[i] || row_cols_[i].size() != 1)
        continue;
      int k = row_cols_[i][0];
      double pivot = 0, largest = 0;
      for (std::size_t e = 0; e < col_rows_[k].size(); ++e) {
        largest = std::max(largest, std::abs(col_vals_[k][e]));
        if (col_rows_[k][e] == i)
          pivot = std::abs(col_vals_[k][e]);
      }
      if (pivot > tiny_pivot && pivot >= singleton_threshold * largest) {
        c = k;
        r = i;
      }
    }
    // 3. Markowitz: the entry minimising (row count - 1) * (column count - 1)
    //    among those large enough within their column.
    if (c < 0) {
      // Cost 1 (two entries in both row and column) is as good as it gets
      // once singletons are gone; take the first such pivot.
      long best = std::numeric_limits<long>::max();
      for (int k = 0; k < m && best > 1; ++k) {
        if (col_done_[k] || col_rows_[k].empty())
          continue;
        long col_count = static_cast<long>(col_rows_[k].size()) - 1;
        if (col_count * 1 >= best && best != std::numeric_limits<long>::max())
          continue;
        double largest = 0;
        for (double v : col_vals_[k])
          largest = std::max(largest, std::abs(v));
        for (std::size_t e = 0; e < col_rows_[k].size(); ++e) {
          double a = std::abs(col_vals_[k][e]);
          if (a <= tiny_pivot || a < markowitz_threshold * largest)
            continue;
          long cost = (static_cast<long>(row_cols_[col_rows_[k][e]].size()) - 1) * col_count;
          if (cost < best) {
            best = cost;
            c = k;
            r = col_rows_[k][e];
          }
        }
      }
    }
    if (c < 0)
      break; // what remains is singular

    // Eliminate with pivot (r, c).
    auto& prow = col_rows_[c];
    auto& pval = col_vals_[c];
    double pivot = 0;
    for (std::size_t e = 0; e < prow.size(); ++e)
      if (prow[e] == r)
        pivot = pval[e];
    pivot_row_.push_back(r);
    pivot_pos_.push_back(c);
    pivot_value_.push_back(pivot);
    std::size_t l_first = l_index_.size();
    for (std::size_t e = 0; e < prow.size(); ++e)
      if (prow[e] != r) {
        l_index_.push_back(prow[e]);
        l_value_.push_back(pval[e] / pivot);
      }
    std::size_t l_last = l_index_.size();

    // The pivot row's other entries become U; take them out of their columns.
    std::size_t u_first = u_index_.size();
    for (int j : row_cols_[r]) {
      if (j == c)
        continue;
      auto& rows = col_rows_[j];
      auto& vals = col_vals_[j];
      for (std::size_t e = 0; e < rows.size(); ++e)
        if (rows[e] == r) {
          u_index_.push_back(j);
          u_value_.push_back(vals[e]);
          remove_at(rows, e);
          remove_at(vals, e);
          break;
        }
    }
    std::size_t u_last = u_index_.size();

    // Schur complement: a_ij -= l_i * u_j (fill where a_ij was zero).
    if (l_first != l_last) {
      for (std::size_t ue = u_first; ue < u_last; ++ue) {
        int j = u_index_[ue];
        double uj = u_value_[ue];
        auto& rows = col_rows_[j];
        auto& vals = col_vals_[j];
        for (std::size_t e = 0; e < rows.size(); ++e)
          where[rows[e]] = static_cast<int>(e);
        for (std::size_t le = l_first; le < l_last; ++le) {
          int i = l_index_[le];
          double delta = -l_value_[le] * uj;
          if (where[i] >= 0) {
            vals[where[i]] += delta;
          } else {
            where[i] = static_cast<int>(rows.size());
            rows.push_back(i);
            vals.push_back(delta);
            row_cols_[i].push_back(j);
          }
        }
        for (int i : rows)
          where[i] = -1;
      }
    }
    for (std::size_t ue = u_first; ue < u_last; ++ue)
      if (col_rows_[u_index_[ue]].size() == 1)
        col_stack_.push_back(u_index_[ue]);

    // The pivot column leaves every other row.
    for (std::size_t e = 0; e < prow.size(); ++e) {
      int i = prow[e];
      if (i == r)
        continue;
      auto& cols = row_cols_[i];
      for (std::size_t f = 0; f < cols.size(); ++f)
        if (cols[f] == c) {
          remove_at(cols, f);
          break;
        }
      if (cols.size() == 1)
        row_stack_.push_back(i);
    }
    prow.clear();
    pval.clear();
    row_cols_[r].clear();
    row_done_[r] = 1;
    col_done_[c] = 1;
    l_start_.push_back(static_cast<int>(l_index_.size()));
    u_start_.push_back(static_cast<int>(u_index_.size()));
  }

  l_pivots_.clear();
  for (int k = 0; k + 1 < static_cast<int>(l_start_.size()); ++k)
    if (l_start_[k + 1] > l_start_[k])
      l_pivots_.push_back(k);

  if (static_cast<int>(pivot_row_.size()) == m) {
    // U by columns: pivot k's column gathers the entries U rows hold in its
    // basis position.
    std::vector<int>& pivot_of = where; // reuse: basis position -> pivot
    for (int k = 0; k < m; ++k)
      pivot_of[pivot_pos_[k]] = k;
    u_col_start_.assign(m + 1, 0);
    for (int e : u_index_)
      ++u_col_start_[pivot_of[e] + 1];
    for (int k = 0; k < m; ++k)
      u_col_start_[k + 1] += u_col_start_[k];
    u_col_pivot_.resize(u_index_.size());
    u_col_value_.resize(u_index_.size());
    std::vector<int> fill(u_col_start_.begin(), u_col_start_.end() - 1);
    for (int k = 0; k < m; ++k)
      for (int e = u_start_[k]; e < u_start_[k + 1]; ++e) {
        int slot = fill[pivot_of[u_index_[e]]]++;
        u_col_pivot_[slot] = k;
        u_col_value_[slot] = u_value_[e];
      }
  }

  if (static_cast<int>(pivot_row_.size()) < m) {
    for (int k = 0; k < m; ++k)
      if (!col_done_[k])
        singular_positions_.push_back(k);
    for (int i = 0; i < m; ++i)
      if (!row_done_[i])
        singular_rows_.push_back(i);
    return false;
  }
  return true;
}

void basis_factor::ftran(std::vector<double>& work, std::vector<double>& scratch) const {
  const int m = m_;
  for (int k : l_pivots_) {
    double v = work[pivot_row_[k]];
    if (v == 0)
      continue;
    for (int e = l_start_[k]; e < l_start_[k + 1]; ++e)
      work[l_index_[e]] -= l_value_[e] * v;
  }
  for (int k = m - 1; k >= 0; --k) {
    double v = work[pivot_row_[k]];
    if (v == 0) {
      scratch[pivot_pos_[k]] = 0;
      continue;
    }
    double z = v / pivot_value_[k];
    scratch[pivot_pos_[k]] = z;
    for (int e = u_col_start_[k]; e < u_col_start_[k + 1]; ++e)
      work[pivot_row_[u_col_pivot_[e]]] -= u_col_value_[e] * z;
  }
  const int etas = static_cast<int>(eta_pos_.size());
  for (int e = 0; e < etas; ++e) {
    int p = eta_pos_[e];
    double zp = scratch[p] / eta_pivot_[e];
    scratch[p] = zp;
    if (zp == 0)
      continue;
    for (int f = eta_start_[e]; f < eta_start_[e + 1]; ++f)
      scratch[eta_index_[f]] -= eta_value_[f] * zp;
  }
  work.swap(scratch);
}

void basis_factor::btran(std::vector<double>& work, std::vector<double>& scratch) const {
  const int m = m_;
  for (int e = static_cast<int>(eta_pos_.size()) - 1; e >= 0; --e) {
    int p = eta_pos_[e];
    double s = work[p];
    for (int f = eta_start_[e]; f < eta_start_[e + 1]; ++f)
      s -= eta_value_[f] * work[eta_index_[f]];
    work[p] = s / eta_pivot_[e];
  }
  for (int k = 0; k < m; ++k) {
    double w = work[pivot_pos_[k]] / pivot_value_[k];
    scratch[pivot_row_[k]] = w;
    if (w == 0)
      continue;
    for (int e = u_start_[k]; e < u_start_[k + 1]; ++e)
      work[u_index_[e]] -= u_value_[e] * w;
  }
  for (auto it = l_pivots_.rbegin(); it != l_pivots_.rend(); ++it) {
    int k = *it;
    double s = scratch[pivot_row_[k]];
    for (int e = l_start_[k]; e < l_start_[k + 1]; ++e)
      s -= l_value_[e] * scratch[l_index_[e]];
    scratch[pivot_row_[k]] = s;
  }
  work.swap(scratch);
}

void basis_factor::update(const std::vector<double>& alpha, int r) {
  eta_pos_.push_back(r);
  eta_pivot_.push_back(alpha[r]);
  for (int i = 0; i < m_; ++i)
    if (i != r && std::abs(alpha[i]) > eta_drop) {
      eta_index_.push_back(i);
      eta_value_.push_back(alpha[i]);
    }
  eta_start_.push_back(static_cast<int>(eta_index_.size()));
}

} // namespace hems::streams::lp
