#include "streams/home_plan_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/json_writer.hpp"
#include "streams/plan_solver.hpp"
#include "streams/window_grid.hpp"

namespace hems::streams {

namespace {

/// A run request as the problem sees it: its profile and its allowed starts.
struct run_slots {
  std::size_t request = 0; ///< index into automation.runs
  std::vector<double> profile_kw;
  int natural_start = 0;                   ///< first slot at or after its earliest
  std::vector<std::pair<int, int>> ranges; ///< allowed start slots, inclusive
};

/// Currency per kWh added per slot ahead to break ties (see plan_home).
constexpr double tie_break_per_slot = 1e-6;

int ceil_slots(millis dt, millis slot_ms) {
  return static_cast<int>(floor_div(dt + slot_ms - 1, slot_ms));
}

double load_cost(const std::vector<double>& profile_kw, const std::vector<double>& price, int start,
                 double hours) {
  double c = 0;
  for (std::size_t k = 0; k < profile_kw.size(); ++k)
    c += profile_kw[k] * price[static_cast<std::size_t>(start) + k] * hours;
  return c;
}

std::string money(double x, const std::string& currency) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ", x);
  return buf + currency;
}

std::string local_hhmm(const local_zone& zone, millis t) {
  return format_time_of_day(floor_to(zone.moment(t).ms_of_day, minute_ms));
}

// Where a run may start, or why it cannot.
std::expected<run_slots, std::string> slots_of(const home_plan_inputs& in, const plan_problem& p,
                                               std::size_t index, millis from) {
  const auto& run = in.automation.runs[index];
  run_slots out;
  out.request = index;
  if (run.duration_ms <= 0 || !(run.power_w > 0))
    return std::unexpected("needs a duration and a power above zero");
  int length = ceil_slots(run.duration_ms, in.slot_ms);
  // The cycle's energy spread over whole slots, so the plan's energy is the cycle's.
  double kw = run.power_w / 1000.0 * static_cast<double>(run.duration_ms) /
              static_cast<double>(length * in.slot_ms);
  out.profile_kw.assign(static_cast<std::size_t>(length), kw);
  int first = std::max(
      {0, ceil_slots(run.earliest_ms - from, in.slot_ms), ceil_slots(in.now - from, in.slot_ms)});
  int finish =
      std::min<int>(p.horizon, static_cast<int>(floor_div(run.deadline_ms - from, in.slot_ms)));
  out.natural_start = first;
  int last = finish - length;
  if (last < first)
    return std::unexpected("its window is too short for its duration (or ends before now)");
  for (int s = first; s <= last; ++s) {
    if (start_blocked(in, run.device, from + s * in.slot_ms))
      continue;
    if (!out.ranges.empty() && out.ranges.back().second == s - 1)
      out.ranges.back().second = s;
    else
      out.ranges.emplace_back(s, s);
  }
  if (out.ranges.empty())
    return std::unexpected("every start in its window is blocked (peak_avoid or peak hours)");
  return out;
}

/// An energy request as the problem sees it.
struct energy_slots {
  std::size_t request = 0;
  int first = 0;
  int finish = 0;        ///< the chosen window [first, finish)
  int natural_first = 0; ///< without automation: full power from here
};

std::expected<energy_slots, std::string>
energy_slots_of(const home_plan_inputs& in, const plan_problem& p, std::size_t index, millis from) {
  const auto& e = in.energy[index];
  if (!(e.energy_wh > 0) || !(e.max_w > 0))
    return std::unexpected("needs energy and a power above zero");
  int first = std::max(
      {0, ceil_slots(e.earliest_ms - from, in.slot_ms), ceil_slots(in.now - from, in.slot_ms)});
  int finish =
      std::min<int>(p.horizon, static_cast<int>(floor_div(e.deadline_ms - from, in.slot_ms)));
  double per_slot_wh = e.max_w * p.slot_hours();
  energy_slots out;
  out.request = index;
  out.natural_first = first;
  // The unblocked runs of slots that can hold the energy; the cheapest wins.
  double best = std::numeric_limits<double>::infinity();
  for (int s = first; s < finish;) {
    if (start_blocked(in, e.device, from + s * in.slot_ms)) {
      ++s;
      continue;
    }
    int end = s;
    while (end < finish && !start_blocked(in, e.device, from + end * in.slot_ms))
      ++end;
    if ((end - s) * per_slot_wh >= e.energy_wh - 1e-9) {
      std::vector<double> prices(p.import_price.begin() + s, p.import_price.begin() + end);
      std::sort(prices.begin(), prices.end());
      double need = e.energy_wh, cost = 0;
      for (double price : prices) {
        double take = std::min(need, per_slot_wh);
        cost += take * price;
        need -= take;
      }
      if (cost < best) {
        best = cost;
        out.first = s;
        out.finish = end;
      }
    }
    s = end;
  }
  if (best == std::numeric_limits<double>::infinity())
    return std::unexpected("cannot draw its energy by its deadline outside blocked hours");
  return out;
}

// The range holding the load's cheapest start on the prices alone.
std::size_t cheapest_range(const run_slots& r, const plan_problem& p) {
  std::size_t best = 0;
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < r.ranges.size(); ++i)
    for (int s = r.ranges[i].first; s <= r.ranges[i].second; ++s)
      if (double c = load_cost(r.profile_kw, p.import_price, s, p.slot_hours()); c < best_cost) {
        best_cost = c;
        best = i;
      }
  return best;
}

struct solved {
  plan_problem problem;
  plan_result result;
};

std::optional<solved> solve_choice(const plan_problem& base, const std::vector<run_slots>& runs,
                                   const std::vector<energy_slots>& energy,
                                   const std::vector<std::size_t>& choice,
                                   const home_plan_inputs& in, std::string* infeasible) {
  plan_problem p = base;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    plan_load l;
    l.id = in.automation.runs[r.request].schedule_id.empty()
               ? in.automation.runs[r.request].device
               : in.automation.runs[r.request].schedule_id;
    l.kind = load_kind::shiftable;
    l.profile_kw = r.profile_kw;
    l.earliest_start = r.ranges[choice[i]].first;
    l.latest_finish = r.ranges[choice[i]].second + l.length();
    p.loads.push_back(std::move(l));
  }
  for (const auto& e : energy) {
    const auto& req = in.energy[e.request];
    plan_load l;
    l.id = req.id.empty() ? req.device : req.id;
    l.kind = load_kind::energy;
    l.energy_kwh = req.energy_wh / 1000;
    l.max_kw = req.max_w / 1000;
    l.earliest_start = e.first;
    l.latest_finish = e.finish;
    p.loads.push_back(std::move(l));
  }
  plan_options options;
  options.time_budget_ms = in.time_budget_ms;
  auto got = solve_plan(p, options);
  if (!got) {
    if (infeasible)
      *infeasible = got.error().detail;
    return std::nullopt;
  }
  return solved{std::move(p), std::move(*got)};
}

} // namespace

millis plan_start(millis now, millis slot_ms) {
  return floor_to(now, slot_ms);
}

bool start_blocked(const home_plan_inputs& in, const std::string& device, millis t) {
  for (const auto& b : in.automation.blocked)
    if ((b.device.empty() || b.device == device) && t >= b.from_ms && t < b.to_ms)
      return true;
  if (in.preferences.peak_hours.empty())
    return false;
  auto m = in.zone.moment(t);
  return std::any_of(in.preferences.peak_hours.begin(), in.preferences.peak_hours.end(),
                     [&](const daily_period& p) { return p.contains(m); });
}

plan_problem base_problem(const home_plan_inputs& in) {
  plan_problem p;
  p.slot_minutes = static_cast<int>(in.slot_ms / minute_ms);
  p.horizon = in.horizon;
  millis from = plan_start(in.now, in.slot_ms);
  auto curve = price_curve_at(in.tariff, in.zone, from, in.horizon, in.slot_ms);
  p.import_price = std::move(curve.import_prices);
  p.export_price = std::move(curve.export_prices);
  for (const auto& e : in.dr_events)
    for (int s = 0; s < in.horizon; ++s) {
      millis t = from + s * in.slot_ms;
      if (t + in.slot_ms > e.from_ms && t < e.to_ms)
        p.import_price[static_cast<std::size_t>(s)] += e.price_adder;
    }
  // The contract wants export <= import: a feed-in price above the import
  // price would only pay the plan to import and export at once.
  for (std::size_t s = 0; s < p.export_price.size(); ++s)
    p.export_price[s] = std::min(p.export_price[s], p.import_price[s]);
  p.base_load_kw.assign(static_cast<std::size_t>(in.horizon), in.standby_kw);
  if (in.forecast)
    for (int s = 0; s < in.horizon; ++s) {
      auto k = floor_div(from + s * in.slot_ms - in.forecast->start, in.slot_ms);
      if (k >= 0 && k < static_cast<std::int64_t>(in.forecast->kw.size()))
        p.base_load_kw[static_cast<std::size_t>(s)] =
            std::max(0.0, in.forecast->kw[static_cast<std::size_t>(k)]);
    }
  p.pv_kw.assign(static_cast<std::size_t>(in.horizon), 0.0);
  if (in.preferences.import_cap_w)
    p.max_import_kw = *in.preferences.import_cap_w / 1000.0;
  return p;
}

home_plan plan_home(const home_plan_inputs& in) {
  home_plan out;
  out.home = in.home;
  out.computed_ms = in.now;
  out.from = plan_start(in.now, in.slot_ms);
  out.slot_ms = in.slot_ms;
  out.currency = currency_at(in.tariff, in.now);
  plan_problem base = base_problem(in);
  out.import_prices = base.import_price;
  out.export_prices = base.export_price;
  for (double kw : base.base_load_kw)
    out.base_load_w.push_back(kw * 1000);

  std::vector<run_slots> runs;
  for (std::size_t i = 0; i < in.automation.runs.size(); ++i) {
    auto r = slots_of(in, base, i, out.from);
    if (r)
      runs.push_back(std::move(*r));
    else
      out.unplaced.push_back({in.automation.runs[i], r.error()});
  }
  std::vector<energy_slots> energy;
  auto as_run = [&](const energy_request& e) {
    run_request r;
    r.schedule_id = e.id;
    r.device = e.device;
    r.earliest_ms = e.earliest_ms;
    r.deadline_ms = e.deadline_ms;
    r.power_w = e.max_w;
    return r;
  };
  for (std::size_t i = 0; i < in.energy.size(); ++i) {
    auto e = energy_slots_of(in, base, i, out.from);
    if (e)
      energy.push_back(*e);
    else
      out.unplaced.push_back({as_run(in.energy[i]), e.error()});
  }

  // The choices of windows to solve: all combinations when few, else the greedy one.
  std::vector<std::vector<std::size_t>> choices;
  double combinations = 1;
  for (const auto& r : runs)
    combinations *= static_cast<double>(r.ranges.size());
  if (combinations <= in.max_combinations) {
    std::vector<std::size_t> c(runs.size(), 0);
    for (;;) {
      choices.push_back(c);
      std::size_t k = 0;
      while (k < runs.size() && ++c[k] == runs[k].ranges.size())
        c[k++] = 0;
      if (k == runs.size())
        break;
    }
  } else {
    std::vector<std::size_t> c;
    for (const auto& r : runs)
      c.push_back(cheapest_range(r, base));
    choices.push_back(std::move(c));
  }

  auto solve_all = [&](const plan_problem& problem, std::string* why) {
    std::optional<solved> best;
    for (const auto& c : choices)
      if (auto s = solve_choice(problem, runs, energy, c, in, why);
          s && (!best || s->result.cost < best->result.cost))
        best = std::move(s);
    return best;
  };
  // Equal prices leave starts tied; a tiny cost rising with time makes the
  // earliest of them win, so re-plans keep a start instead of hopping between
  // equals. Reported costs use the real prices.
  plan_problem tied = base;
  for (std::size_t s = 0; s < tied.import_price.size(); ++s)
    tied.import_price[s] += tie_break_per_slot * static_cast<double>(s);
  std::string why;
  auto best = solve_all(tied, &why);
  if (!best && tied.max_import_kw) {
    // The cap cannot hold (the base load alone may exceed it): plan without
    // it rather than not at all, and say so.
    out.notes.push_back("the import cap of " +
                        std::to_string(static_cast<long>(*in.preferences.import_cap_w)) +
                        " W cannot hold (" + why + "); planned without it");
    tied.max_import_kw.reset();
    best = solve_all(tied, &why);
  }
  if (!best) {
    for (const auto& r : runs)
      out.unplaced.push_back({in.automation.runs[r.request], "no plan: " + why});
    for (const auto& e : energy)
      out.unplaced.push_back({as_run(in.energy[e.request]), "no plan: " + why});
    out.status = "infeasible";
    return out;
  }
  out.expected_cost = plan_cost(base, best->result.grid_kw);
  out.status = runs.empty() && energy.empty() ? "empty"
               : best->result.optimal         ? "optimal"
                                              : "feasible";
  out.gap = best->result.gap;
  double hours = best->problem.slot_hours();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const auto& run = in.automation.runs[r.request];
    int start = best->result.decisions.starts[i];
    planned_load l;
    l.run = run;
    l.start_ms = out.from + start * in.slot_ms;
    l.end_ms = l.start_ms + run.duration_ms;
    l.energy_wh = run.power_w * static_cast<double>(run.duration_ms) / hour_ms;
    l.cost = load_cost(r.profile_kw, base.import_price, start, hours);
    l.saving = load_cost(r.profile_kw, base.import_price, r.natural_start, hours) - l.cost;
    if (i < best->result.explanations.size())
      l.bound_by = best->result.explanations[i].bound_by;
    bool blocked_natural = start_blocked(in, run.device, out.from + r.natural_start * in.slot_ms);
    if (start != r.natural_start)
      l.explanation = run.device + " moved to " + local_hhmm(in.zone, l.start_ms);
    else
      l.explanation = run.device + " starts at " + local_hhmm(in.zone, l.start_ms);
    if (l.saving > 0.005)
      l.explanation += ", saves " + money(l.saving, out.currency);
    if (blocked_natural)
      l.explanation += " (kept out of peak hours)";
    out.savings += l.saving;
    out.loads.push_back(std::move(l));
  }
  for (std::size_t j = 0; j < energy.size(); ++j) {
    const auto& e = energy[j];
    const auto& req = in.energy[e.request];
    const auto& power = best->result.decisions.power[runs.size() + j];
    planned_load l;
    l.run = as_run(req);
    l.interruptible = true;
    int first = -1, last = -1;
    for (int s = 0; s < static_cast<int>(power.size()); ++s)
      if (power[static_cast<std::size_t>(s)] > 1e-9) {
        if (first < 0)
          first = s;
        last = s;
        l.cost += power[static_cast<std::size_t>(s)] *
                  base.import_price[static_cast<std::size_t>(s)] * hours;
      }
    if (first < 0)
      first = last = e.first;
    l.start_ms = out.from + first * in.slot_ms;
    l.end_ms = out.from + (last + 1) * in.slot_ms;
    l.run.duration_ms = l.end_ms - l.start_ms;
    l.energy_wh = req.energy_wh;
    // Without automation: full power from its earliest slot until charged.
    double need_kwh = req.energy_wh / 1000, natural = 0;
    for (int s = e.natural_first; s < base.horizon && need_kwh > 1e-12; ++s) {
      double take = std::min(need_kwh, req.max_w / 1000 * hours);
      natural += take * base.import_price[static_cast<std::size_t>(s)];
      need_kwh -= take;
    }
    l.saving = natural - l.cost;
    if (runs.size() + j < best->result.explanations.size())
      l.bound_by = best->result.explanations[runs.size() + j].bound_by;
    l.explanation = req.device + " draws from " + local_hhmm(in.zone, l.start_ms) + " to " +
                    local_hhmm(in.zone, l.end_ms);
    if (l.saving > 0.005)
      l.explanation += ", saves " + money(l.saving, out.currency);
    out.savings += l.saving;
    out.loads.push_back(std::move(l));
  }
  return out;
}

std::vector<planned_start> planned_starts(const home_plan& plan) {
  std::vector<planned_start> out;
  for (const auto& l : plan.loads) {
    if (l.interruptible)
      continue; // no scheduler fires a power profile yet: GET /plan shows it
    planned_start s;
    s.schedule_id = l.run.schedule_id;
    s.device = l.run.device;
    s.start_ms = l.start_ms;
    s.end_ms = l.end_ms;
    s.explanation = l.explanation;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<planned_load> moved_loads(const home_plan& plan,
                                      const std::vector<planned_start>& previous) {
  std::vector<planned_load> out;
  for (const auto& l : plan.loads) {
    auto same = std::find_if(previous.begin(), previous.end(), [&](const planned_start& p) {
      return p.schedule_id == l.run.schedule_id && p.device == l.run.device &&
             p.start_ms == l.start_ms;
    });
    if (same == previous.end())
      out.push_back(l);
  }
  return out;
}

std::string home_plan_json(const home_plan& plan) {
  json_writer w;
  w.begin_object()
      .field("home", plan.home)
      .field("computed_ms", plan.computed_ms)
      .field("slot_ms", plan.slot_ms)
      .field("from", plan.from)
      .field("currency", plan.currency);
  auto numbers = [&](std::string_view key, const std::vector<double>& xs) {
    w.key(key).begin_array();
    for (double x : xs)
      w.value(x);
    w.end_array();
  };
  numbers("prices", plan.import_prices);
  numbers("export_prices", plan.export_prices);
  numbers("base_load_w", plan.base_load_w);
  w.key("loads").begin_array();
  for (const auto& l : plan.loads)
    w.begin_object()
        .field("device", l.run.device)
        .field("schedule_id", l.run.schedule_id)
        .field("kind", l.interruptible ? "energy" : "cycle")
        .field("start_ms", l.start_ms)
        .field("end_ms", l.end_ms)
        .field("energy_wh", l.energy_wh)
        .field("cost", l.cost)
        .field("saving", l.saving)
        .field("bound_by", l.bound_by)
        .field("explanation", l.explanation)
        .end_object();
  w.end_array().key("unplaced").begin_array();
  for (const auto& u : plan.unplaced)
    w.begin_object()
        .field("device", u.run.device)
        .field("schedule_id", u.run.schedule_id)
        .field("reason", u.reason)
        .end_object();
  w.end_array()
      .field("expected_cost", plan.expected_cost)
      .field("savings", plan.savings)
      .field("status", plan.status)
      .field("gap", plan.gap)
      .key("notes")
      .begin_array();
  for (const auto& n : plan.notes)
    w.value(n);
  w.end_array().end_object();
  return w.take();
}

} // namespace hems::streams
