#include "streams/plan_search.hpp"

#include <algorithm>
#include <cmath>
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
  for (const auto& part : lp_.shiftable) {
    part_offset_.push_back(static_cast<int>(flat_col_.size()));
    flat_col_.insert(flat_col_.end(), part.cols.begin(), part.cols.end());
  }
  part_offset_.push_back(static_cast<int>(flat_col_.size()));
  applied_off_.assign(flat_col_.size(), 0);
  applied_modes_.assign(p.horizon, 0);
  start_rc_.assign(flat_col_.size(), 0.0);
  charge_rc_.assign(p.horizon, 0.0);
  discharge_rc_.assign(p.horizon, 0.0);
}

double plan_search::tolerance(double cost) const {
  return std::max(limits_.absolute_gap, limits_.relative_gap * std::abs(cost));
}

void plan_search::apply(const node& n) {
  for (std::size_t f = 0; f < flat_col_.size(); ++f) {
    if (applied_off_[f] == n.off[f])
      continue;
    simplex_.set_bounds(flat_col_[f], 0, n.off[f] ? 0.0 : 1.0);
    applied_off_[f] = n.off[f];
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

bool plan_search::integral(branch_choice& choice) const {
  choice = {};
  // Battery modes are split before starts: a relaxation that burns energy
  // through the battery is loose in every slot it does so, and fixing modes
  // first is what lifts the bound (a negative-price day whose starts were
  // split first took 20,000 nodes instead of 300).
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
      // What the overlap is worth to the relaxation here: the slot to split
      // is where the bound stands to rise most (on weeks with many
      // negative-price slots this proves in a quarter of the nodes that
      // the largest overlap needed).
      double worth = slot_rate(problem_, t, netted) - slot_rate(problem_, t, g);
      if (worth <= 1e-12)
        continue;
      if (worth > most) {
        most = worth;
        choice.slot = t;
        choice.charge_first = c / b.max_charge_kw >= d / b.max_discharge_kw;
      }
    }
  }
  if (choice.slot >= 0)
    return false; // a mode to split: the starts wait
  double worst = integral_tol;
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
    const auto& cols = lp_.shiftable[i].cols;
    const int count = static_cast<int>(cols.size());
    double largest = 0, mass = 0, weighted = 0;
    int first_support = -1, last_support = -1;
    for (int k = 0; k < count; ++k) {
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
      for (int k = 0; k <= split; ++k)
        left_mass += std::max(simplex_.x(cols[k]), 0.0);
      choice.part = static_cast<int>(i);
      choice.split = split;
      choice.left_first = left_mass >= mass / 2;
    }
  }
  return choice.part < 0;
}

plan_decisions plan_search::extract() const {
  const auto& p = problem_;
  const int T = lp_.horizon;
  plan_decisions d;
  d.starts.assign(p.loads.size(), -1);
  d.power.assign(p.loads.size(), {});
  for (const auto& part : lp_.shiftable) {
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

void plan_search::read_reduced_costs() {
  for (std::size_t f = 0; f < flat_col_.size(); ++f)
    start_rc_[f] = simplex_.reduced_cost(flat_col_[f]);
  for (int t = 0; t < lp_.horizon; ++t)
    if (lp_.mode_row[t] >= 0) {
      charge_rc_[t] = simplex_.reduced_cost(lp_.charge_col[t]);
      discharge_rc_[t] = simplex_.reduced_cost(lp_.discharge_col[t]);
    }
}

bool plan_search::fix_by_reduced_cost(node& n, double bound) const {
  if (!have_incumbent_)
    return false;
  const double room = incumbent_cost_ - tolerance(incumbent_cost_) - bound;
  if (room < 0)
    return false;
  bool affected = false;
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
    for (int f = part_offset_[i]; f < part_offset_[i + 1]; ++f) {
      if (n.off[f])
        continue;
      double rc = start_rc_[f];
      if (rc > room) {
        // Starting here would lift the bound past the incumbent.
        n.off[f] = 1;
        affected = affected || simplex_.x(flat_col_[f]) > 1e-9;
      } else if (-rc > room) {
        // Not starting here would: this start is the only one left.
        for (int g = part_offset_[i]; g < part_offset_[i + 1]; ++g)
          if (g != f && !n.off[g]) {
            n.off[g] = 1;
            affected = affected || simplex_.x(flat_col_[g]) > 1e-9;
          }
        break;
      }
    }
  }
  if (problem_.battery) {
    const auto& b = *problem_.battery;
    for (int t = 0; t < lp_.horizon; ++t) {
      if (lp_.mode_row[t] < 0 || n.modes[t] != 0)
        continue;
      // Discharge-only would zero the charge, whose term is min(0, C rc).
      if (-charge_rc_[t] * b.max_charge_kw > room) {
        n.modes[t] = 1;
        affected = affected || simplex_.x(lp_.discharge_col[t]) > 1e-9;
      } else if (-discharge_rc_[t] * b.max_discharge_kw > room) {
        n.modes[t] = 2;
        affected = affected || simplex_.x(lp_.charge_col[t]) > 1e-9;
      }
    }
  }
  return affected;
}

plan_search::node plan_search::fixed_starts(const node& base, const std::vector<int>& pick) const {
  node n = base;
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i)
    for (int f = part_offset_[i]; f < part_offset_[i + 1]; ++f)
      n.off[f] = f - part_offset_[i] != pick[i];
  n.basis.reset();
  return n;
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
  if (choice.part >= 0 || !problem_.battery)
    return; // starts are fixed here; cannot happen
  // Round the battery modes the way the relaxation leans and solve again,
  // until no slot both charges and discharges (each round fixes at least one
  // more slot, so this ends).
  node rounded = n;
  const auto& b = *problem_.battery;
  for (;;) {
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
    if (simplex_.solve(lim) != lp::status::optimal)
      return;
    if (integral(choice)) {
      offer(extract());
      return;
    }
  }
}

void plan_search::local_search(const node& base) {
  // Moves one load at a time from the incumbent's starts.
  const int parts = static_cast<int>(lp_.shiftable.size());
  auto incumbent_pick = [&] {
    std::vector<int> pick(parts);
    for (int j = 0; j < parts; ++j)
      pick[j] = incumbent_.starts[lp_.shiftable[j].load] - lp_.shiftable[j].first_start;
    return pick;
  };
  for (int pass = 0; pass < 3; ++pass) {
    bool improved = false;
    for (int i = 0; i < parts; ++i) {
      auto pick = incumbent_pick();
      node current = fixed_starts(base, pick);
      apply(current);
      ++nodes_;
      if (simplex_.solve({}) != lp::status::optimal)
        return;
      simplex_.duals();
      const auto& cols = lp_.shiftable[i].cols;
      int now = pick[i];
      double now_rc = simplex_.reduced_cost(cols[now]);
      std::vector<std::pair<double, int>> moves;
      for (int k = 0; k < static_cast<int>(cols.size()); ++k) {
        if (k == now || base.off[part_offset_[i] + k])
          continue;
        double gain = simplex_.reduced_cost(cols[k]) - now_rc;
        if (gain < -tolerance(incumbent_cost_))
          moves.emplace_back(gain, k);
      }
      std::sort(moves.begin(), moves.end());
      for (std::size_t e = 0; e < moves.size() && e < 4; ++e) {
        pick[i] = moves[e].second;
        double before = incumbent_cost_;
        try_plan(fixed_starts(base, pick));
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

search_outcome plan_search::run(const search_limits& limits, const std::vector<start_range>* ranges,
                                const plan_decisions* seed) {
  limits_ = limits;
  have_incumbent_ = false;
  incumbent_cost_ = inf;
  if (seed)
    offer(*seed);
  nodes_ = 0;
  const long iterations_before = simplex_.iterations();
  search_outcome out;

  node root;
  root.modes.assign(lp_.horizon, 0);
  root.off.assign(flat_col_.size(), 0);
  for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
    const auto& part = lp_.shiftable[i];
    bool any = false;
    for (int f = part_offset_[i]; f < part_offset_[i + 1]; ++f) {
      int start = part.first_start + (f - part_offset_[i]);
      if (ranges && (start < (*ranges)[part.load].first || start > (*ranges)[part.load].last))
        root.off[f] = 1;
      any = any || !root.off[f];
    }
    if (!any) {
      out.result = search_outcome::verdict::infeasible;
      return out;
    }
  }

  auto worse = [](const node& a, const node& b) { return a.bound > b.bound; };
  std::priority_queue<node, std::vector<node>, decltype(worse)> open(worse);
  double closed_bound = inf; // lowest bound among nodes closed without a plan better than it
  bool complete = true;
  bool root_done = false;
  bool heuristics_done = false;
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
      if (current.basis)
        simplex_.restore(*current.basis);
      have_current = true;
    }
    if (have_incumbent_ && limits.past_deadline()) {
      open.push(current);
      complete = false;
      break;
    }
    apply(current);
    lp::limits lim;
    if (have_incumbent_) {
      lim.cutoff = incumbent_cost_ - tolerance(incumbent_cost_);
      lim.deadline = limits.deadline;
      lim.cpu_deadline_ms = limits.cpu_deadline_ms;
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
    if (have_incumbent_ && bound >= incumbent_cost_ - tolerance(incumbent_cost_)) {
      closed_bound = std::min(closed_bound, bound);
      have_current = false;
      continue;
    }
    branch_choice choice;
    if (integral(choice)) {
      offer(extract());
      closed_bound = std::min(closed_bound, bound);
      have_current = false;
      continue;
    }
    read_reduced_costs();
    auto snapshot = std::make_shared<lp::dual_simplex::snapshot>(simplex_.save());

    if (!heuristics_done) {
      // Round the first relaxation to a plan and improve it.
      heuristics_done = true;
      std::vector<int> pick(lp_.shiftable.size());
      for (std::size_t i = 0; i < lp_.shiftable.size(); ++i) {
        const auto& cols = lp_.shiftable[i].cols;
        pick[i] = 0;
        for (int k = 1; k < static_cast<int>(cols.size()); ++k)
          if (simplex_.x(cols[k]) > simplex_.x(cols[pick[i]]))
            pick[i] = k;
      }
      try_plan(fixed_starts(current, pick));
      if (have_incumbent_)
        local_search(current);
      simplex_.restore(*snapshot);
      current.bound = bound;
      if (have_incumbent_ && bound >= incumbent_cost_ - tolerance(incumbent_cost_)) {
        closed_bound = std::min(closed_bound, bound);
        have_current = false;
        continue;
      }
      if (fix_by_reduced_cost(current, bound))
        continue; // solve this node again without what was excluded
    } else if (fix_by_reduced_cost(current, bound)) {
      current.bound = bound;
      continue;
    }

    node left = current, right = current;
    left.bound = right.bound = bound;
    left.basis.reset();
    right.basis.reset();
    bool left_first = true;
    if (choice.part >= 0) {
      for (int f = part_offset_[choice.part]; f < part_offset_[choice.part + 1]; ++f)
        (f - part_offset_[choice.part] <= choice.split ? right : left).off[f] = 1;
      left_first = choice.left_first;
    } else {
      left.modes[choice.slot] = 1; // charge only
      right.modes[choice.slot] = 2;
      left_first = choice.charge_first;
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
