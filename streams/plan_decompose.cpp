#include "streams/plan_decompose.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "streams/plan_continuous.hpp"

namespace hems::streams {

namespace {

// A plan from the continuous solver is offered only if it keeps every rule
// with this much room (kW, kWh): the contract's checker allows 1e-6, and the
// branch and bound's plans are held to the same.
constexpr double plan_tol = 1e-7;

struct cycle {
  int load = 0;
  int first = 0, last = 0; // start slots, inclusive
};

bool keeps_rules(const plan_problem& p, const plan_decisions& d) {
  const double h = p.slot_hours();
  for (std::size_t i = 0; i < p.loads.size(); ++i) {
    const auto& l = p.loads[i];
    if (l.kind != load_kind::energy)
      continue;
    double energy = 0;
    for (int t = 0; t < p.horizon; ++t) {
      double w = d.power[i][t];
      bool inside = t >= l.earliest_start && t < l.latest_finish;
      if (w < -plan_tol || w > (inside ? l.max_kw : 0.0) + plan_tol)
        return false;
      energy += w * h;
    }
    if (std::abs(energy - l.energy_kwh) > plan_tol)
      return false;
  }
  auto g = grid_power(p, d);
  if (p.max_import_kw)
    for (double v : g)
      if (v > *p.max_import_kw + plan_tol)
        return false;
  if (p.battery) {
    const auto& b = *p.battery;
    for (int t = 0; t < p.horizon; ++t)
      if (d.charge_kw[t] < -plan_tol || d.charge_kw[t] > b.max_charge_kw + plan_tol ||
          d.discharge_kw[t] < -plan_tol || d.discharge_kw[t] > b.max_discharge_kw + plan_tol ||
          (d.charge_kw[t] > 0 && d.discharge_kw[t] > 0))
        return false;
    auto soc = soc_path(p, d);
    for (double s : soc)
      if (s < b.min_soc_kwh - plan_tol || s > b.capacity_kwh + plan_tol)
        return false;
    if (soc.back() < b.soc_kwh - plan_tol)
      return false;
  }
  return true;
}

} // namespace

decompose_outcome decompose_plan(const plan_problem& p, const decompose_limits& limits) {
  decompose_outcome out;
  const int T = p.horizon;
  std::vector<cycle> cycles;
  for (std::size_t i = 0; i < p.loads.size(); ++i)
    if (p.loads[i].kind == load_kind::shiftable)
      cycles.push_back({static_cast<int>(i), p.loads[i].earliest_start, p.loads[i].last_start()});
  const int n = static_cast<int>(cycles.size());
  auto tolerance = [&](double cost) {
    return std::max(limits.absolute_gap, limits.relative_gap * std::abs(cost));
  };

  continuous_solver solver(p);
  // The solver's own "optimal" is not used; its bound is what counts here.
  solver.set_tolerance(0.1 * limits.relative_gap, 0.1 * limits.absolute_gap);

  std::vector<double> base(T), a(T);
  for (int t = 0; t < T; ++t)
    base[t] = p.base_load_kw[t] - p.pv_kw[t];
  auto net_load = [&](const std::vector<int>& starts) {
    a = base;
    for (int c = 0; c < n; ++c) {
      const auto& l = p.loads[cycles[c].load];
      for (int k = 0; k < l.length(); ++k)
        a[starts[c] + k] += l.profile_kw[k];
    }
  };
  // y . profile of cycle c started at s.
  auto priced = [&](const std::vector<double>& y, int c, int s) {
    const auto& l = p.loads[cycles[c].load];
    double v = 0;
    for (int k = 0; k < l.length(); ++k)
      v += y[s + k] * l.profile_kw[k];
    return v;
  };
  // Each cycle's cheapest start under y (the current one on ties) and what
  // moving there saves by the cut (<= 0).
  std::vector<int> cheapest(n);
  std::vector<double> gain(n);
  auto best_starts = [&](const std::vector<double>& y, const std::vector<int>& at) {
    double total = 0;
    for (int c = 0; c < n; ++c) {
      cheapest[c] = at.empty() ? cycles[c].first : at[c];
      const double here = priced(y, c, cheapest[c]);
      double best = here;
      for (int s = cycles[c].first; s <= cycles[c].last; ++s) {
        double v = priced(y, c, s);
        if (v < best - 1e-12 * (1 + std::abs(best))) {
          best = v;
          cheapest[c] = s;
        }
      }
      gain[c] = at.empty() ? best : best - here;
      total += gain[c];
    }
    return total;
  };

  // First cut: the net load without any cycle (a valid point of V too).
  std::vector<int> starts;
  if (n > 0) {
    a = base;
    solver.set_max_programs(limits.max_programs);
    const auto& c = solver.solve(a);
    ++out.solves;
    out.programs += c.programs;
    if (c.status == continuous_plan::verdict::infeasible || !std::isfinite(c.bound))
      return out;
    out.bound = std::max(out.bound, c.bound + best_starts(c.slot_price, {}));
    starts = cheapest;
  }

  std::set<std::vector<int>> seen;
  std::vector<std::vector<int>> candidates;
  std::size_t next = 0;
  for (;;) {
    seen.insert(starts);
    net_load(starts);
    solver.set_max_programs(std::max(1, limits.max_programs - out.programs));
    const auto& c = solver.solve(a);
    ++out.solves;
    out.programs += c.programs;
    bool improved = false;
    if (c.status != continuous_plan::verdict::infeasible && std::isfinite(c.bound)) {
      out.bound = std::max(out.bound, c.bound + best_starts(c.slot_price, starts));
      if (c.has_plan) {
        plan_decisions d;
        d.starts.assign(p.loads.size(), -1);
        d.power.assign(p.loads.size(), {});
        for (int k = 0; k < n; ++k)
          d.starts[cycles[k].load] = starts[k];
        for (std::size_t i = 0; i < p.loads.size(); ++i)
          if (p.loads[i].kind == load_kind::energy)
            d.power[i] = c.power_kw[i];
        d.charge_kw = c.charge_kw;
        d.discharge_kw = c.discharge_kw;
        if (keeps_rules(p, d)) {
          double cost = plan_cost(p, grid_power(p, d));
          if (!out.has_plan || cost < out.cost - tolerance(out.cost)) {
            improved = true;
            out.has_plan = true;
            out.cost = cost;
            out.best = std::move(d);
          }
        }
      }
      if (improved) {
        // Moves from the new plan, in the order its cut ranks them: every
        // cycle to its cheapest start at once, then one cycle at a time.
        candidates.clear();
        next = 0;
        std::vector<int> all = starts;
        std::vector<int> order;
        for (int k = 0; k < n; ++k)
          if (gain[k] < -tolerance(out.cost)) {
            all[k] = cheapest[k];
            order.push_back(k);
          }
        std::sort(order.begin(), order.end(), [&](int l, int r) { return gain[l] < gain[r]; });
        if (order.size() > 1)
          candidates.push_back(all);
        for (int k : order) {
          candidates.push_back(starts);
          candidates.back()[k] = cheapest[k];
        }
      }
    }
    if (out.has_plan && out.cost - out.bound <= tolerance(out.cost)) {
      out.optimal = true;
      break;
    }
    if (n == 0 || out.solves >= limits.max_solves || out.programs >= limits.max_programs ||
        std::chrono::steady_clock::now() >= limits.deadline)
      break;
    while (next < candidates.size() && seen.contains(candidates[next]))
      ++next;
    if (next == candidates.size())
      break;
    starts = candidates[next++];
  }
  out.bound = std::min(out.bound, out.has_plan ? out.cost : out.bound);
  return out;
}

} // namespace hems::streams
