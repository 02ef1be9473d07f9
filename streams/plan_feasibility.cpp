#include "streams/plan_feasibility.hpp"

#include <algorithm>
#include <cmath>

#include "streams/message.hpp"

namespace hems::streams {

namespace {

constexpr double tol = 1e-9;

std::string quoted_list(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0)
      out += i + 1 == ids.size() ? " and " : ", ";
    out += cat("'", ids[i], "'");
  }
  return out;
}

} // namespace

std::optional<std::string> find_infeasibility(const plan_problem& p) {
  const double h = p.slot_hours();
  const double discharge = p.battery ? p.battery->max_discharge_kw : 0;

  for (const auto& l : p.loads) {
    if (l.kind != load_kind::energy)
      continue;
    int slots = l.latest_finish - l.earliest_start;
    double most = l.max_kw * h * slots;
    if (l.energy_kwh > most * (1 + tol) + tol)
      return cat("load '", l.id, "' needs ", num(l.energy_kwh, 3), " kWh but can draw at most ",
                 num(most, 3), " kWh before slot ", l.latest_finish, " (", num(l.max_kw, 3),
                 " kW from slot ", l.earliest_start, ")");
  }

  if (!p.max_import_kw)
    return std::nullopt;
  const double cap = *p.max_import_kw;
  // What the grid must supply in slot t at the very least, even with the
  // battery discharging at full power (its charge may not even last).
  auto least_import = [&](int t) { return p.base_load_kw[t] - p.pv_kw[t] - discharge; };

  for (int t = 0; t < p.horizon; ++t)
    if (least_import(t) > cap + tol)
      return cat("in slot ", t, " the base load of ", num(p.base_load_kw[t], 3),
                 " kW exceeds the import cap of ", num(cap, 3), " kW",
                 p.pv_kw[t] > 0 ? " even with solar" : "",
                 p.battery ? " even with the battery discharging at full power" : "");

  for (const auto& l : p.loads) {
    if (l.kind == load_kind::shiftable) {
      bool fits = false;
      for (int s = l.earliest_start; s <= l.last_start() && !fits; ++s) {
        fits = true;
        for (int k = 0; k < l.length() && fits; ++k)
          fits = least_import(s + k) + l.profile_kw[k] <= cap + tol;
      }
      if (!fits)
        return cat("load '", l.id, "' cannot run anywhere in its window (slots ", l.earliest_start,
                   " to ", l.latest_finish - 1, ") without exceeding the import cap of ",
                   num(cap, 3), " kW");
    } else {
      double room = 0;
      for (int t = l.earliest_start; t < l.latest_finish; ++t)
        room += std::min(l.max_kw, std::max(0.0, cap - least_import(t))) * h;
      if (l.energy_kwh > room * (1 + tol) + tol)
        return cat("load '", l.id, "' needs ", num(l.energy_kwh, 3), " kWh but the import cap of ",
                   num(cap, 3), " kW leaves room for at most ", num(room, 3), " kWh before slot ",
                   l.latest_finish, " (from slot ", l.earliest_start, ")");
    }
  }
  return std::nullopt;
}

std::string explain_infeasible_relaxation(const plan_problem& p, const plan_lp& lp,
                                          const std::vector<double>& farkas) {
  double largest = 0;
  for (double w : farkas)
    largest = std::max(largest, std::abs(w));
  auto used = [&](int row) { return row >= 0 && std::abs(farkas[row]) > 1e-9 * largest; };

  std::vector<std::string> loads;
  for (const auto& part : lp.energy)
    if (used(part.row))
      loads.push_back(p.loads[part.load].id);
  for (const auto& part : lp.shiftable)
    if (used(part.row))
      loads.push_back(p.loads[part.load].id);
  int first = -1, last = -1;
  bool battery = false;
  for (int t = 0; t < lp.horizon; ++t) {
    if (used(lp.balance_row[t])) {
      if (first < 0)
        first = t;
      last = t;
    }
    battery = battery || used(lp.soc_row[t]) || used(lp.source_row[t]);
  }
  std::string who = loads.empty() ? std::string("the base load")
                                  : cat(loads.size() == 1 ? "load " : "loads ", quoted_list(loads));
  std::string limit = p.max_import_kw ? cat("the import cap of ", num(*p.max_import_kw, 3), " kW")
                                      : std::string("the limits of the problem");
  std::string where = first >= 0 ? cat(" between slot ", first, " and slot ", last) : "";
  return cat(who, loads.size() > 1 ? " cannot all be served" : " cannot be served", where,
             " within ", limit, battery ? " (the battery cannot make up the difference)" : "");
}

std::string explain_no_start_combination(const plan_problem& p) {
  std::vector<std::string> ids;
  for (const auto& l : p.loads)
    if (l.kind == load_kind::shiftable)
      ids.push_back(l.id);
  std::string limit = p.max_import_kw ? cat("the import cap of ", num(*p.max_import_kw, 3), " kW")
                                      : std::string("the limits of the problem");
  return cat("no choice of start slots lets ", quoted_list(ids), " run within ", limit,
             " (each fits alone, not together)");
}

} // namespace hems::streams
