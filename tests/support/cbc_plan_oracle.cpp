#include "tests/support/cbc_plan_oracle.hpp"

#include <algorithm>
#include <chrono>
#include <coin/Cbc_C_Interface.h>
#include <ctime>
#include <limits>

namespace hems::testing {

namespace {

// The MILP in column form: each column carries its entries.
struct milp {
  std::vector<double> lo, up, cost;
  std::vector<bool> integer;
  std::vector<std::vector<std::pair<int, double>>> entries;
  std::vector<double> row_lo, row_up;

  int add_col(double l, double u, double c, bool is_int = false) {
    lo.push_back(l);
    up.push_back(u);
    cost.push_back(c);
    integer.push_back(is_int);
    entries.emplace_back();
    return static_cast<int>(lo.size()) - 1;
  }
  int add_row(double l, double u) {
    row_lo.push_back(l);
    row_up.push_back(u);
    return static_cast<int>(row_lo.size()) - 1;
  }
  void set(int row, int col, double v) { entries[col].emplace_back(row, v); }
};

} // namespace

cbc_outcome solve_with_cbc(const streams::plan_problem& p, const cbc_options& options) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const int T = p.horizon;
  const double h = p.slot_hours();
  milp m;

  // Power balance per slot: import - export - flexible loads - charge + discharge
  // = base - pv.
  std::vector<int> balance(T);
  for (int t = 0; t < T; ++t) {
    double rhs = p.base_load_kw[t] - p.pv_kw[t];
    balance[t] = m.add_row(rhs, rhs);
  }
  for (int t = 0; t < T; ++t) {
    int imp = m.add_col(0, p.max_import_kw ? *p.max_import_kw : inf, p.import_price[t] * h);
    m.set(balance[t], imp, 1);
    int exp = m.add_col(0, inf, -p.export_price[t] * h);
    m.set(balance[t], exp, -1);
  }

  std::vector<std::pair<int, std::vector<int>>> start_cols; // load index, column per start
  for (std::size_t i = 0; i < p.loads.size(); ++i) {
    const auto& l = p.loads[i];
    if (l.kind == streams::load_kind::energy) {
      int energy = m.add_row(l.energy_kwh, l.energy_kwh);
      for (int t = l.earliest_start; t < l.latest_finish; ++t) {
        int col = m.add_col(0, l.max_kw, 0);
        m.set(balance[t], col, -1);
        m.set(energy, col, h);
      }
    } else {
      int one = m.add_row(1, 1);
      std::vector<int> cols;
      for (int s = l.earliest_start; s + l.length() <= l.latest_finish; ++s) {
        int col = m.add_col(0, 1, 0, !options.relax_starts);
        m.set(one, col, 1);
        for (int k = 0; k < l.length(); ++k)
          if (l.profile_kw[k] != 0)
            m.set(balance[s + k], col, -l.profile_kw[k]);
        cols.push_back(col);
      }
      start_cols.emplace_back(static_cast<int>(i), std::move(cols));
    }
  }

  if (p.battery) {
    const auto& b = *p.battery;
    // soc_{t+1} - soc_t - charge_efficiency*h*c_t + h/discharge_efficiency*d_t = 0
    int prev_soc = -1;
    for (int t = 0; t < T; ++t) {
      int c = m.add_col(0, b.max_charge_kw, 0);
      int d = m.add_col(0, b.max_discharge_kw, 0);
      if (options.modes == battery_modes::every_slot || p.export_price[t] < 0) {
        // z = 1: may charge; z = 0: may discharge.
        int z = m.add_col(0, 1, 0, true);
        int charge_only_if_z = m.add_row(-inf, 0);
        m.set(charge_only_if_z, c, 1);
        m.set(charge_only_if_z, z, -b.max_charge_kw);
        int discharge_only_if_not_z = m.add_row(-inf, b.max_discharge_kw);
        m.set(discharge_only_if_not_z, d, 1);
        m.set(discharge_only_if_not_z, z, b.max_discharge_kw);
      }
      m.set(balance[t], c, -1);
      m.set(balance[t], d, 1);
      double next_lo = t + 1 == T ? std::max(b.min_soc_kwh, b.soc_kwh) : b.min_soc_kwh;
      int soc = m.add_col(next_lo, b.capacity_kwh, 0);
      double rhs = prev_soc < 0 ? b.soc_kwh : 0;
      int dyn = m.add_row(rhs, rhs);
      m.set(dyn, soc, 1);
      if (prev_soc >= 0)
        m.set(dyn, prev_soc, -1);
      m.set(dyn, c, -b.charge_efficiency * h);
      m.set(dyn, d, h / b.discharge_efficiency);
      prev_soc = soc;
    }
  }

  std::vector<int> starts;
  std::vector<int> index;
  std::vector<double> value;
  starts.push_back(0);
  for (auto& col : m.entries) {
    for (auto [r, v] : col) {
      index.push_back(r);
      value.push_back(v);
    }
    starts.push_back(static_cast<int>(index.size()));
  }
  const int cols = static_cast<int>(m.lo.size());
  const int rows = static_cast<int>(m.row_lo.size());
  Cbc_Model* model = Cbc_newModel();
  Cbc_loadProblem(model, cols, rows, starts.data(), index.data(), value.data(), m.lo.data(),
                  m.up.data(), m.cost.data(), m.row_lo.data(), m.row_up.data());
  for (int j = 0; j < cols; ++j)
    if (m.integer[j])
      Cbc_setInteger(model, j);
  Cbc_setLogLevel(model, 0);
  Cbc_setAllowableGap(model, 1e-9);
  Cbc_setAllowableFractionGap(model, 1e-9);
  Cbc_setMaximumSeconds(model, options.time_limit_s);
  Cbc_setParameter(model, "threads", "1");
  // CBC 2.10's preprocessing cuts off the true optimum of some of these models
  // (seen on the negative_prices example: it proves -0.0789767 optimal where
  // -0.0789816 is feasible); without it CBC agrees with the reference.
  if (!options.preprocess)
    Cbc_setParameter(model, "preprocess", "off");

  timespec cpu0{}, cpu1{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
  auto t0 = std::chrono::steady_clock::now();
  Cbc_solve(model);
  auto t1 = std::chrono::steady_clock::now();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);

  cbc_outcome out;
  out.solve_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  out.solve_cpu_ms = (cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (cpu1.tv_nsec - cpu0.tv_nsec) * 1e-6;
  out.optimal = Cbc_isProvenOptimal(model) != 0;
  out.infeasible = Cbc_isProvenInfeasible(model) != 0;
  if (!out.infeasible) {
    out.cost = Cbc_getObjValue(model);
    out.bound = Cbc_getBestPossibleObjValue(model);
    const double* x = Cbc_getColSolution(model);
    out.starts.assign(p.loads.size(), -1);
    for (auto& [i, cols_of_load] : start_cols) {
      const auto& l = p.loads[i];
      double best = -1;
      for (std::size_t k = 0; k < cols_of_load.size(); ++k)
        if (x[cols_of_load[k]] > best) {
          best = x[cols_of_load[k]];
          out.starts[i] = l.earliest_start + static_cast<int>(k);
        }
    }
  }
  Cbc_deleteModel(model);
  return out;
}

} // namespace hems::testing
