#include "streams/plan_explain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "streams/message.hpp"

namespace hems::streams {

namespace {

constexpr double cap_tol = 1e-9;
// Differences below half a cent (or half a cent per kWh) are not worth a
// resident's attention: they do not make a constraint "binding".
constexpr double meaningful = 0.005;
constexpr double inf = std::numeric_limits<double>::infinity();

// "slot 88 (+22:00)": slots counted from the start of the plan.
std::string when(const plan_problem& p, int slot) {
  int minutes = slot * p.slot_minutes;
  int hours = minutes / 60, rest = minutes % 60;
  return cat("slot ", slot, " (+", hours, ":", rest < 10 ? "0" : "", rest, ")");
}

std::string money(double v) {
  return num(v, 2);
}

struct context {
  const plan_problem& p;
  std::vector<double> grid; // the plan's grid power
  double cost;
  double cap;
};

// Grid power and cost with load i's draw replaced by `draw` (kW per slot).
double cost_with(const context& c, const std::vector<double>& without,
                 const std::vector<double>& draw, bool& fits) {
  std::vector<double> g = without;
  fits = true;
  for (int t = 0; t < c.p.horizon; ++t) {
    g[t] += draw[t];
    if (draw[t] > 0 && g[t] > c.cap + cap_tol)
      fits = false;
  }
  return plan_cost(c.p, g);
}

load_explanation explain_shiftable(const context& c, int i, int start) {
  const auto& l = c.p.loads[i];
  const int T = c.p.horizon;
  std::vector<double> without = c.grid;
  for (int k = 0; k < l.length(); ++k)
    without[start + k] -= l.profile_kw[k];
  std::vector<double> draw(T, 0.0);
  auto try_start = [&](int s, bool& fits) {
    std::fill(draw.begin(), draw.end(), 0.0);
    for (int k = 0; k < l.length(); ++k)
      draw[s + k] = l.profile_kw[k];
    return cost_with(c, without, draw, fits);
  };

  load_explanation e;
  const double eps = 1e-6 + 1e-9 * std::abs(c.cost);
  int baseline = start;
  double baseline_cost = c.cost;
  bool earliest_blocked = false;
  for (int s = l.earliest_start; s <= start; ++s) {
    bool fits = false;
    double cost = try_start(s, fits);
    if (fits) {
      baseline = s;
      baseline_cost = cost;
      break;
    }
    earliest_blocked = true;
  }
  e.saves = std::max(0.0, baseline_cost - c.cost);

  int blocked = -1, outside = -1;
  double blocked_cost = c.cost, outside_cost = c.cost;
  for (int s = 0; s + l.length() <= T; ++s) {
    bool fits = false;
    double cost = try_start(s, fits);
    bool in_window = s >= l.earliest_start && s <= l.last_start();
    if (in_window && !fits && cost < blocked_cost - std::max(eps, meaningful)) {
      blocked = s;
      blocked_cost = cost;
    }
    if (!in_window && fits && cost < outside_cost - std::max(eps, meaningful)) {
      outside = s;
      outside_cost = cost;
    }
  }
  double surplus = 0, energy = 0;
  for (int k = 0; k < l.length(); ++k) {
    surplus += std::min(l.profile_kw[k], std::max(0.0, -without[start + k]));
    energy += l.profile_kw[k];
  }

  std::string head = start == l.earliest_start
                         ? cat("Starts at its earliest start, ", when(c.p, start))
                         : cat("Starts at ", when(c.p, start), ", ", start - l.earliest_start,
                               " slots after its earliest start");
  std::string saving =
      *e.saves > eps
          ? cat("; saves ", money(*e.saves), " against starting at ", when(c.p, baseline),
                earliest_blocked ? ", the earliest start the import cap allows" : "")
          : std::string("; starting earlier would save nothing");
  if (blocked >= 0) {
    e.bound_by = "import_cap";
    e.text = cat(head, saving, ". Starting at ", when(c.p, blocked), " would save another ",
                 money(c.cost - blocked_cost), " but push the import above the cap of ",
                 num(c.cap, 3), " kW.");
  } else if (outside >= 0) {
    e.bound_by = "window";
    std::string limit = outside < l.earliest_start
                            ? cat("it may not start before ", when(c.p, l.earliest_start))
                            : cat("it must finish by ", when(c.p, l.latest_finish));
    e.text = cat(head, saving, ". Starting at ", when(c.p, outside), " would save another ",
                 money(c.cost - outside_cost), ", but ", limit, ".");
  } else if (energy > 0 && surplus >= 0.5 * energy) {
    e.bound_by = "solar";
    e.text = cat(head, ", running mostly on solar surplus that would otherwise be exported", saving,
                 ".");
  } else {
    e.bound_by = "price";
    e.text = cat(head, ", when energy is cheapest in its window", saving, ".");
  }
  return e;
}

load_explanation explain_energy(const context& c, int i, const std::vector<double>& power) {
  const auto& l = c.p.loads[i];
  const int T = c.p.horizon;
  const double h = c.p.slot_hours();
  std::vector<double> without = c.grid;
  for (int t = 0; t < T; ++t)
    without[t] -= power[t];

  // Baseline: as much as possible as early as possible.
  std::vector<double> early(T, 0.0);
  double left = l.energy_kwh / h;
  int last_early = l.earliest_start;
  for (int t = l.earliest_start; t < l.latest_finish && left > 1e-12; ++t) {
    double room = std::max(0.0, c.cap - without[t]);
    early[t] = std::min({l.max_kw, room, left});
    left -= early[t];
    if (early[t] > 0)
      last_early = t;
  }
  bool fits = false;
  double baseline_cost = cost_with(c, without, early, fits);

  load_explanation e;
  const double eps = 1e-6 + 1e-9 * std::abs(c.cost);
  if (left <= 1e-9 * std::max(1.0, l.energy_kwh / h))
    e.saves = std::max(0.0, baseline_cost - c.cost);

  // Marginal price the load pays in slot t: what one more kW costs there.
  auto price = [&](int t) {
    return without[t] + power[t] >= 0 ? c.p.import_price[t] : c.p.export_price[t];
  };
  int slots = 0, first = -1, last = -1;
  double highest_used = -inf, weighted = 0, total = 0, surplus = 0;
  for (int t = 0; t < T; ++t) {
    if (power[t] <= 1e-9)
      continue;
    ++slots;
    if (first < 0)
      first = t;
    last = t;
    highest_used = std::max(highest_used, price(t));
    weighted += power[t] * price(t);
    total += power[t];
    surplus += std::min(power[t], std::max(0.0, -without[t]));
  }
  // The cap bound it if a cheaper slot of its window was left at the cap.
  int capped = -1;
  double capped_price = highest_used - meaningful;
  for (int t = l.earliest_start; t < l.latest_finish; ++t)
    if (power[t] < l.max_kw - 1e-6 && without[t] + power[t] >= c.cap - 1e-6 &&
        c.p.import_price[t] < capped_price) {
      capped = t;
      capped_price = c.p.import_price[t];
    }
  int outside = -1;
  double outside_price = highest_used - meaningful;
  for (int t = 0; t < T; ++t) {
    double there = without[t] < 0 ? c.p.export_price[t] : c.p.import_price[t];
    if ((t < l.earliest_start || t >= l.latest_finish) && without[t] + l.max_kw <= c.cap &&
        there < outside_price) {
      outside = t;
      outside_price = there;
    }
  }

  std::string head = total <= 0 ? std::string("Needs no energy")
                                : cat("Draws ", num(l.energy_kwh, 2), " kWh in ", slots,
                                      " slots between ", when(c.p, first), " and ", when(c.p, last),
                                      " at an average of ", money(weighted / total), " per kWh");
  std::string saving =
      e.saves ? (*e.saves > eps ? cat("; saves ", money(*e.saves), " against full power from ",
                                      when(c.p, l.earliest_start), " to ", when(c.p, last_early))
                                : std::string("; charging earlier would save nothing"))
              : std::string("");
  if (capped >= 0) {
    e.bound_by = "import_cap";
    e.text = cat(head, saving, ". It would draw more at ", when(c.p, capped),
                 ", where energy costs ", money(capped_price),
                 " per kWh, but the import is at the cap of ", num(c.cap, 3), " kW there.");
  } else if (outside >= 0 && total > 0) {
    e.bound_by = "window";
    e.text = cat(head, saving, ". Energy is cheapest at ", when(c.p, outside), " (",
                 money(outside_price), " per kWh), outside its window (",
                 when(c.p, l.earliest_start), " to ", when(c.p, l.latest_finish), ").");
  } else if (total > 0 && surplus >= 0.5 * total) {
    e.bound_by = "solar";
    e.text = cat(head, ", mostly on solar surplus that would otherwise be exported", saving, ".");
  } else {
    e.bound_by = "price";
    e.text = cat(head, ", in the cheapest slots of its window", saving, ".");
  }
  return e;
}

} // namespace

std::vector<load_explanation> explain_plan(const plan_problem& p, const plan_decisions& d) {
  context c{p, grid_power(p, d), 0, p.max_import_kw.value_or(inf)};
  c.cost = plan_cost(p, c.grid);
  std::vector<load_explanation> out;
  out.reserve(p.loads.size());
  for (std::size_t i = 0; i < p.loads.size(); ++i)
    out.push_back(p.loads[i].kind == load_kind::shiftable
                      ? explain_shiftable(c, static_cast<int>(i), d.starts[i])
                      : explain_energy(c, static_cast<int>(i), d.power[i]));
  return out;
}

} // namespace hems::streams
