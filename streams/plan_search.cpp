#include "streams/plan_search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <queue>

namespace hems::streams {

namespace {

constexpr double integral_tol = 1e-7; // x >= 1 - this counts as a chosen start
constexpr double mode_tol = 1e-7;     // charge and discharge below this count as idle
constexpr double inf = std::numeric_limits<double>::infinity();

// Cost of slot t at grid power g (import positive), per hour.
double slot_rate(const plan_problem& p, int t, double g) {
  return g > 0 ? p.import_price[t] * g : p.export_price[t] * g;
}

// Charge and discharge with the overlap netted out: the same change of the
// state of charge, the least grid energy.
std::pair<double, double> net_out(double c, double d, const plan_battery& b) {
  double round_trip = b.charge_efficiency * b.discharge_efficiency;
  if (c <= 0 || d <= 0)
    return {c, d};
  if (c * round_trip >= d)
    return {c - d / round_trip, 0.0};
  return {0.0, d - c * round_trip};
}

} // namespace

plan_search::plan_search(const plan_problem& p)
    : problem_(p), lp_(build_plan_lp(p)), simplex_(lp_.model) {
  simplex_.set_basis(lp_.crash_basis);
  applied_ranges_.resize(lp_.shiftable.size());
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i)
    applied_ranges_[i] = {0, static_cast<int>(lp_.shiftable[i].cols.size()) - 1};
  applied_modes_.assign(p.horizon, 0);
}

double plan_search::tolerance(double cost) const {
  return std::max(limits_.absolute_gap, limits_.relative_gap * std::abs(cost));
}

void plan_search::apply(const node& n) {
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
    if (applied_ranges_[i] == n.ranges[i])
      continue;
    const auto& cols = lp_.shiftable[i].cols;
    auto [lo, hi] = n.ranges[i];
    for (int k = 0; k < static_cast<int>(cols.size()); ++k) {
      double up = k >= lo && k <= hi ? 1.0 : 0.0;
      if (simplex_.upper(cols[k]) != up)
        simplex_.set_bounds(cols[k], 0, up);
    }
    applied_ranges_[i] = n.ranges[i];
  }
  if (problem_.battery) {
    const auto& b = *problem_.battery;
    for (int t = 0; t < lp_.horizon; ++t) {
      if (lp_.mode_row[t] < 0 || applied_modes_[t] == n.modes[t])
        continue;
      simplex_.set_bounds(lp_.charge_col[t], 0, n.modes[t] == 2 ? 0 : b.max_charge_kw);
      simplex_.set_bounds(lp_.discharge_col[t], 0, n.modes[t] == 1 ? 0 : b.max_discharge_kw);
      applied_modes_[t] = n.modes[t];
    }
  }
}

bool plan_search::integral(branch_choice& choice) {
  choice = {};
  double worst = integral_tol;
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
    const auto& cols = lp_.shiftable[i].cols;
    auto [lo, hi] = applied_ranges_[i];
    double largest = 0, mass = 0, weighted = 0;
    int first_support = -1, last_support = -1;
    for (int k = lo; k <= hi; ++k) {
      double x = std::max(simplex_.x(cols[k]), 0.0);
      largest = std::max(largest, x);
      if (x > 1e-9) {
        if (first_support < 0)
          first_support = k;
        last_support = k;
        mass += x;
        weighted += x * k;
      }
    }
    double fractional = 1 - largest;
    if (fractional > worst && last_support > first_support) {
      worst = fractional;
      int split = static_cast<int>(std::floor(weighted / mass));
      split = std::clamp(split, first_support, last_support - 1);
      double left_mass = 0;
      for (int k = lo; k <= split; ++k)
        left_mass += std::max(simplex_.x(cols[k]), 0.0);
      choice.part = static_cast<int>(i);
      choice.split = split;
      choice.left_first = left_mass >= mass / 2;
    }
  }
  if (choice.part >= 0)
    return false;

  if (problem_.battery) {
    const auto& b = *problem_.battery;
    double most = 0;
    for (int t = 0; t < lp_.horizon; ++t) {
      if (lp_.mode_row[t] < 0)
        continue;
      double c = simplex_.x(lp_.charge_col[t]);
      double d = simplex_.x(lp_.discharge_col[t]);
      if (c <= mode_tol || d <= mode_tol)
        continue;
      // Netting out is free unless it pushes the slot into paid export.
      double g = simplex_.x(lp_.import_col[t]) - simplex_.x(lp_.export_col[t]);
      auto [c2, d2] = net_out(c, d, b);
      double netted = g - (c - d) + (c2 - d2);
      if (slot_rate(problem_, t, netted) <= slot_rate(problem_, t, g) + 1e-12)
        continue;
      double overlap = std::min(c / b.max_charge_kw, d / b.max_discharge_kw);
      if (overlap > most) {
        most = overlap;
        choice.slot = t;
        choice.charge_first = c / b.max_charge_kw >= d / b.max_discharge_kw;
      }
    }
  }
  return choice.slot < 0;
}

plan_decisions plan_search::extract() const {
  const auto& p = problem_;
  const int T = lp_.horizon;
  plan_decisions d;
  d.starts.assign(p.loads.size(), -1);
  d.power.assign(p.loads.size(), {});
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
    const auto& part = lp_.shiftable[i];
    int best = 0;
    for (std::size_t k = 1; k < part.cols.size(); ++k)
      if (simplex_.x(part.cols[k]) > simplex_.x(part.cols[best]))
        best = static_cast<int>(k);
    d.starts[part.load] = part.first_start + best;
  }
  for (const auto& part : lp_.energy) {
    const auto& l = p.loads[part.load];
    auto& power = d.power[part.load];
    power.assign(T, 0.0);
    double sum = 0;
    for (std::size_t k = 0; k < part.cols.size(); ++k) {
      double v = std::clamp(simplex_.x(part.cols[k]), 0.0, l.max_kw);
      power[part.first_slot + k] = v;
      sum += v;
    }
    // Make the energy exact: the LP meets it within its tolerance only.
    double missing = l.energy_kwh / lp_.h - sum;
    for (std::size_t k = 0; k < part.cols.size() && std::abs(missing) > 0; ++k) {
      double& v = power[part.first_slot + k];
      double change = missing > 0 ? std::min(missing, l.max_kw - v) : std::max(missing, -v);
      v += change;
      missing -= change;
    }
  }
  if (p.battery) {
    const auto& b = *p.battery;
    d.charge_kw.resize(T);
    d.discharge_kw.resize(T);
    for (int t = 0; t < T; ++t) {
      double c = std::clamp(simplex_.x(lp_.charge_col[t]), 0.0, b.max_charge_kw);
      double dis = std::clamp(simplex_.x(lp_.discharge_col[t]), 0.0, b.max_discharge_kw);
      auto [c2, d2] = net_out(c, dis, b);
      d.charge_kw[t] = c2;
      d.discharge_kw[t] = d2;
    }
  }
  return d;
}

void plan_search::offer(const plan_decisions& d) {
  double cost = plan_cost(problem_, grid_power(problem_, d));
  if (cost < incumbent_cost_) {
    incumbent_cost_ = cost;
    incumbent_ = d;
    have_incumbent_ = true;
  }
}

void plan_search::try_plan(const node& n) {
  apply(n);
  lp::limits lim;
  if (have_incumbent_)
    lim.cutoff = incumbent_cost_ - tolerance(incumbent_cost_);
  ++nodes_;
  if (simplex_.solve(lim) != lp::status::optimal)
    return;
  branch_choice choice;
  if (integral(choice)) {
    offer(extract());
    return;
  }
  if (choice.part >= 0)
    return; // starts are fixed here; cannot happen
  // Round the battery modes the way the relaxation leans, once.
  node rounded = n;
  const auto& b = *problem_.battery;
  for (int t = 0; t < lp_.horizon; ++t) {
    if (lp_.mode_row[t] < 0 || rounded.modes[t] != 0)
      continue;
    double c = simplex_.x(lp_.charge_col[t]) / b.max_charge_kw;
    double d = simplex_.x(lp_.discharge_col[t]) / b.max_discharge_kw;
    if (c > mode_tol && d > mode_tol)
      rounded.modes[t] = c >= d ? 1 : 2;
  }
  apply(rounded);
  ++nodes_;
  if (simplex_.solve(lim) == lp::status::optimal && integral(choice))
    offer(extract());
}

void plan_search::local_search(node base) {
  // base has every start fixed at the incumbent's. Moves one load at a time.
  const int parts = static_cast<int>(lp_.shiftable.size());
  for (int pass = 0; pass < 3; ++pass) {
    bool improved = false;
    for (int i = 0; i < parts; ++i) {
      node current = base;
      for (int j = 0; j < parts; ++j) {
        int k = incumbent_.starts[lp_.shiftable[j].load] - lp_.shiftable[j].first_start;
        current.ranges[j] = {k, k};
      }
      apply(current);
      ++nodes_;
      if (simplex_.solve({}) != lp::status::optimal)
        return;
      simplex_.duals();
      const auto& cols = lp_.shiftable[i].cols;
      int now = current.ranges[i].first;
      double now_rc = simplex_.reduced_cost(cols[now]);
      std::vector<std::pair<double, int>> moves;
      for (int k = base.ranges[i].first; k <= base.ranges[i].second; ++k) {
        double gain = simplex_.reduced_cost(cols[k]) - now_rc;
        if (k != now && gain < -tolerance(incumbent_cost_))
          moves.emplace_back(gain, k);
      }
      std::sort(moves.begin(), moves.end());
      for (std::size_t e = 0; e < moves.size() && e < 4; ++e) {
        node moved = current;
        moved.ranges[i] = {moves[e].second, moves[e].second};
        double before = incumbent_cost_;
        try_plan(moved);
        if (incumbent_cost_ < before - tolerance(before)) {
          improved = true;
          break;
        }
      }
    }
    if (!improved)
      return;
  }
}

search_outcome plan_search::run(const search_limits& limits,
                                const std::vector<start_range>* ranges) {
  limits_ = limits;
  have_incumbent_ = false;
  incumbent_cost_ = inf;
  nodes_ = 0;
  const long iterations_before = simplex_.iterations();
  search_outcome out;

  node root;
  root.modes.assign(lp_.horizon, 0);
  for (const auto& part : lp_.shiftable) {
    int lo = 0, hi = static_cast<int>(part.cols.size()) - 1;
    if (ranges) {
      const auto& r = (*ranges)[part.load];
      lo = std::max(lo, r.first - part.first_start);
      hi = std::min(hi, r.last - part.first_start);
    }
    root.ranges.emplace_back(lo, hi);
    if (lo > hi) {
      out.result = search_outcome::verdict::infeasible;
      return out;
    }
  }

  auto worse = [](const node& a, const node& b) { return a.bound > b.bound; };
  std::priority_queue<node, std::vector<node>, decltype(worse)> open(worse);
  double closed_bound = inf; // lowest bound among nodes closed without a plan better than it
  bool complete = true;
  bool root_done = false;
  node current = root;
  bool have_current = true;

  for (;;) {
    if (!have_current) {
      if (open.empty())
        break;
      current = open.top();
      open.pop();
      if (have_incumbent_ && current.bound >= incumbent_cost_ - tolerance(incumbent_cost_)) {
        closed_bound = std::min(closed_bound, current.bound);
        continue;
      }
      if (current.basis && getenv("PLAN_RESTORE"))
        simplex_.restore(*current.basis);
      have_current = true;
    }
    if (have_incumbent_ && std::chrono::steady_clock::now() >= limits.deadline) {
      open.push(current);
      complete = false;
      break;
    }
    apply(current);
    lp::limits lim;
    if (have_incumbent_) {
      lim.cutoff = incumbent_cost_ - tolerance(incumbent_cost_);
      lim.deadline = limits.deadline;
    }
    ++nodes_;
    auto st = simplex_.solve(lim);
    if (st == lp::status::failed) {
      // Start this node over from the first basis once.
      simplex_.set_basis(lp_.crash_basis);
      st = simplex_.solve(lim);
    }
    if (st == lp::status::infeasible) {
      if (!root_done) {
        out.relaxation_infeasible = true;
        out.farkas = simplex_.farkas();
      }
      root_done = true;
      have_current = false;
      continue;
    }
    root_done = true;
    if (st == lp::status::cutoff) {
      closed_bound = std::min(closed_bound, lim.cutoff);
      have_current = false;
      continue;
    }
    if (st == lp::status::time_limit) {
      current.basis.reset();
      open.push(current);
      complete = false;
      break;
    }
    if (st == lp::status::failed) {
      closed_bound = std::min(closed_bound, current.bound);
      complete = false;
      have_current = false;
      continue;
    }

    double bound = std::max(current.bound, simplex_.safe_bound());
    static bool trace = getenv("PLAN_TRACE") != nullptr;
    if (trace && (nodes_ < 5 || nodes_ % 200 == 0))
      fprintf(stderr, "node %ld bound %.10g inc %.10g open %zu\n", nodes_, bound, incumbent_cost_,
              open.size());
    if (trace && nodes_ == 1 && problem_.battery) {
      for (int t = 0; t < lp_.horizon; ++t)
        if (lp_.mode_row[t] >= 0)
          fprintf(stderr, " t=%d c=%.4f d=%.4f s=%.4f g=%.4f\n", t, simplex_.x(lp_.charge_col[t]),
                  simplex_.x(lp_.discharge_col[t]), simplex_.x(lp_.soc_col[t]),
                  simplex_.x(lp_.import_col[t]) - simplex_.x(lp_.export_col[t]));
      for (auto& part : lp_.shiftable)
        for (size_t k = 0; k < part.cols.size(); ++k)
          if (simplex_.x(part.cols[k]) > 1e-9)
            fprintf(stderr, " load %d start %zu x=%.4f\n", part.load, part.first_start + k,
                    simplex_.x(part.cols[k]));
    }
    if (have_incumbent_ && bound >= incumbent_cost_ - tolerance(incumbent_cost_)) {
      closed_bound = std::min(closed_bound, bound);
      have_current = false;
      continue;
    }
    branch_choice choice;
    if (integral(choice)) {
      offer(extract());
      if (trace)
        fprintf(stderr, "node %ld integral bound %.10g inc %.10g\n", nodes_, bound,
                incumbent_cost_);
      closed_bound = std::min(closed_bound, bound);
      have_current = false;
      continue;
    }

    node left = current, right = current;
    left.bound = right.bound = bound;
    left.basis.reset();
    right.basis.reset();
    bool left_first = true;
    if (choice.part >= 0) {
      left.ranges[choice.part].second = choice.split;
      right.ranges[choice.part].first = choice.split + 1;
      left_first = choice.left_first;
    } else {
      left.modes[choice.slot] = 1; // charge only
      right.modes[choice.slot] = 2;
      left_first = choice.charge_first;
    }
    auto snapshot = std::make_shared<lp::dual_simplex::snapshot>(simplex_.save());

    if (!have_incumbent_ && nodes_ == 1) {
      // Round the root relaxation to a first plan and improve it.
      node rounded = current;
      for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
        const auto& cols = lp_.shiftable[i].cols;
        int best = rounded.ranges[i].first;
        for (int k = rounded.ranges[i].first; k <= rounded.ranges[i].second; ++k)
          if (simplex_.x(cols[k]) > simplex_.x(cols[best]))
            best = k;
        rounded.ranges[i] = {best, best};
      }
      try_plan(rounded);
      if (have_incumbent_)
        local_search(current);
      simplex_.restore(*snapshot);
      if (have_incumbent_ && bound >= incumbent_cost_ - tolerance(incumbent_cost_)) {
        closed_bound = std::min(closed_bound, bound);
        have_current = false;
        continue;
      }
    }

    node& first = left_first ? left : right;
    node& second = left_first ? right : left;
    second.basis = snapshot;
    open.push(std::move(second));
    current = std::move(first);
  }

  out.nodes = nodes_;
  out.iterations = simplex_.iterations() - iterations_before;
  double bound = closed_bound;
  while (!open.empty()) {
    bound = std::min(bound, open.top().bound);
    open.pop();
  }
  if (!have_incumbent_) {
    out.result = complete ? search_outcome::verdict::infeasible : search_outcome::verdict::failed;
    return out;
  }
  out.cost = incumbent_cost_;
  out.bound = std::min(bound, incumbent_cost_);
  out.best = std::move(incumbent_);
  out.result = complete ? search_outcome::verdict::optimal : search_outcome::verdict::feasible;
  return out;
}

} // namespace hems::streams
