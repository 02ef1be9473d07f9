#include "streams/lp_simplex.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace hems::streams::lp {

namespace {

constexpr double primal_tol = 1e-9; // bound violation accepted as feasible
constexpr double dual_tol = 1e-9;   // reduced cost of the wrong sign accepted
constexpr double pivot_tol = 1e-9;  // smallest pivot row entry a ratio test takes
constexpr int refactor_every = 30;  // eta columns before a fresh factorization
constexpr double min_weight = 1e-8;

} // namespace

dual_simplex::dual_simplex(const model& m) : model_(m), m_(m.rows()), n_(m.cols()) {
  const int total = n_ + m_;
  lo_.resize(total);
  up_.resize(total);
  cost_.assign(total, 0.0);
  for (int j = 0; j < n_; ++j) {
    lo_[j] = m.col_lo[j];
    up_[j] = m.col_up[j];
    cost_[j] = m.cost[j];
  }
  // Row i's logical s_i = -(A x)_i, so that A x + s = 0 and the basis of
  // logicals is the identity.
  for (int i = 0; i < m_; ++i) {
    lo_[n_ + i] = -m.row_up[i];
    up_[n_ + i] = -m.row_lo[i];
  }
  x_.assign(total, 0.0);
  d_.assign(total, 0.0);
  state_.assign(total, at_lower);
  pos_.assign(total, -1);
  head_.resize(m_);
  for (int i = 0; i < m_; ++i) {
    head_[i] = n_ + i;
    pos_[n_ + i] = i;
    state_[n_ + i] = basic;
  }
  weight_.assign(m_, 1.0);
  basis_cols_.resize(m_);
  rho_.assign(m_, 0.0);
  alpha_col_.assign(m_, 0.0);
  tau_.assign(m_, 0.0);
  flip_.assign(m_, 0.0);
  scratch_.assign(m_, 0.0);
  y_.assign(m_, 0.0);
  alpha_row_.assign(total, 0.0);
  is_touched_.assign(total, 0);
  row_start_.assign(m_ + 1, 0);
  for (int e = 0; e < m.col_start[n_]; ++e)
    ++row_start_[m.row_index[e] + 1];
  for (int i = 0; i < m_; ++i)
    row_start_[i + 1] += row_start_[i];
  row_col_.resize(row_start_[m_]);
  row_val_.resize(row_start_[m_]);
  std::vector<int> fill(row_start_.begin(), row_start_.end() - 1);
  for (int j = 0; j < n_; ++j)
    for (int e = m.col_start[j]; e < m.col_start[j + 1]; ++e) {
      int slot = fill[m.row_index[e]]++;
      row_col_[slot] = j;
      row_val_[slot] = m.value[e];
    }
}

void dual_simplex::column(int j, sparse_column& out) const {
  out.clear();
  if (j >= n_) {
    out.push(j - n_, 1.0);
    return;
  }
  for (int e = model_.col_start[j]; e < model_.col_start[j + 1]; ++e)
    out.push(model_.row_index[e], model_.value[e]);
}

double dual_simplex::dot_column(int j, const std::vector<double>& v) const {
  if (j >= n_)
    return v[j - n_];
  double s = 0;
  for (int e = model_.col_start[j]; e < model_.col_start[j + 1]; ++e)
    s += model_.value[e] * v[model_.row_index[e]];
  return s;
}

void dual_simplex::add_column(int j, double scale, std::vector<double>& v) const {
  if (j >= n_) {
    v[j - n_] += scale;
    return;
  }
  for (int e = model_.col_start[j]; e < model_.col_start[j + 1]; ++e)
    v[model_.row_index[e]] += scale * model_.value[e];
}

void dual_simplex::set_basis(const std::vector<int>& basic_vars) {
  std::fill(pos_.begin(), pos_.end(), -1);
  for (auto& s : state_)
    s = at_lower;
  for (int k = 0; k < m_; ++k) {
    head_[k] = basic_vars[k];
    pos_[head_[k]] = k;
    state_[head_[k]] = basic;
  }
  std::fill(weight_.begin(), weight_.end(), 1.0);
  factor_ok_ = false;
  primal_dirty_ = duals_dirty_ = true;
  duals_fresh_ = false;
}

void dual_simplex::set_bounds(int j, double lo, double up) {
  bool was_fixed = lo_[j] == up_[j];
  lo_[j] = lo;
  up_[j] = up;
  if (state_[j] == basic)
    return; // only its feasibility changes, which the next solve sees
  if (was_fixed && lo < up)
    duals_dirty_ = true; // reduced costs of fixed columns are not kept up to date
  if (lo == up)
    state_[j] = at_lower;
  double before = x_[j];
  x_[j] = state_[j] == at_upper ? up : lo;
  if (!primal_dirty_ && x_[j] != before)
    moved_.emplace_back(j, x_[j] - before);
}

bool dual_simplex::refactor() {
  duals_fresh_ = false; // a new factorization's prices may differ in the last bits
  for (int attempt = 0; attempt < 3; ++attempt) {
    for (int k = 0; k < m_; ++k)
      column(head_[k], basis_cols_[k]);
    if (factor_.factorize(basis_cols_, m_)) {
      factor_ok_ = true;
      return true;
    }
    // Put the logicals of the rows left over where the elimination got stuck.
    const auto& positions = factor_.singular_positions();
    const auto& rows = factor_.singular_rows();
    for (std::size_t e = 0; e < positions.size() && e < rows.size(); ++e) {
      int k = positions[e];
      int old = head_[k];
      pos_[old] = -1;
      state_[old] = at_lower;
      head_[k] = n_ + rows[e];
      pos_[n_ + rows[e]] = k;
      state_[n_ + rows[e]] = basic;
      weight_[k] = 1.0;
    }
    primal_dirty_ = duals_dirty_ = true;
  }
  factor_ok_ = false;
  return false;
}

void dual_simplex::compute_primal() {
  moved_.clear();
  std::fill(flip_.begin(), flip_.end(), 0.0);
  const int total = n_ + m_;
  for (int j = 0; j < total; ++j) {
    if (state_[j] == basic)
      continue;
    x_[j] = state_[j] == at_upper ? up_[j] : lo_[j];
    if (x_[j] != 0)
      add_column(j, -x_[j], flip_);
  }
  factor_.ftran(flip_, scratch_);
  for (int k = 0; k < m_; ++k)
    x_[head_[k]] = flip_[k];
  primal_dirty_ = false;
}

void dual_simplex::apply_moved() {
  if (moved_.empty())
    return;
  std::fill(flip_.begin(), flip_.end(), 0.0);
  for (auto [j, delta] : moved_)
    add_column(j, -delta, flip_);
  moved_.clear();
  factor_.ftran(flip_, scratch_);
  for (int k = 0; k < m_; ++k)
    x_[head_[k]] += flip_[k];
}

void dual_simplex::compute_pivot_row() {
  // alpha_j = rho^T a_j, summed over the rows where rho is nonzero (rho is
  // sparse: plan bases are nearly triangular).
  touched_.clear();
  rho_nonzeros_.clear();
  for (int i = 0; i < m_; ++i)
    if (rho_[i] != 0)
      rho_nonzeros_.push_back(i);
  for (int i : rho_nonzeros_) {
    double r = rho_[i];
    int logical = n_ + i;
    if (!is_touched_[logical]) {
      is_touched_[logical] = 1;
      touched_.push_back(logical);
    }
    alpha_row_[logical] += r;
    for (int e = row_start_[i]; e < row_start_[i + 1]; ++e) {
      int j = row_col_[e];
      if (!is_touched_[j]) {
        is_touched_[j] = 1;
        touched_.push_back(j);
      }
      alpha_row_[j] += r * row_val_[e];
    }
  }
}

void dual_simplex::compute_duals() {
  for (int k = 0; k < m_; ++k)
    y_[k] = cost_[head_[k]];
  factor_.btran(y_, scratch_);
  const int total = n_ + m_;
  for (int j = 0; j < total; ++j)
    d_[j] = state_[j] == basic ? 0.0 : cost_[j] - dot_column(j, y_);
  duals_dirty_ = false;
  duals_fresh_ = true;
}

bool dual_simplex::fix_dual_infeasibilities() {
  bool flipped = false;
  const int total = n_ + m_;
  for (int j = 0; j < total; ++j) {
    if (state_[j] == basic)
      continue;
    if (lo_[j] == up_[j]) {
      state_[j] = at_lower;
      continue;
    }
    if (state_[j] == at_lower && d_[j] < -dual_tol) {
      state_[j] = at_upper;
      flipped = true;
    } else if (state_[j] == at_upper && d_[j] > dual_tol) {
      state_[j] = at_lower;
      flipped = true;
    }
  }
  if (flipped)
    primal_dirty_ = true;
  return flipped;
}

int dual_simplex::choose_leaving() const {
  int best = -1;
  double best_score = 0;
  for (int k = 0; k < m_; ++k) {
    int j = head_[k];
    double infeasibility = 0;
    if (x_[j] < lo_[j] - primal_tol)
      infeasibility = lo_[j] - x_[j];
    else if (x_[j] > up_[j] + primal_tol)
      infeasibility = x_[j] - up_[j];
    else
      continue;
    double score = infeasibility * infeasibility / weight_[k];
    if (score > best_score) {
      best_score = score;
      best = k;
    }
  }
  return best;
}

double dual_simplex::dual_objective() const {
  double s = 0;
  for (int j = 0; j < n_; ++j)
    s += cost_[j] * x_[j];
  return s;
}

double dual_simplex::objective() const {
  return dual_objective();
}

const std::vector<double>& dual_simplex::duals() {
  for (int k = 0; k < m_; ++k)
    y_[k] = cost_[head_[k]];
  factor_.btran(y_, scratch_);
  return y_;
}

double dual_simplex::reduced_cost(int j) const {
  return cost_[j] - dot_column(j, y_);
}

double dual_simplex::safe_bound() {
  // Fresh prices: the nonbasic reduced costs are already in d_, computed by
  // the same formula from the same y (bit for bit what this would compute).
  const bool reuse = duals_fresh_;
  if (!reuse)
    duals();
  const int total = n_ + m_;
  double bound = 0, magnitude = 0;
  for (int j = 0; j < total; ++j) {
    double dj = reuse && state_[j] != basic ? d_[j] : cost_[j] - dot_column(j, y_);
    double term = std::min(lo_[j] * dj, up_[j] * dj);
    bound += term;
    magnitude += std::abs(term);
  }
  // Leave room for the rounding of the sum itself.
  return bound - 1e-12 * magnitude;
}

dual_simplex::snapshot dual_simplex::save() const {
  return {head_, state_, weight_};
}

void dual_simplex::restore(const snapshot& s) {
  head_ = s.head;
  state_ = s.state;
  weight_ = s.weights;
  std::fill(pos_.begin(), pos_.end(), -1);
  for (int k = 0; k < m_; ++k)
    pos_[head_[k]] = k;
  factor_ok_ = false;
  primal_dirty_ = duals_dirty_ = true;
  duals_fresh_ = false;
}

status dual_simplex::solve(const limits& lim) {
  if (!factor_ok_ && !refactor())
    return status::failed;
  bool verified_infeasible = false;
  long start_iterations = iterations_;
  int troubles = 0;

  auto refresh = [&] {
    compute_duals();
    fix_dual_infeasibilities();
    compute_primal();
  };
  if (duals_dirty_) {
    compute_duals();
    fix_dual_infeasibilities();
  }
  if (primal_dirty_)
    compute_primal();
  else
    apply_moved();

  for (;;) {
    if (factor_.updates() >= refactor_every) {
      if (!refactor())
        return status::failed;
      refresh();
    }
    long done = iterations_ - start_iterations;
    if (done >= lim.max_iterations)
      return status::time_limit;
    if ((done & 15) == 15) {
      if (std::chrono::steady_clock::now() >= lim.deadline)
        return status::time_limit;
      if (past_cpu_deadline(lim.cpu_deadline_ms))
        return status::time_limit;
    }
    if (lim.cutoff < std::numeric_limits<double>::infinity() && (done & 3) == 3 &&
        dual_objective() >= lim.cutoff && safe_bound() >= lim.cutoff)
      return status::cutoff;

    int r = choose_leaving();
    if (r < 0) {
      // Primal feasible: confirm dual feasibility with fresh prices.
      compute_duals();
      if (fix_dual_infeasibilities()) {
        compute_primal();
        continue;
      }
      return status::optimal;
    }

    const int p = head_[r];
    const double target = x_[p] < lo_[p] ? lo_[p] : up_[p];
    const double delta = x_[p] - target;
    const double sign = delta > 0 ? 1.0 : -1.0;

    std::fill(rho_.begin(), rho_.end(), 0.0);
    rho_[r] = 1.0;
    factor_.btran(rho_, scratch_);

    compute_pivot_row();
    candidates_.clear();
    for (int j : touched_) {
      if (state_[j] == basic || lo_[j] == up_[j])
        continue;
      double signed_a = sign * alpha_row_[j];
      if ((state_[j] == at_lower && signed_a > pivot_tol) ||
          (state_[j] == at_upper && signed_a < -pivot_tol))
        candidates_.push_back(j);
    }
    // Leaves alpha_row_ zero outside touched_ for the next iteration.
    auto clear_pivot_row = [&] {
      for (int j : touched_) {
        alpha_row_[j] = 0;
        is_touched_[j] = 0;
      }
    };

    // Bound-flipping ratio test with Harris' tolerance. The dual objective
    // rises with slope |delta| as the step grows; passing candidate j's
    // breakpoint flips it to its other bound and lowers the slope by
    // |alpha_j| * (up_j - lo_j). The entering column is where the slope
    // would turn negative.
    auto slack = [&](int j) {
      double dj = state_[j] == at_lower ? d_[j] : -d_[j];
      return std::max(dj, 0.0);
    };
    double slope = std::abs(delta);
    int q = -1;
    flipped_.clear();
    std::size_t live = candidates_.size();
    while (live > 0) {
      double theta_max = std::numeric_limits<double>::infinity();
      for (std::size_t e = 0; e < live; ++e) {
        int j = candidates_[e];
        theta_max = std::min(theta_max, (slack(j) + dual_tol) / std::abs(alpha_row_[j]));
      }
      double total_drop = 0, best_alpha = 0;
      int best = -1;
      std::size_t in_group = 0;
      for (std::size_t e = 0; e < live; ++e) {
        int j = candidates_[e];
        double a = std::abs(alpha_row_[j]);
        if (slack(j) / a > theta_max)
          continue;
        ++in_group;
        total_drop += a * (up_[j] - lo_[j]);
        if (a > best_alpha) {
          best_alpha = a;
          best = j;
        }
      }
      if (slope - total_drop > primal_tol && in_group < live) {
        // Pass the whole group: flip its members and go on.
        std::size_t keep = 0;
        for (std::size_t e = 0; e < live; ++e) {
          int j = candidates_[e];
          if (slack(j) / std::abs(alpha_row_[j]) <= theta_max)
            flipped_.push_back(j);
          else
            candidates_[keep++] = j;
        }
        live = keep;
        slope -= total_drop;
        continue;
      }
      if (slope - total_drop > primal_tol)
        break; // every breakpoint passed and the row is still infeasible
      q = best;
      break;
    }

    if (q < 0) {
      // The dual is unbounded along this row: the LP is infeasible, unless
      // the verdict comes from numerical drift. Check once from scratch.
      clear_pivot_row();
      if (!verified_infeasible && factor_.updates() > 0) {
        verified_infeasible = true;
        if (!refactor())
          return status::failed;
        refresh();
        continue;
      }
      farkas_.assign(rho_.begin(), rho_.end());
      for (auto& w : farkas_)
        w *= sign;
      return status::infeasible;
    }
    verified_infeasible = false;

    // Flip the passed candidates to their other bounds.
    if (!flipped_.empty()) {
      std::fill(flip_.begin(), flip_.end(), 0.0);
      for (int j : flipped_) {
        double to = state_[j] == at_lower ? up_[j] : lo_[j];
        add_column(j, -(to - x_[j]), flip_);
        x_[j] = to;
        state_[j] = state_[j] == at_lower ? at_upper : at_lower;
      }
      factor_.ftran(flip_, scratch_);
      for (int k = 0; k < m_; ++k)
        x_[head_[k]] += flip_[k];
    }

    std::fill(alpha_col_.begin(), alpha_col_.end(), 0.0);
    add_column(q, 1.0, alpha_col_);
    factor_.ftran(alpha_col_, scratch_);
    const double pivot = alpha_col_[r];
    if (std::abs(pivot - alpha_row_[q]) > 1e-7 * (1 + std::abs(pivot)) ||
        std::abs(pivot) < pivot_tol) {
      // Row and column disagree: the factorization has drifted.
      clear_pivot_row();
      if (++troubles > 5 || !refactor())
        return status::failed;
      refresh();
      continue;
    }

    std::copy(rho_.begin(), rho_.end(), tau_.begin());
    factor_.ftran(tau_, scratch_);

    // Primal step: the leaving variable lands on its violated bound.
    const double theta_p = (x_[p] - target) / pivot;
    for (int k = 0; k < m_; ++k)
      x_[head_[k]] -= theta_p * alpha_col_[k];
    x_[q] += theta_p;
    x_[p] = target;

    // Dual step.
    double theta_d = d_[q] / alpha_row_[q];
    if (sign * theta_d < 0)
      theta_d = 0;
    if (theta_d != 0)
      for (int j : touched_)
        if (state_[j] != basic && lo_[j] != up_[j])
          d_[j] -= theta_d * alpha_row_[j];
    clear_pivot_row();
    d_[p] = -theta_d;
    d_[q] = 0;

    // Dual steepest edge weights.
    double rho_norm = 0;
    for (double v : rho_)
      rho_norm += v * v;
    for (int k = 0; k < m_; ++k) {
      if (k == r || alpha_col_[k] == 0)
        continue;
      double ratio = alpha_col_[k] / pivot;
      weight_[k] =
          std::max(weight_[k] - 2 * ratio * tau_[k] + ratio * ratio * rho_norm, min_weight);
    }
    weight_[r] = std::max(rho_norm / (pivot * pivot), min_weight);

    head_[r] = q;
    pos_[q] = r;
    pos_[p] = -1;
    state_[q] = basic;
    state_[p] = target == lo_[p] ? at_lower : at_upper;
    factor_.update(alpha_col_, r);
    duals_fresh_ = false;
    ++iterations_;
  }
}

} // namespace hems::streams::lp
