#include "tests/support/plan_checker.hpp"

#include <cmath>
#include <sstream>

#include <simdjson.h>

namespace hems::testing {

namespace dom = simdjson::dom;

namespace {

constexpr double tol = 1e-6;

std::string str(double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

bool read_array(dom::element parent, const char* key, std::vector<double>& out) {
  dom::array arr;
  if (parent[key].get_array().get(arr) != simdjson::SUCCESS)
    return false;
  out.clear();
  for (dom::element e : arr) {
    double v = 0;
    if (e.is_int64())
      v = static_cast<double>(e.get_int64().value_unsafe());
    else if (e.get_double().get(v) != simdjson::SUCCESS)
      return false;
    out.push_back(v);
  }
  return true;
}

} // namespace

std::string plan_check::summary() const {
  std::string s;
  for (const auto& v : violations)
    s += v + "; ";
  return s;
}

plan_check check_plan_json(const streams::plan_problem& p, std::string_view plan_json) {
  plan_check r;
  auto bad = [&](std::string what) { r.violations.push_back(std::move(what)); };
  dom::parser parser;
  dom::element root;
  if (parser.parse(plan_json.data(), plan_json.size()).get(root) != simdjson::SUCCESS) {
    bad("plan is not JSON");
    return r;
  }
  std::string_view status;
  if (root["status"].get_string().get(status) != simdjson::SUCCESS ||
      (status != "optimal" && status != "feasible"))
    bad("status is not optimal/feasible");
  r.status = std::string(status);
  if (root["cost"].get_double().get(r.reported_cost) != simdjson::SUCCESS) {
    int64_t c = 0;
    if (root["cost"].get_int64().get(c) == simdjson::SUCCESS)
      r.reported_cost = static_cast<double>(c);
    else
      bad("no cost");
  }
  double v = 0;
  if (root["bound"].get_double().get(v) == simdjson::SUCCESS)
    r.bound = v;
  if (root["gap"].get_double().get(v) == simdjson::SUCCESS)
    r.gap = v;

  const int T = p.horizon;
  const double h = p.slot_minutes / 60.0;
  std::vector<double> grid(T);
  for (int t = 0; t < T; ++t)
    grid[t] = p.base_load_kw[t] - p.pv_kw[t];

  dom::array loads;
  if (root["loads"].get_array().get(loads) != simdjson::SUCCESS || loads.size() != p.loads.size()) {
    bad("loads array missing or of the wrong length");
    return r;
  }
  std::size_t i = 0;
  for (dom::element le : loads) {
    const auto& l = p.loads[i];
    std::string_view id;
    if (le["id"].get_string().get(id) != simdjson::SUCCESS || id != l.id)
      bad("load " + std::to_string(i) + " has the wrong id");
    if (l.kind == streams::load_kind::shiftable) {
      int64_t start = -1;
      if (le["start"].get_int64().get(start) != simdjson::SUCCESS) {
        bad("shiftable '" + l.id + "' has no start");
        r.starts.push_back(-1);
      } else if (start < l.earliest_start || start + l.length() > l.latest_finish) {
        bad("shiftable '" + l.id + "' starts at " + std::to_string(start) + " outside its window");
        r.starts.push_back(static_cast<int>(start));
      } else {
        r.starts.push_back(static_cast<int>(start));
        for (int k = 0; k < l.length(); ++k)
          grid[start + k] += l.profile_kw[k];
      }
    } else {
      r.starts.push_back(-1);
      std::vector<double> power;
      if (!read_array(le, "power_kw", power) || static_cast<int>(power.size()) != T) {
        bad("energy load '" + l.id + "' has no power_kw of horizon length");
      } else {
        double energy = 0;
        for (int t = 0; t < T; ++t) {
          bool inside = t >= l.earliest_start && t < l.latest_finish;
          if (power[t] < -tol || power[t] > (inside ? l.max_kw : 0) + tol)
            bad("energy load '" + l.id + "' draws " + str(power[t]) + " kW in slot " +
                std::to_string(t));
          energy += power[t] * h;
          grid[t] += power[t];
        }
        if (std::abs(energy - l.energy_kwh) > tol)
          bad("energy load '" + l.id + "' gets " + str(energy) + " kWh instead of " +
              str(l.energy_kwh));
      }
    }
    ++i;
  }

  std::vector<double> battery;
  bool has_battery_kw = read_array(root, "battery_kw", battery);
  if (p.battery) {
    const auto& b = *p.battery;
    if (!has_battery_kw || static_cast<int>(battery.size()) != T) {
      bad("battery_kw missing or of the wrong length");
    } else {
      double soc = b.soc_kwh;
      for (int t = 0; t < T; ++t) {
        double c = std::max(battery[t], 0.0), d = std::max(-battery[t], 0.0);
        if (c > b.max_charge_kw + tol || d > b.max_discharge_kw + tol)
          bad("battery power " + str(battery[t]) + " kW out of range in slot " + std::to_string(t));
        soc += (c * b.charge_efficiency - d / b.discharge_efficiency) * h;
        if (soc < b.min_soc_kwh - tol || soc > b.capacity_kwh + tol)
          bad("state of charge " + str(soc) + " kWh out of range after slot " + std::to_string(t));
        grid[t] += battery[t];
      }
      if (soc < b.soc_kwh - tol)
        bad("final state of charge " + str(soc) + " below the initial " + str(b.soc_kwh));
    }
  } else if (has_battery_kw) {
    for (double x : battery)
      if (std::abs(x) > tol)
        bad("battery power without a battery");
  }

  std::vector<double> import_kw;
  bool has_import =
      read_array(root, "import_kw", import_kw) && static_cast<int>(import_kw.size()) == T;
  if (!has_import)
    bad("import_kw missing or of the wrong length");
  double cost = 0;
  for (int t = 0; t < T; ++t) {
    double imp = std::max(grid[t], 0.0), exp = std::max(-grid[t], 0.0);
    if (p.max_import_kw && imp > *p.max_import_kw + tol)
      bad("import " + str(imp) + " kW above the cap in slot " + std::to_string(t));
    if (has_import && std::abs(import_kw[t] - imp) > tol)
      bad("import_kw[" + std::to_string(t) + "] = " + str(import_kw[t]) +
          " but the decisions give " + str(imp));
    cost += (p.import_price[t] * imp - p.export_price[t] * exp) * h;
  }
  r.cost = cost;
  if (std::abs(r.reported_cost - cost) > 1e-6 + 1e-9 * std::abs(cost))
    bad("reported cost " + str(r.reported_cost) + " but the decisions cost " + str(cost));
  if (r.bound && *r.bound > r.reported_cost + 1e-9 * (1 + std::abs(r.reported_cost)))
    bad("bound " + str(*r.bound) + " above the cost");
  if (r.gap && *r.gap < 0)
    bad("negative gap");
  return r;
}

} // namespace hems::testing
