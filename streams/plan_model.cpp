#include "streams/plan_model.hpp"

#include <algorithm>

namespace hems::streams {

plan_lp build_plan_lp(const plan_problem& p) {
  plan_lp lp;
  auto& m = lp.model;
  const int T = p.horizon;
  const double h = p.slot_hours();
  lp.horizon = T;
  lp.h = h;
  const bool has_battery = p.battery.has_value();
  const plan_battery b = p.battery.value_or(plan_battery{});

  // The largest grid power any choice could need in slot t: bounds the
  // import column when the problem has no cap (every column must be boxed).
  std::vector<double> most_load(T);
  for (int t = 0; t < T; ++t)
    most_load[t] = p.base_load_kw[t] + (has_battery ? b.max_charge_kw : 0) + 1;
  for (const auto& l : p.loads) {
    double peak = l.kind == load_kind::energy
                      ? l.max_kw
                      : *std::max_element(l.profile_kw.begin(), l.profile_kw.end());
    for (int t = l.earliest_start; t < l.latest_finish; ++t)
      most_load[t] += peak;
  }

  lp.balance_row.resize(T);
  for (int t = 0; t < T; ++t) {
    double rhs = p.base_load_kw[t] - p.pv_kw[t];
    lp.balance_row[t] = m.add_row(rhs, rhs);
  }
  lp.soc_row.assign(T, -1);
  lp.mode_row.assign(T, -1);
  lp.room_row.assign(T, -1);
  lp.reserve_row.assign(T, -1);
  lp.source_row.assign(T, -1);
  // base - pv: positive where the slot needs power, negative where solar
  // leaves a surplus.
  auto deficit = [&](int t) { return p.base_load_kw[t] - p.pv_kw[t]; };
  if (has_battery) {
    for (int t = 0; t < T; ++t) {
      double rhs = t == 0 ? b.soc_kwh : 0;
      lp.soc_row[t] = m.add_row(rhs, rhs);
    }
    if (b.max_charge_kw > 0 && b.max_discharge_kw > 0)
      for (int t = 0; t < T; ++t)
        if (p.export_price[t] < 0) {
          lp.mode_row[t] = m.add_row(0, 1);
          // s_{t-1} is the constant soc_kwh in slot 0: move it to the bounds.
          double before = t == 0 ? b.soc_kwh : 0;
          lp.room_row[t] = m.add_row(-b.capacity_kwh - before, b.capacity_kwh - before);
          lp.reserve_row[t] = m.add_row(-b.capacity_kwh + before, -b.min_soc_kwh + before);
          // Its lower bound only keeps the row's logical boxed: the import
          // column is at most most_load[t].
          lp.source_row[t] = m.add_row(-most_load[t] - 1, std::max(0.0, -deficit(t)));
        }
  }

  lp.import_col.resize(T);
  lp.export_col.resize(T);
  lp.charge_col.assign(T, -1);
  lp.discharge_col.assign(T, -1);
  lp.soc_col.assign(T, -1);
  for (int t = 0; t < T; ++t) {
    double cap = p.max_import_kw ? std::min(*p.max_import_kw, most_load[t]) : most_load[t];
    lp.import_col[t] = m.add_col(0, cap, p.import_price[t] * h);
    m.entry(lp.balance_row[t], 1);
    if (lp.source_row[t] >= 0)
      m.entry(lp.source_row[t], -1);
    double most_export = p.pv_kw[t] + (has_battery ? b.max_discharge_kw : 0);
    lp.export_col[t] = m.add_col(0, most_export, -p.export_price[t] * h);
    m.entry(lp.balance_row[t], -1);
    if (!has_battery)
      continue;
    lp.charge_col[t] = m.add_col(0, b.max_charge_kw, 0);
    m.entry(lp.balance_row[t], -1);
    m.entry(lp.soc_row[t], -b.charge_efficiency * h);
    if (lp.mode_row[t] >= 0) {
      m.entry(lp.mode_row[t], 1 / b.max_charge_kw);
      m.entry(lp.room_row[t], b.charge_efficiency * h);
      m.entry(lp.source_row[t], 1 + std::max(0.0, deficit(t)) / b.max_charge_kw);
    }
    lp.discharge_col[t] = m.add_col(0, b.max_discharge_kw, 0);
    m.entry(lp.balance_row[t], 1);
    m.entry(lp.soc_row[t], h / b.discharge_efficiency);
    if (lp.mode_row[t] >= 0) {
      m.entry(lp.mode_row[t], 1 / b.max_discharge_kw);
      m.entry(lp.reserve_row[t], h / b.discharge_efficiency);
      if (deficit(t) < 0)
        m.entry(lp.source_row[t], -deficit(t) / b.max_discharge_kw);
    }
    double soc_lo = t + 1 == T ? std::max(b.min_soc_kwh, b.soc_kwh) : b.min_soc_kwh;
    lp.soc_col[t] = m.add_col(soc_lo, b.capacity_kwh, 0);
    m.entry(lp.soc_row[t], 1);
    if (t + 1 < T) {
      m.entry(lp.soc_row[t + 1], -1);
      if (lp.mode_row[t + 1] >= 0) {
        m.entry(lp.room_row[t + 1], 1);
        m.entry(lp.reserve_row[t + 1], -1);
      }
    }
  }

  for (std::size_t i = 0; i < p.loads.size(); ++i) {
    const auto& l = p.loads[i];
    if (l.kind == load_kind::energy) {
      plan_lp::energy_part part;
      part.load = static_cast<int>(i);
      part.first_slot = l.earliest_start;
      part.row = m.add_row(l.energy_kwh / h, l.energy_kwh / h);
      for (int t = l.earliest_start; t < l.latest_finish; ++t) {
        part.cols.push_back(m.add_col(0, l.max_kw, 0));
        m.entry(lp.balance_row[t], -1);
        m.entry(part.row, 1);
      }
      lp.energy.push_back(std::move(part));
    } else {
      plan_lp::shiftable_part part;
      part.load = static_cast<int>(i);
      part.first_start = l.earliest_start;
      part.row = m.add_row(1, 1);
      for (int s = l.earliest_start; s <= l.last_start(); ++s) {
        part.cols.push_back(m.add_col(0, 1, 0));
        for (int k = 0; k < l.length(); ++k)
          if (l.profile_kw[k] != 0)
            m.entry(lp.balance_row[s + k], -l.profile_kw[k]);
        m.entry(part.row, 1);
      }
      lp.shiftable.push_back(std::move(part));
    }
  }

  // Crash basis.
  auto& basis = lp.crash_basis;
  const int n = m.cols();
  basis.assign(m.rows(), -1);
  std::vector<double> expected(T); // slot balance if every load ran at its cheapest
  for (int t = 0; t < T; ++t)
    expected[t] = p.base_load_kw[t] - p.pv_kw[t];
  for (const auto& part : lp.energy) {
    const auto& l = p.loads[part.load];
    int best = 0;
    for (std::size_t k = 1; k < part.cols.size(); ++k)
      if (p.import_price[part.first_slot + k] < p.import_price[part.first_slot + best])
        best = static_cast<int>(k);
    basis[part.row] = part.cols[best];
    (void)l;
  }
  for (const auto& part : lp.shiftable) {
    const auto& l = p.loads[part.load];
    int best = 0;
    double best_cost = 0;
    for (std::size_t k = 0; k < part.cols.size(); ++k) {
      double c = 0;
      for (int j = 0; j < l.length(); ++j)
        c += p.import_price[part.first_start + k + j] * l.profile_kw[j];
      if (k == 0 || c < best_cost) {
        best_cost = c;
        best = static_cast<int>(k);
      }
    }
    basis[part.row] = part.cols[best];
    for (int j = 0; j < l.length(); ++j)
      expected[part.first_start + best + j] += l.profile_kw[j];
  }
  for (int t = 0; t < T; ++t) {
    bool exporting = expected[t] < 0 && m.col_up[lp.export_col[t]] > 0;
    basis[lp.balance_row[t]] = exporting ? lp.export_col[t] : lp.import_col[t];
    if (has_battery)
      basis[lp.soc_row[t]] = lp.soc_col[t];
    if (lp.mode_row[t] >= 0) {
      basis[lp.mode_row[t]] = n + lp.mode_row[t];
      basis[lp.room_row[t]] = n + lp.room_row[t];
      basis[lp.reserve_row[t]] = n + lp.reserve_row[t];
      basis[lp.source_row[t]] = n + lp.source_row[t];
    }
  }
  return lp;
}

} // namespace hems::streams
