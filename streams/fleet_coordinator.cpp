#include "streams/fleet_coordinator.hpp"

#include <algorithm>

#include "streams/plan.hpp"

namespace hems::streams {

plan_options coordination_options::default_solve_options() {
  plan_options o;
  o.explain = false;
  o.time_budget_ms = 200;
  o.relative_gap = 1e-6;
  return o;
}

double peak_of(const std::vector<double>& kw) {
  return kw.empty() ? 0.0 : *std::max_element(kw.begin(), kw.end());
}

namespace {

int common_horizon(const std::vector<plan_problem>& homes) {
  return homes.empty() ? 0 : homes.front().horizon;
}

/// Solves one home; its base load alone when the solver finds no plan (it
/// cannot for a well-formed problem, but a fleet never stops for one home).
std::vector<double> solve_home(const plan_problem& p, const plan_options& solve, fleet_plan& out,
                               const std::vector<double>* fallback) {
  ++out.solves;
  auto r = solve_plan(p, solve);
  if (r)
    return std::move(r->grid_kw);
  ++out.failures;
  if (fallback)
    return *fallback;
  std::vector<double> g(p.horizon);
  for (int t = 0; t < p.horizon; ++t)
    g[t] = p.base_load_kw[t] - p.pv_kw[t];
  return g;
}

void total_up(const std::vector<plan_problem>& homes, fleet_plan& f) {
  const int T = common_horizon(homes);
  f.total_kw.assign(T, 0.0);
  f.cost = 0;
  for (std::size_t i = 0; i < homes.size(); ++i) {
    for (int t = 0; t < T; ++t)
      f.total_kw[t] += f.home_grid_kw[i][t];
    f.cost += plan_cost(homes[i], f.home_grid_kw[i]);
  }
  f.peak_kw = peak_of(f.total_kw);
}

/// One Gauss-Seidel sweep: each home re-plans against the others' load.
void sweep(const std::vector<plan_problem>& homes, const coordination_options& o, fleet_plan& f) {
  const int T = common_horizon(homes);
  const double n = static_cast<double>(homes.size());
  plan_problem seen;
  for (std::size_t i = 0; i < homes.size(); ++i) {
    auto& mine = f.home_grid_kw[i];
    seen = homes[i];
    for (int t = 0; t < T; ++t) {
      double others = f.total_kw[t] - mine[t];
      seen.import_price[t] += o.valley_weight * others / n + f.surcharge[t];
    }
    auto next = solve_home(seen, o.solve, f, &mine);
    for (int t = 0; t < T; ++t)
      f.total_kw[t] += next[t] - mine[t];
    mine = std::move(next);
  }
}

} // namespace

fleet_plan plan_alone(const std::vector<plan_problem>& homes, const plan_options& solve) {
  fleet_plan f;
  f.home_grid_kw.reserve(homes.size());
  for (const auto& p : homes)
    f.home_grid_kw.push_back(solve_home(p, solve, f, nullptr));
  f.surcharge.assign(common_horizon(homes), 0.0);
  total_up(homes, f);
  return f;
}

fleet_plan coordinate(const std::vector<plan_problem>& homes, const coordination_options& o) {
  const int T = common_horizon(homes);
  fleet_plan f;
  f.surcharge.assign(T, 0.0);
  // Start from every home's uncontrolled load: the first sweep then sees the
  // fleet's evening base peak before any flexible load is placed.
  f.home_grid_kw.reserve(homes.size());
  f.total_kw.assign(T, 0.0);
  for (const auto& p : homes) {
    std::vector<double> g(T);
    for (int t = 0; t < T; ++t) {
      g[t] = p.base_load_kw[t] - p.pv_kw[t];
      f.total_kw[t] += g[t];
    }
    f.home_grid_kw.push_back(std::move(g));
  }
  for (int pass = 0; pass < o.passes; ++pass)
    sweep(homes, o, f);

  if (o.feeder_limit_kw) {
    const double limit = *o.feeder_limit_kw;
    const double n = static_cast<double>(homes.size());
    // The surcharge starts at the largest price step a load could avoid by
    // moving (so that one round can move it) and grows with the overload.
    double top = 0;
    for (const auto& p : homes)
      for (int t = 0; t < T; ++t)
        top = std::max(top, p.import_price[t]);
    for (int round = 0; round < o.feeder_rounds && peak_of(f.total_kw) > limit; ++round) {
      for (int t = 0; t < T; ++t)
        if (f.total_kw[t] > limit)
          f.surcharge[t] += top * 0.25 + o.valley_weight * (f.total_kw[t] - limit) / n;
      sweep(homes, o, f);
    }
  }
  total_up(homes, f);
  f.within_limit = !o.feeder_limit_kw || f.peak_kw <= *o.feeder_limit_kw + 1e-9;
  return f;
}

} // namespace hems::streams
