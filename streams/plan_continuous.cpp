#include "streams/plan_continuous.hpp"

#include <algorithm>
#include <cmath>

#include "streams/lp_simplex.hpp"
#include "streams/small_max_flow.hpp"

namespace hems::streams {

namespace {

// Master weights below this are dropped from the plan.
constexpr double weight_tol = 1e-12;
// Energies the master may miss by this (kW-slots) count as met.
constexpr double energy_tol = 1e-7;

double grid_cost(const slot_prices& s, double g) {
  return g >= 0 ? s.buy * g : s.sell * g;
}

} // namespace

continuous_solver& continuous_solver::spare() {
  thread_local continuous_solver memory;
  return memory;
}

void continuous_solver::take_memory(continuous_solver& from) {
  // Every container of `from` becomes one of ours, emptied (the same as a
  // new one but for its capacity); `from` gets ours. No other state moves.
  auto take = [](auto& mine, auto& theirs) {
    std::swap(mine, theirs);
    mine.clear();
  };
  take(prices_, from.prices_);
  take(parts_, from.parts_);
  take(slot_parts_start_, from.slot_parts_start_);
  take(slot_parts_, from.slot_parts_);
  take(order_, from.order_);
  take(lambda_, from.lambda_);
  take(radius_, from.radius_);
  take(box_lo_, from.box_lo_);
  take(box_hi_, from.box_hi_);
  take(storage_, from.storage_);
  take(storage_lo_, from.storage_lo_);
  take(storage_hi_, from.storage_hi_);
  take(weights_, from.weights_);
  take(next_lambda_, from.next_lambda_);
  // Columns are all spares here (each is assigned in full before it is read).
  std::swap(spare_columns_, from.spare_columns_);
  for (auto& c : from.columns_)
    spare_columns_.push_back(std::move(c));
  from.columns_.clear();
  columns_.clear();
  std::swap(dp_, from.dp_); // reset() before its first use
  std::swap(h_curve_, from.h_curve_);
  h_curve_.clear();
  take(k_delta_, from.k_delta_);
  take(k_value_, from.k_value_);
  take(k_start_, from.k_start_);
  take(program_a_, from.program_a_);
  take(program_lambda_, from.program_lambda_);
  take(kept_a_, from.kept_a_);
  take(kept_delta_, from.kept_delta_);
  take(kept_value_, from.kept_value_);
  take(kept_start_, from.kept_start_);
  take(path_delta_, from.path_delta_);
  take(path_soc_, from.path_soc_);
  take(loads_, from.loads_);
  take(slot_loads_, from.slot_loads_);
  take(slot_load_parts_, from.slot_load_parts_);
  take(h_argmin_, from.h_argmin_);
  take(slot_x_, from.slot_x_);
  take(path_charge_, from.path_charge_);
  take(path_discharge_, from.path_discharge_);
  take(tied_, from.tied_);
  take(eager_, from.eager_);
  take(slot_eager_, from.slot_eager_);
  take(offers_, from.offers_);
  std::swap(flow_, from.flow_); // reset() before its first use
  take(tie_arcs_, from.tie_arcs_);
  take(part_ties_, from.part_ties_);
  take(slot_loads_lambda_, from.slot_loads_lambda_);
  take(eager_masks_, from.eager_masks_);
  take(single_ties_, from.single_ties_);
  take(draw_, from.draw_);
  take(best_lambda_, from.best_lambda_);
  // The certificate's curves (two small vectors per slot) are the largest:
  // kept with their own memory (each is built before it is read).
  std::swap(phi_, from.phi_);
  take(phi_w_, from.phi_w_);
  take(phi_lambda_, from.phi_lambda_);
  take(out_.charge_kw, from.out_.charge_kw);
  take(out_.discharge_kw, from.out_.discharge_kw);
  std::swap(out_.power_kw, from.out_.power_kw); // solve() clears each one it uses
  take(out_.slot_price, from.out_.slot_price);
  take(out_.slope_lo, from.out_.slope_lo);
  take(out_.slope_hi, from.out_.slope_hi);
}

continuous_solver::~continuous_solver() {
  if (problem_ != nullptr) // not the spare itself
    spare().take_memory(*this);
}

continuous_solver::continuous_solver(const plan_problem& p) : problem_(&p) {
  take_memory(spare());
  horizon_ = p.horizon;
  h_ = p.slot_hours();
  prices_.resize(horizon_);
  double largest = 0;
  for (int t = 0; t < horizon_; ++t) {
    prices_[t].buy = p.import_price[t] * h_;
    prices_[t].sell = p.export_price[t] * h_;
    prices_[t].cap = p.max_import_kw ? *p.max_import_kw : unbounded;
    largest = std::max({largest, std::abs(prices_[t].buy), std::abs(prices_[t].sell)});
  }
  if (p.battery) {
    const auto& b = *p.battery;
    has_battery_ = true;
    battery_.alpha = b.charge_efficiency * h_;
    battery_.beta = h_ / b.discharge_efficiency;
    battery_.charge = b.max_charge_kw;
    battery_.discharge = b.max_discharge_kw;
    limits_.lo = b.min_soc_kwh;
    limits_.hi = b.capacity_kwh;
    limits_.start = b.soc_kwh;
    limits_.end_lo = std::max(b.min_soc_kwh, b.soc_kwh);
    largest /= std::min(battery_.alpha, 1.0);
  }
  // Energy prices beyond this are never needed to meet an energy that can be
  // met: the master's artificial columns cost it.
  big_price_ = 1e4 * (1 + largest);
  int offset = 0;
  for (std::size_t i = 0; i < p.loads.size(); ++i) {
    const auto& l = p.loads[i];
    if (l.kind != load_kind::energy)
      continue;
    energy_part part;
    part.load = static_cast<int>(i);
    part.first = l.earliest_start;
    part.last = l.latest_finish;
    part.max_kw = l.max_kw;
    part.need = l.energy_kwh / h_;
    part.offset = offset;
    offset += part.last - part.first;
    part.lowest_level = unbounded;
    part.highest_level = -unbounded;
    for (int t = part.first; t < part.last; ++t)
      for (double level : {p.import_price[t] * h_, p.export_price[t] * h_}) {
        part.lowest_level = std::min(part.lowest_level, level);
        part.highest_level = std::max(part.highest_level, level);
      }
    parts_.push_back(part);
  }
  slot_parts_start_.assign(horizon_ + 1, 0);
  for (const auto& part : parts_)
    for (int t = part.first; t < part.last; ++t)
      ++slot_parts_start_[t + 1];
  for (int t = 0; t < horizon_; ++t)
    slot_parts_start_[t + 1] += slot_parts_start_[t];
  slot_parts_.resize(slot_parts_start_[horizon_]);
  std::vector<int> fill(slot_parts_start_.begin(), slot_parts_start_.end() - 1);
  for (std::size_t e = 0; e < parts_.size(); ++e)
    for (int t = parts_[e].first; t < parts_[e].last; ++t)
      slot_parts_[fill[t]++] = static_cast<int>(e);
  lambda_.assign(parts_.size(), 0.0);
  k_start_.assign(horizon_ + 1, 0);
  kept_start_.assign(horizon_ + 1, 0);
  slot_loads_.resize(slot_parts_.size());
  slot_load_parts_.resize(slot_parts_.size());
  h_argmin_.assign(horizon_, 0.0);
}

continuous_solver::column& continuous_solver::new_column() {
  if (spare_columns_.empty()) {
    columns_.emplace_back();
  } else {
    columns_.push_back(std::move(spare_columns_.back()));
    spare_columns_.pop_back();
  }
  return columns_.back();
}

void continuous_solver::clear_columns() {
  for (auto& c : columns_)
    spare_columns_.push_back(std::move(c));
  columns_.clear();
}

void continuous_solver::active_loads(int t, std::vector<slot_load>& out) const {
  out.clear();
  for (int k = slot_parts_start_[t]; k < slot_parts_start_[t + 1]; ++k) {
    int e = slot_parts_[k];
    slot_load l{lambda_[e], parts_[e].max_kw};
    // Insertion by decreasing value (a handful of loads per slot).
    std::size_t at = out.size();
    out.push_back(l);
    while (at > 0 && out[at - 1].value < l.value) {
      out[at] = out[at - 1];
      --at;
    }
    out[at] = l;
  }
}

void continuous_solver::sort_slot_loads(int t) {
  // As active_loads, into the program's per-slot lists.
  const int begin = slot_parts_start_[t];
  int end = begin;
  for (int k = begin; k < slot_parts_start_[t + 1]; ++k) {
    int e = slot_parts_[k];
    slot_load l{lambda_[e], parts_[e].max_kw};
    int at = end++;
    while (at > begin && slot_loads_[at - 1].value < l.value) {
      slot_loads_[at] = slot_loads_[at - 1];
      slot_load_parts_[at] = slot_load_parts_[at - 1];
      --at;
    }
    slot_loads_[at] = l;
    slot_load_parts_[at] = e;
  }
}

void continuous_solver::initial_prices(std::span<const double> a) {
  // Each energy load alone against the grid: the price of its marginal kW
  // when it fills its window's cheapest room first (solar surplus at the
  // export price, then import up to the cap).
  auto& offers = offers_;
  for (std::size_t e = 0; e < parts_.size(); ++e) {
    const auto& part = parts_[e];
    offers.clear();
    for (int t = part.first; t < part.last; ++t) {
      const auto& s = prices_[t];
      double surplus = std::min(part.max_kw, std::max(0.0, -a[t]));
      if (surplus > 0)
        offers.push_back({s.sell, surplus});
      double room = std::min(part.max_kw - surplus, s.cap - std::max(a[t], 0.0));
      if (room > 0)
        offers.push_back({s.buy, room});
    }
    std::sort(offers.begin(), offers.end(),
              [](const offer& l, const offer& r) { return l.price < r.price; });
    double left = part.need, price = offers.empty() ? 0 : offers.front().price;
    for (const auto& o : offers) {
      price = o.price;
      left -= o.kw;
      if (left <= 0)
        break;
    }
    lambda_[e] = price;
  }
}

bool continuous_solver::run_program(std::span<const double> a, double& lagrangian) {
  const int T = horizon_;
  ++out_.programs;
  // A slot's k depends on its net load and, through the loads active in it,
  // on λ. Where neither changed since the last complete program (at its λ,
  // where the next solve starts: every slot whose net load did not move;
  // at another λ: those without an energy load) that program's curve is
  // copied instead of built again.
  const bool previous = has_battery_ && program_complete_;
  const bool reuse = previous && program_lambda_ == lambda_;
  auto same_curve = [&](int t) {
    return a[t] == kept_a_[t] && (reuse || slot_parts_start_[t] == slot_parts_start_[t + 1]);
  };
  if (previous) {
    std::swap(k_delta_, kept_delta_);
    std::swap(k_value_, kept_value_);
    std::swap(k_start_, kept_start_);
    std::swap(program_a_, kept_a_);
  }
  program_complete_ = false;
  k_delta_.clear();
  k_value_.clear();
  double total = 0;
  battery_placed_ = false;
  // The dynamic program also resumes below the last slot whose curve changed.
  int resume = T;
  if (previous) {
    int unchanged_from = T;
    while (unchanged_from > 0 && same_curve(unchanged_from - 1))
      --unchanged_from;
    resume = dp_.rewind(unchanged_from);
  }
  if (has_battery_ && resume == T)
    dp_.reset(limits_, T);
  if (!reuse) {
    // Whether a load's λ equals the grid's price in a slot of its window
    // (only then does allocate's `eager` matter for it), per load.
    part_ties_.assign(parts_.size(), 0);
    for (int t = 0; t < T; ++t)
      for (int k = slot_parts_start_[t]; k < slot_parts_start_[t + 1]; ++k) {
        const int e = slot_parts_[k];
        if (part_ties_[e])
          continue;
        const double value = lambda_[e];
        if (same_price(value, prices_[t].sell) || same_price(value, prices_[t].buy))
          part_ties_[e] = 1;
      }
  }
  if (!reuse)
    slot_loads_valid_ = false; // until every slot is sorted at this λ
  for (int t = T - 1; t >= 0; --t) {
    if (!reuse)
      sort_slot_loads(t);
    const std::span<const slot_load> loads(slot_loads_.data() + slot_parts_start_[t],
                                           slot_parts_start_[t + 1] - slot_parts_start_[t]);
    const bool kept = previous && same_curve(t);
    if (kept) {
      const std::size_t from = static_cast<std::size_t>(kept_start_[t]);
      const std::size_t to =
          t == 0 ? kept_delta_.size() : static_cast<std::size_t>(kept_start_[t - 1]);
      std::size_t before = k_delta_.size();
      // (one by one: vector::insert's and resize's general paths cost more
      // than these few points)
      for (std::size_t i = from; i < to; ++i) {
        k_delta_.push_back(kept_delta_[i]);
        k_value_.push_back(kept_value_[i]);
      }
      k_start_[t] = static_cast<int>(before);
      if (t >= resume)
        continue; // in the program's rewound state already
      if (!dp_.add_slot(t, std::span<const double>(k_delta_).subspan(before),
                        std::span<const double>(k_value_).subspan(before)))
        return false;
      continue;
    }
    build_grid_curve(prices_[t], loads, h_curve_);
    if (!has_battery_) {
      double v = h_curve_(a[t]);
      if (v == unbounded)
        return false;
      total += v;
      continue;
    }
    h_argmin_[t] = h_curve_.left_slope < 0 ? h_curve_.argmin() : 0.0;
    std::size_t before = k_delta_.size();
    if (!build_battery_curve(h_curve_, a[t], battery_, k_delta_, k_value_))
      return false;
    k_start_[t] = static_cast<int>(before);
    if (!dp_.add_slot(t, std::span<const double>(k_delta_).subspan(before),
                      std::span<const double>(k_value_).subspan(before)))
      return false;
  }
  if (!reuse) {
    slot_loads_valid_ = true;
    slot_loads_lambda_ = lambda_;
  }
  if (has_battery_) {
    program_a_.assign(a.begin(), a.end());
    program_lambda_ = lambda_;
    program_complete_ = true;
    total = dp_.finish();
    if (total == unbounded)
      return false;
    dp_.path(path_delta_, path_soc_);
  }
  lagrangian = total;
  for (std::size_t e = 0; e < parts_.size(); ++e)
    lagrangian += lambda_[e] * parts_[e].need;
  return true;
}

void continuous_solver::place_battery(std::span<const double> a) {
  // The battery along the last program's path: the same in every column of
  // the program (only the loads' tie-breaking differs between them).
  const int T = horizon_;
  path_charge_.resize(T);
  path_discharge_.resize(T);
  slot_x_.resize(T);
  for (int t = 0; t < T; ++t) {
    double power = battery_power(prices_[t].sell, h_argmin_[t], a[t], battery_, path_delta_[t]);
    split_battery_power(battery_, path_delta_[t], power, path_charge_[t], path_discharge_[t]);
    slot_x_[t] = a[t] + power;
  }
  battery_placed_ = true;
}

void continuous_solver::allocate(std::span<const double> a, std::span<const std::uint8_t> eager,
                                 column& out) {
  // The plan along the last program's path: battery, loads and grid, slot by
  // slot. Loads tied with the grid's price draw if `eager`.
  const int T = horizon_;
  if (has_battery_ && !battery_placed_)
    place_battery(a);
  out.cost = 0;
  out.energy.assign(parts_.size(), 0.0);
  if (has_battery_) {
    out.charge.assign(path_charge_.begin(), path_charge_.end());
    out.discharge.assign(path_discharge_.begin(), path_discharge_.end());
  } else {
    out.charge.clear();
    out.discharge.clear();
  }
  out.power.assign(
      parts_.empty() ? 0 : parts_.back().offset + parts_.back().last - parts_.back().first, 0.0);
  const bool any_eager = std::any_of(eager.begin(), eager.end(), [](auto e) { return e != 0; });
  for (int t = 0; t < T; ++t) {
    const double x = has_battery_ ? slot_x_[t] : a[t];
    const int begin = slot_parts_start_[t];
    const std::size_t n = static_cast<std::size_t>(slot_parts_start_[t + 1] - begin);
    if (n == 0) {
      out.cost += grid_cost(prices_[t], x); // allocate_loads without loads: the grid takes x
      continue;
    }
    const std::span<const slot_load> loads(slot_loads_.data() + begin, n);
    const int* load_parts = slot_load_parts_.data() + begin;
    // (Scratch only grows: a resize per slot cost more than the work.)
    if (draw_.size() < n)
      draw_.resize(n);
    std::span<const std::uint8_t> slot_eager; // empty: none is eager
    if (any_eager) {
      if (slot_eager_.size() < n)
        slot_eager_.resize(n);
      for (std::size_t k = 0; k < n; ++k)
        slot_eager_[k] = eager[load_parts[k]];
      slot_eager = std::span<const std::uint8_t>(slot_eager_.data(), n);
    }
    double g = allocate_loads(prices_[t], loads, x, std::span<double>(draw_.data(), n), slot_eager);
    for (std::size_t k = 0; k < n; ++k) {
      const auto& part = parts_[load_parts[k]];
      out.power[part.offset + t - part.first] = draw_[k];
      out.energy[load_parts[k]] += draw_[k];
    }
    out.cost += grid_cost(prices_[t], g);
  }
}

void continuous_solver::newton_price(int e, std::span<const double> a, const column& ref) {
  // The load's supply curve at the reference plan, the battery and the other
  // loads held: the grid's room in each slot of its window at the price that
  // room costs (export first, then import up to the cap), or, to draw less,
  // what each kW it draws saves. The new λ is where that curve meets the
  // need. Exact when the battery does not respond; the cutting planes of the
  // master take over once the need is bracketed.
  const auto& part = parts_[e];
  double deficit = part.need - ref.energy[e];
  const bool up = deficit > 0;
  auto& offers = offers_;
  offers.clear();
  for (int t = part.first; t < part.last; ++t) {
    const auto& s = prices_[t];
    double g = a[t];
    if (has_battery_)
      g += ref.charge[t] - ref.discharge[t];
    for (int k = slot_parts_start_[t]; k < slot_parts_start_[t + 1]; ++k) {
      const auto& other = parts_[slot_parts_[k]];
      g += ref.power[other.offset + t - other.first];
    }
    double p = ref.power[part.offset + t - part.first];
    if (up) {
      double room = part.max_kw - p;
      if (g < 0 && room > 0) {
        double m = std::min(room, -g);
        offers.push_back({s.sell, m});
        room -= m;
        g = 0;
      }
      double m = std::min(room, s.cap - std::max(g, 0.0));
      if (m > 0)
        offers.push_back({s.buy, m});
    } else {
      double give = p;
      if (g > 0 && give > 0) {
        double m = std::min(give, g);
        offers.push_back({s.buy, m});
        give -= m;
      }
      if (give > 0)
        offers.push_back({s.sell, give});
    }
  }
  if (up)
    std::sort(offers.begin(), offers.end(),
              [](const auto& l, const auto& r) { return l.price < r.price; });
  else
    std::sort(offers.begin(), offers.end(),
              [](const auto& l, const auto& r) { return l.price > r.price; });
  double left = std::abs(deficit), price = lambda_[e];
  bool covered = false;
  for (const auto& o : offers) {
    price = o.price;
    left -= o.kw;
    if (left <= energy_tol) {
      covered = true;
      break;
    }
  }
  double& l = lambda_[e];
  const double step = 1e-9 * (1 + std::abs(l));
  if (!covered)
    price = up ? l + 1 + std::abs(l) : l - 1 - std::abs(l);
  l = up ? std::max(price, l + step) : std::min(price, l - step);
}

bool continuous_solver::solve_master(std::vector<double>& lambda, double& value,
                                     std::vector<double>& weights) const {
  // min sum_j w_j cost_j  s.t.  sum_j w_j (energy_j - need) + s+ - s- = 0,
  // sum_j w_j = 1, with artificial s at a big price (so λ stays bounded while
  // the columns do not surround the needs yet).
  const int K = static_cast<int>(parts_.size());
  weights.assign(columns_.size(), 0.0);
  if (K == 1) {
    // The lower convex hull of the columns' (energy, cost) at the need.
    const double need = parts_[0].need;
    int best_i = -1, best_j = -1;
    double best_value = unbounded;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      double qi = columns_[i].energy[0];
      if (std::abs(qi - need) <= energy_tol && columns_[i].cost < best_value) {
        best_value = columns_[i].cost;
        best_i = best_j = static_cast<int>(i);
      }
      if (qi > need)
        continue;
      for (std::size_t j = 0; j < columns_.size(); ++j) {
        double qj = columns_[j].energy[0];
        if (qj <= need || qj - qi <= energy_tol)
          continue;
        double share = (need - qi) / (qj - qi);
        double v = columns_[i].cost + share * (columns_[j].cost - columns_[i].cost);
        if (v < best_value) {
          best_value = v;
          best_i = static_cast<int>(i);
          best_j = static_cast<int>(j);
        }
      }
    }
    if (best_i < 0)
      return false;
    value = best_value;
    if (best_i == best_j) {
      weights[best_i] = 1;
      return true; // λ stays: the columns at it already meet the need
    }
    const auto& ci = columns_[best_i];
    const auto& cj = columns_[best_j];
    double share = (need - ci.energy[0]) / (cj.energy[0] - ci.energy[0]);
    weights[best_i] = 1 - share;
    weights[best_j] = share;
    lambda.assign(1, (cj.cost - ci.cost) / (cj.energy[0] - ci.energy[0]));
    return true;
  }
  lp::model m;
  for (int e = 0; e < K; ++e)
    m.add_row(0, 0);
  int convexity = m.add_row(1, 1);
  for (const auto& c : columns_) {
    m.add_col(0, 1, c.cost);
    for (int e = 0; e < K; ++e) {
      double v = c.energy[e] - parts_[e].need;
      if (v != 0)
        m.entry(e, v);
    }
    m.entry(convexity, 1);
  }
  // Artificial energy at the box's prices: the master's λ stays in the box
  // (a trust region), and the box only binds while artificials are used.
  for (int e = 0; e < K; ++e) {
    double most = parts_[e].need + parts_[e].max_kw * (parts_[e].last - parts_[e].first) + 1;
    m.add_col(0, most, box_hi_[e]);
    m.entry(e, 1);
    m.add_col(0, most, -box_lo_[e]);
    m.entry(e, -1);
  }
  // The master is tiny (one row per energy load); a solve that needs more
  // than a few passes over it is cycling on a degenerate basis. Then λ
  // stays, which ends the cutting planes (the bound still holds).
  lp::dual_simplex s(m);
  lp::limits lim;
  lim.max_iterations = 20L * (K + 1 + static_cast<long>(columns_.size()) + 2L * K) + 100;
  if (s.solve(lim) != lp::status::optimal) {
    lambda = lambda_;
    return false;
  }
  const auto& y = s.duals();
  lambda.assign(y.begin(), y.begin() + K);
  value = s.objective();
  weights.resize(columns_.size());
  for (std::size_t j = 0; j < columns_.size(); ++j)
    weights[j] = s.x(static_cast<int>(j));
  double artificial = 0;
  for (int e = 0; e < 2 * K; ++e)
    artificial += s.x(static_cast<int>(columns_.size()) + e);
  return artificial <= energy_tol;
}

void continuous_solver::set_box(bool improved) {
  // A trust region around the best λ for the master (several loads): it
  // grows while steps improve the bound and shrinks when they do not.
  const int K = static_cast<int>(parts_.size());
  if (radius_.empty()) {
    radius_.resize(K);
    for (int e = 0; e < K; ++e) {
      const auto& part = parts_[e];
      radius_[e] =
          0.25 * (part.highest_level - part.lowest_level) + 1e-3 * (1 + std::abs(lambda_[e]));
    }
  } else {
    for (int e = 0; e < K; ++e)
      radius_[e] *= improved ? 2.0 : 0.5;
  }
  box_lo_.resize(K);
  box_hi_.resize(K);
  for (int e = 0; e < K; ++e) {
    box_lo_[e] = best_lambda_[e] - radius_[e];
    box_hi_[e] = best_lambda_[e] + radius_[e];
  }
}

bool continuous_solver::share_ties(std::span<const double> a, double lagrangian,
                                   std::vector<double>& weights) {
  // The last program's plan with loads drawing nothing where they are tied
  // with the grid's price. Drawing there costs exactly λ per kW, so any
  // extra the ties hold leaves the Lagrangian cost unchanged: if the ties
  // can hold every load's shortfall, that plan meets every energy and the
  // bound (optimal). Loads share a slot's tied room (the export surplus when
  // tied with the export price, the import room under the cap when tied with
  // the import price): a small transport problem, solved as a maximum flow.
  const int K = static_cast<int>(parts_.size());
  const std::size_t base = columns_.size() - (K > 1 ? K + 2 : 2);
  const column& low = columns_[base]; // until the plan's column is added
  double short_total = 0;
  for (int e = 0; e < K; ++e) {
    double d = parts_[e].need - low.energy[e];
    if (d < -energy_tol)
      return false;
    short_total += std::max(d, 0.0);
  }
  const int T = horizon_;
  const int source = 0, sink = 1;
  // With one load the network is a star (source, the load, one node per
  // tied slot, sink): its flow is computed directly, below.
  const bool single = K == 1;
  if (!single) {
    flow_.reset(2 + K);
    for (int e = 0; e < K; ++e)
      flow_.add_arc(source, 2 + e, std::max(0.0, parts_[e].need - low.energy[e]));
  }
  auto& arcs = tie_arcs_;
  arcs.clear();
  single_ties_.clear();
  int nodes = 2 + K;
  auto& tied = tied_; // (part, room)
  if (short_total > energy_tol)
    for (int t = 0; t < T; ++t) {
      const auto& s = prices_[t];
      double g = a[t];
      if (has_battery_)
        g += low.charge[t] - low.discharge[t];
      tied.clear();
      for (int k = slot_parts_start_[t]; k < slot_parts_start_[t + 1]; ++k) {
        int e = slot_parts_[k];
        const auto& part = parts_[e];
        double p = low.power[part.offset + t - part.first];
        g += p;
        if (p < part.max_kw)
          tied.emplace_back(e, part.max_kw - p);
      }
      double room = 0;
      const bool flat = same_price(s.sell, s.buy);
      std::size_t kept = 0;
      for (auto [e, r] : tied) {
        double l = lambda_[e];
        bool at_sell = g < 0 && same_price(l, s.sell);
        bool at_buy = g >= 0 && same_price(l, s.buy);
        if (at_sell || at_buy || (flat && same_price(l, s.buy)))
          tied[kept++] = {e, r};
      }
      tied.resize(kept);
      if (tied.empty())
        continue;
      if (flat)
        room = s.cap - g;
      else
        room = g < 0 ? -g : s.cap - g;
      if (room <= energy_tol)
        continue;
      if (single) {
        single_ties_.push_back({t, tied.front().second, room, 0.0});
        continue;
      }
      int tier = nodes++;
      flow_.add_node();
      flow_.add_arc(tier, sink, room);
      for (auto [e, r] : tied)
        arcs.push_back({flow_.add_arc(2 + e, tier, r), e, t});
    }
  if (short_total > energy_tol) {
    double total = 0;
    if (single) {
      // What small_max_flow::run does on the star, step for step: its
      // breadth-first search reaches the slot nodes in the reverse order of
      // their arcs (the last slot first), and each augmenting path takes the
      // least of the three residuals on it, which leaves one of them at
      // exactly zero. So the same pushes, in the same order, give the same
      // flows (bit for bit) without the network.
      constexpr double epsilon = 1e-12; // as run()'s
      double left = std::max(0.0, parts_[0].need - low.energy[0]);
      for (std::size_t i = single_ties_.size(); i-- > 0 && left > epsilon;) {
        auto& tie = single_ties_[i];
        if (!(tie.load_room > epsilon && tie.slot_room > epsilon))
          continue;
        double push = std::min(std::min(tie.slot_room, tie.load_room), left);
        left -= push;
        tie.flow = push;
        total += push;
      }
    } else {
      total = flow_.run(source, sink, 1e-12);
    }
    if (total < short_total - energy_tol)
      return false;
  }
  // The plan, checked: cap, powers, and its cost against the bound.
  column& plan = new_column(); // (low is not used past here: it may have moved)
  plan = columns_[base];
  for (const auto& tie : single_ties_)
    if (tie.flow > 0) {
      const auto& part = parts_[0];
      plan.power[part.offset + tie.slot - part.first] += tie.flow;
      plan.energy[0] += tie.flow;
    }
  for (const auto& ta : arcs) {
    double f = flow_.flow(ta.arc);
    if (f <= 0)
      continue;
    const auto& part = parts_[ta.part];
    plan.power[part.offset + ta.slot - part.first] += f;
    plan.energy[ta.part] += f;
  }
  plan.cost = 0;
  for (int t = 0; t < T; ++t) {
    double g = a[t];
    if (has_battery_)
      g += plan.charge[t] - plan.discharge[t];
    for (int k = slot_parts_start_[t]; k < slot_parts_start_[t + 1]; ++k) {
      const auto& part = parts_[slot_parts_[k]];
      g += plan.power[part.offset + t - part.first];
    }
    if (g > prices_[t].cap + 1e-9)
      return false;
    plan.cost += grid_cost(prices_[t], g);
  }
  if (plan.cost > lagrangian + std::max(absolute_gap_, relative_gap_ * std::abs(plan.cost)) * 0.1)
    return false;
  weights.assign(columns_.size(), 0.0);
  weights.back() = 1;
  return true;
}

const continuous_plan& continuous_solver::solve(std::span<const double> a) {
  const int T = horizon_;
  const int K = static_cast<int>(parts_.size());
  out_.programs = 0;
  out_.has_plan = false;
  out_.status = continuous_plan::verdict::unproven;
  out_.bound = -unbounded;
  if (!have_lambda_ && K > 0)
    initial_prices(a);
  have_lambda_ = true;
  clear_columns();
  radius_.clear();

  double best = -unbounded;
  best_lambda_ = lambda_;
  std::vector<double>& weights = weights_;
  std::vector<double>& next = next_lambda_;
  weights.assign(1, 1.0);
  next.clear();
  bool met = K == 0;
  eager_.assign(K, 0);
  for (int round = 0; round < max_programs_; ++round) {
    double lagrangian = 0;
    if (!run_program(a, lagrangian)) {
      out_.status = continuous_plan::verdict::infeasible;
      return out_;
    }
    if (lagrangian > best) {
      best = lagrangian;
      best_lambda_ = lambda_;
    }
    // Columns at this λ: loads tied with the grid's price drawing or not
    // (all optimal for λ; mixing them meets the energies exactly when λ is
    // right), one load at a time when there are several.
    std::fill(eager_.begin(), eager_.end(), 0);
    allocate(a, eager_, new_column());
    if (K == 0)
      break;
    // `eager` only matters for loads with a tie somewhere (part_ties_): a
    // column whose tied loads are eager as in an earlier column of this
    // program is a copy of it (without any tie, all are copies of the first).
    const std::size_t first = columns_.size() - 1;
    eager_masks_.assign(1, 0);
    auto add_column = [&] {
      bool exact = K <= 64; // masks as bits
      std::uint64_t mask = 0;
      for (int e = 0; e < K && exact; ++e)
        if (eager_[e] && part_ties_[e])
          mask |= std::uint64_t{1} << e;
      std::size_t same = eager_masks_.size();
      if (exact)
        same = static_cast<std::size_t>(std::find(eager_masks_.begin(), eager_masks_.end(), mask) -
                                        eager_masks_.begin());
      if (same < eager_masks_.size()) {
        column& c = new_column();
        c = columns_[first + same];
      } else {
        allocate(a, eager_, new_column());
      }
      eager_masks_.push_back(exact ? mask : ~std::uint64_t{0});
    };
    std::fill(eager_.begin(), eager_.end(), 1);
    add_column();
    if (K > 1)
      for (int e = 0; e < K; ++e) {
        std::fill(eager_.begin(), eager_.end(), 0);
        eager_[e] = 1;
        add_column();
      }
    if (share_ties(a, lagrangian, weights)) {
      met = true;
      break;
    }
    // Until each need lies between energies seen, step λ along the load's
    // supply curve at this plan (battery and other loads held).
    const std::size_t base = columns_.size() - (K > 1 ? K + 2 : 2);
    bool bracketed = true;
    for (int e = 0; e < K; ++e) {
      double lo = unbounded, hi = -unbounded;
      for (const auto& c : columns_) {
        lo = std::min(lo, c.energy[e]);
        hi = std::max(hi, c.energy[e]);
      }
      if (parts_[e].need > hi + energy_tol) {
        newton_price(e, a, columns_[base + (K > 1 ? 2 + e : 1)]);
        bracketed = false;
      } else if (parts_[e].need < lo - energy_tol) {
        newton_price(e, a, columns_[base]);
        bracketed = false;
      }
    }
    if (!bracketed)
      continue;
    // Then Kelley's cutting planes: the master's prices, until its value
    // meets the bound.
    if (K > 1)
      set_box(lagrangian >= best && round > 0);
    double value = 0;
    met = solve_master(next, value, weights);
    double tolerance = std::max(absolute_gap_, relative_gap_ * std::abs(value));
    if (met && value - best <= 0.1 * tolerance)
      break;
    if (next == lambda_)
      break; // no progress possible (rounding)
    lambda_ = next;
  }

  // The plan: the master's combination of DP plans.
  out_.charge_kw.assign(has_battery_ ? T : 0, 0.0);
  out_.discharge_kw.assign(has_battery_ ? T : 0, 0.0);
  out_.power_kw.resize(problem_->loads.size()); // the inner vectors' memory kept
  for (auto& power : out_.power_kw)
    power.clear();
  for (const auto& part : parts_)
    out_.power_kw[part.load].assign(T, 0.0);
  if (met) {
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      double w = weights[j];
      if (std::abs(w) <= weight_tol)
        continue;
      const auto& c = columns_[j];
      for (int t = 0; t < (has_battery_ ? T : 0); ++t) {
        out_.charge_kw[t] += w * c.charge[t];
        out_.discharge_kw[t] += w * c.discharge[t];
      }
      for (const auto& part : parts_)
        for (int t = part.first; t < part.last; ++t)
          out_.power_kw[part.load][t] += w * c.power[part.offset + t - part.first];
    }
    // Energies exact (the master meets them within its tolerance).
    for (const auto& part : parts_) {
      auto& power = out_.power_kw[part.load];
      double missing = part.need;
      for (int t = part.first; t < part.last; ++t) {
        power[t] = std::clamp(power[t], 0.0, part.max_kw);
        missing -= power[t];
      }
      for (int t = part.first; t < part.last && missing != 0; ++t) {
        double change =
            missing > 0 ? std::min(missing, part.max_kw - power[t]) : std::max(missing, -power[t]);
        power[t] += change;
        missing -= change;
      }
    }
    // Charging and discharging in one slot (a mix of plans): net it out, the
    // same state of charge for less grid energy.
    if (has_battery_)
      for (int t = 0; t < T; ++t) {
        double& c = out_.charge_kw[t];
        double& d = out_.discharge_kw[t];
        if (c <= 0 || d <= 0)
          continue;
        if (battery_.alpha * c >= battery_.beta * d) {
          c -= battery_.beta * d / battery_.alpha;
          d = 0;
        } else {
          d -= battery_.alpha * c / battery_.beta;
          c = 0;
        }
      }
    out_.cost = 0;
    for (int t = 0; t < T; ++t) {
      double g = a[t];
      if (has_battery_)
        g += out_.charge_kw[t] - out_.discharge_kw[t];
      for (const auto& part : parts_)
        if (t >= part.first && t < part.last)
          g += out_.power_kw[part.load][t];
      out_.cost += grid_cost(prices_[t], g);
    }
    out_.has_plan = true;
  }

  // Certificate at the best λ: the DP plan there gives the storage values.
  if (K > 0 && lambda_ != best_lambda_) {
    lambda_ = best_lambda_;
    double lagrangian;
    if (!run_program(a, lagrangian)) {
      out_.status = continuous_plan::verdict::infeasible;
      return out_;
    }
  }
  certify(a);
  if (out_.has_plan &&
      out_.cost - out_.bound <= std::max(absolute_gap_, relative_gap_ * std::abs(out_.cost)))
    out_.status = continuous_plan::verdict::optimal;
  return out_;
}

void continuous_solver::storage_values(std::vector<double>& w) {
  const int T = horizon_;
  w.assign(T, 0.0);
  // Storage values: w_t must lie in k_t's subdifferential at δ_t, stay
  // equal while the state of charge is strictly inside its limits, and may
  // only fall past a slot that ends empty (rise past one that ends full).
  // Backward: the set of values each w_t can take; forward: pick.
  std::vector<double>& lo = storage_lo_;
  std::vector<double>& hi = storage_hi_;
  lo.assign(T, 0.0);
  hi.assign(T, 0.0);
  auto subdifferential = [&](int t, double& l, double& r) {
    int begin = k_start_[t];
    int end = t == 0 ? static_cast<int>(k_delta_.size()) : k_start_[t - 1];
    double d = path_delta_[t];
    l = -unbounded;
    r = unbounded;
    // The segments that decide (by comparisons; then only their slopes are
    // computed): the last one ending at or before d, the first one starting
    // at or after d, or one with d inside (it sets both; no later segment
    // can then change either).
    const double tol = 1e-9 * (1 + std::abs(d));
    int left = -1, right = -1;
    for (int i = begin; i + 1 < end; ++i) {
      double x0 = k_delta_[i], x1 = k_delta_[i + 1];
      if (x1 <= d + tol && x0 < d - tol)
        left = i; // a segment ending at or before d
      if (x0 >= d - tol && x1 > d + tol && right < 0)
        right = i; // the first segment starting at or after d
      if (x0 < d - tol && x1 > d + tol)
        left = right = i; // d inside
    }
    auto slope = [&](int i) {
      return (k_value_[i + 1] - k_value_[i]) / (k_delta_[i + 1] - k_delta_[i]);
    };
    if (left >= 0)
      l = slope(left);
    if (right >= 0)
      r = slope(right);
  };
  const double tol = 1e-9;
  auto at_lo = [&](int t) {
    double floor = t + 1 == T ? std::max(limits_.lo, limits_.end_lo) : limits_.lo;
    return path_soc_[t] <= floor + tol;
  };
  auto at_hi = [&](int t) { return path_soc_[t] >= limits_.hi - tol; };
  for (int t = T - 1; t >= 0; --t) {
    double l, r;
    subdifferential(t, l, r);
    double from = -unbounded, to = unbounded;
    if (t + 1 == T) {
      // The last state's own price: zero inside, >= 0 at its floor, <= 0 full.
      from = at_hi(t) ? -unbounded : (at_lo(t) ? 0.0 : 0.0);
      to = at_lo(t) ? unbounded : 0.0;
      if (at_lo(t) && at_hi(t))
        from = -unbounded, to = unbounded;
    } else {
      bool empty = at_lo(t), full = at_hi(t);
      if (empty && full)
        from = -unbounded, to = unbounded;
      else if (empty)
        from = lo[t + 1], to = unbounded;
      else if (full)
        from = -unbounded, to = hi[t + 1];
      else
        from = lo[t + 1], to = hi[t + 1];
    }
    lo[t] = std::max(l, from);
    hi[t] = std::min(r, to);
    if (lo[t] > hi[t]) {
      // Not a consistent pair (rounding, or a plan that is not optimal):
      // keep k's subdifferential, the bound will show the gap.
      lo[t] = l;
      hi[t] = r;
    }
  }
  auto pick = [](double l, double r, double near) {
    if (near >= l && near <= r)
      return near;
    return near < l ? l : r;
  };
  double mid = lo[0] > -unbounded && hi[0] < unbounded ? 0.5 * (lo[0] + hi[0])
               : lo[0] > -unbounded                    ? lo[0]
               : hi[0] < unbounded                     ? hi[0]
                                                       : 0.0;
  w[0] = mid;
  for (int t = 1; t < T; ++t) {
    double from = lo[t], to = hi[t];
    bool empty = at_lo(t - 1), full = at_hi(t - 1);
    if (!empty && !full)
      from = std::max(from, w[t - 1]), to = std::min(to, w[t - 1]);
    else if (empty && !full)
      to = std::min(to, w[t - 1]);
    else if (full && !empty)
      from = std::max(from, w[t - 1]);
    w[t] = from <= to ? pick(from, to, w[t - 1]) : pick(lo[t], hi[t], w[t - 1]);
  }
}

void continuous_solver::certify(std::span<const double> a) {
  const int T = horizon_;
  std::vector<double>& w = storage_;
  if (has_battery_)
    storage_values(w);
  else
    w.assign(T, 0.0);

  // The bound, slot by slot with φ, and the slot prices.
  out_.slot_price.assign(T, 0.0);
  out_.slope_lo.assign(T, 0.0);
  out_.slope_hi.assign(T, 0.0);
  double bound = 0;
  phi_.resize(T);
  // φ_t depends on λ and w_t only: the last certificate's curves stay where
  // both are the same (its λ is usually this one, and w is piecewise constant).
  const bool same_lambda = phi_complete_ && phi_lambda_ == lambda_;
  phi_complete_ = false;
  phi_w_.resize(T);
  // The last program's sorted loads where it ran at this λ (the same lists).
  const bool sorted = slot_loads_valid_ && slot_loads_lambda_ == lambda_;
  for (int t = 0; t < T; ++t) {
    if (!same_lambda || phi_w_[t] != w[t]) {
      std::span<const slot_load> loads;
      if (sorted) {
        loads = std::span<const slot_load>(slot_loads_.data() + slot_parts_start_[t],
                                           slot_parts_start_[t + 1] - slot_parts_start_[t]);
      } else {
        active_loads(t, loads_);
        loads = loads_;
      }
      build_lagrangian_curve(prices_[t], loads, has_battery_ ? &battery_ : nullptr, w[t], phi_[t]);
      phi_w_[t] = w[t];
    }
    auto v = lagrangian_slot_value(phi_[t], a[t]);
    if (v.value == unbounded) {
      out_.bound = unbounded;
      return;
    }
    bound += v.value;
    double y = v.slope_lo > -unbounded && v.slope_hi < unbounded ? 0.5 * (v.slope_lo + v.slope_hi)
               : v.slope_lo > -unbounded                         ? v.slope_lo
                                                                 : v.slope_hi;
    out_.slot_price[t] = y;
    out_.slope_lo[t] = v.slope_lo;
    out_.slope_hi[t] = v.slope_hi;
  }
  phi_lambda_ = lambda_;
  phi_complete_ = true;
  if (has_battery_) {
    for (int t = 0; t < T; ++t) {
      double coef = t + 1 < T ? w[t] - w[t + 1] : w[t];
      double floor = t + 1 < T ? limits_.lo : std::max(limits_.lo, limits_.end_lo);
      bound += coef >= 0 ? coef * floor : coef * limits_.hi;
    }
    bound -= w[0] * limits_.start;
  }
  for (std::size_t e = 0; e < parts_.size(); ++e)
    bound += lambda_[e] * parts_[e].need;
  out_.bound = bound;
}

} // namespace hems::streams
