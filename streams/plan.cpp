#include "streams/plan.hpp"

namespace hems::streams {

std::vector<double> grid_power(const plan_problem& p, const plan_decisions& d) {
  const int T = p.horizon;
  std::vector<double> g(T);
  for (int t = 0; t < T; ++t)
    g[t] = p.base_load_kw[t] - p.pv_kw[t];
  for (std::size_t i = 0; i < p.loads.size(); ++i) {
    const auto& l = p.loads[i];
    if (l.kind == load_kind::shiftable) {
      for (int k = 0; k < l.length(); ++k)
        g[d.starts[i] + k] += l.profile_kw[k];
    } else {
      for (int t = 0; t < T; ++t)
        g[t] += d.power[i][t];
    }
  }
  if (!d.charge_kw.empty())
    for (int t = 0; t < T; ++t)
      g[t] += d.charge_kw[t] - d.discharge_kw[t];
  return g;
}

double plan_cost(const plan_problem& p, const std::vector<double>& grid_kw) {
  double cost = 0;
  for (int t = 0; t < p.horizon; ++t) {
    double g = grid_kw[t];
    cost += g > 0 ? p.import_price[t] * g : p.export_price[t] * g;
  }
  return cost * p.slot_hours();
}

std::vector<double> soc_path(const plan_problem& p, const plan_decisions& d) {
  if (!p.battery)
    return {};
  const auto& b = *p.battery;
  const double h = p.slot_hours();
  std::vector<double> soc(p.horizon + 1);
  soc[0] = b.soc_kwh;
  for (int t = 0; t < p.horizon; ++t)
    soc[t + 1] =
        soc[t] +
        (d.charge_kw[t] * b.charge_efficiency - d.discharge_kw[t] / b.discharge_efficiency) * h;
  return soc;
}

} // namespace hems::streams
