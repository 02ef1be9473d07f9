#include "streams/plan_json.hpp"

#include <cmath>

#include "core/json_writer.hpp"

namespace hems::streams {

namespace {

// Solver noise (1e-17) is printed as 0: the plan is read by people too.
double clean(double v) {
  return std::abs(v) < 1e-12 ? 0.0 : v;
}

void write_series(json_writer& w, std::string_view key, const std::vector<double>& v) {
  w.key(key).begin_array();
  for (double x : v)
    w.value(clean(x));
  w.end_array();
}

std::string error_json(std::string_view kind, std::string_view detail, const std::string* field) {
  json_writer w;
  w.begin_object().field("error", kind).field("detail", detail);
  if (field)
    w.field("field", *field);
  w.end_object();
  return w.take();
}

} // namespace

std::string plan_to_json(const plan_problem& p, const plan_result& r) {
  const int T = p.horizon;
  std::vector<double> import_kw(T), export_kw(T);
  double peak = 0;
  for (int t = 0; t < T; ++t) {
    import_kw[t] = std::max(r.grid_kw[t], 0.0);
    export_kw[t] = std::max(-r.grid_kw[t], 0.0);
    peak = std::max(peak, import_kw[t]);
  }
  json_writer w;
  w.begin_object();
  w.field("status", r.optimal ? "optimal" : "feasible");
  w.field("cost", clean(r.cost));
  w.field("bound", clean(r.bound));
  w.field("gap", clean(std::max(r.gap, 0.0)));
  w.field("peak_import_kw", clean(peak));
  w.key("loads").begin_array();
  for (std::size_t i = 0; i < p.loads.size(); ++i) {
    const auto& l = p.loads[i];
    w.begin_object().field("id", l.id);
    if (l.kind == load_kind::shiftable) {
      w.field("type", "shiftable");
      w.field("start", r.decisions.starts[i]);
      w.field("finish", r.decisions.starts[i] + l.length());
    } else {
      w.field("type", "energy");
      write_series(w, "power_kw", r.decisions.power[i]);
    }
    if (i < r.explanations.size()) {
      const auto& e = r.explanations[i];
      w.key("saves");
      if (e.saves)
        w.value(clean(*e.saves));
      else
        w.null();
      w.field("bound_by", e.bound_by).field("explanation", e.text);
    }
    w.end_object();
  }
  w.end_array();
  if (p.battery) {
    std::vector<double> net(T);
    for (int t = 0; t < T; ++t)
      net[t] = r.decisions.charge_kw[t] - r.decisions.discharge_kw[t];
    write_series(w, "battery_kw", net);
    write_series(w, "soc_kwh", soc_path(p, r.decisions));
  }
  write_series(w, "import_kw", import_kw);
  write_series(w, "export_kw", export_kw);
  w.field("solve_ms", r.solve_ms);
  // What each search did: the fast path (decomposition over the cycles'
  // starts) and, when it did not prove the plan, branch and bound on the LP.
  w.key("search").begin_object();
  w.field("bound_from", r.bound_from == plan_result::bound_source::decomposition
                            ? "decomposition"
                            : "branch_and_bound");
  w.field("fast_path_solves", r.continuous_solves)
      .field("fast_path_programs", r.continuous_programs)
      .field("fast_path_ms", r.fast_path_ms);
  w.field("nodes", r.nodes)
      .field("lp_iterations", r.lp_iterations)
      .field("branch_and_bound_ms", r.branch_and_bound_ms);
  w.end_object();
  w.end_object();
  return w.take();
}

plan_outcome plan_from_json(std::string_view body, const plan_options& options) {
  auto problem = read_plan_problem(body);
  if (!problem)
    return {400, error_json("invalid", problem.error().detail, &problem.error().field)};
  auto plan = solve_plan(*problem, options);
  if (!plan) {
    if (plan.error().code == errc::infeasible)
      return {422, error_json("infeasible", plan.error().detail, nullptr)};
    return {500, error_json("internal", plan.error().detail, nullptr)};
  }
  return {200, plan_to_json(*problem, *plan)};
}

} // namespace hems::streams
