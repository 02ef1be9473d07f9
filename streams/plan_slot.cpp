#include "streams/plan_slot.hpp"

#include <algorithm>
#include <cmath>

namespace hems::streams {

namespace {

// Points closer than this (relative) are one breakpoint.
constexpr double same_point = 1e-12;

} // namespace

double convex_curve::argmin() const {
  if (left_slope >= 0)
    return lo;
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 1 == n)
      return hi <= x[i] ? x[i] : (right_slope >= 0 ? x[i] : hi);
    if (v[i + 1] >= v[i])
      return x[i];
  }
  return hi;
}

void build_grid_curve(const slot_prices& s, std::span<const slot_load> loads, convex_curve& h) {
  // Loads worth more than import (A) draw up to the cap; loads worth more than
  // export only (B) draw while the slot exports. At x = -(sum of A) the A
  // loads run flat out and the grid is at zero: the anchor.
  h.clear();
  double za = 0, anchor = 0;
  for (const auto& l : loads)
    if (l.value > s.buy) {
      za += l.max_kw;
      anchor -= l.value * l.max_kw;
    }
  // Left of the anchor: B loads take the export in order of value, the first
  // (most valuable) nearest the anchor, then the grid exports at `sell`.
  double x = -za, v = anchor;
  std::size_t first_b = 0;
  while (first_b < loads.size() && loads[first_b].value > s.buy)
    ++first_b;
  std::size_t end_b = first_b;
  while (end_b < loads.size() && loads[end_b].value > s.sell)
    ++end_b;
  for (std::size_t i = first_b; i < end_b; ++i) {
    if (loads[i].max_kw <= 0)
      continue;
    x -= loads[i].max_kw;
    v -= loads[i].value * loads[i].max_kw;
  }
  // Walk back right from the leftmost B point to the anchor, recording points.
  h.x.push_back(x);
  h.v.push_back(v);
  for (std::size_t i = end_b; i-- > first_b;) {
    if (loads[i].max_kw <= 0)
      continue;
    x += loads[i].max_kw;
    v += loads[i].value * loads[i].max_kw;
    h.x.push_back(x);
    h.v.push_back(v);
  }
  // Right of the anchor the grid imports at `buy`; at the cap the A loads
  // give way, least valuable first.
  h.left_slope = s.sell;
  h.lo = -unbounded;
  if (s.cap == unbounded) {
    h.right_slope = s.buy;
    h.hi = unbounded;
    return;
  }
  if (s.cap > 0) {
    x += s.cap;
    v += s.buy * s.cap;
    h.x.push_back(x);
    h.v.push_back(v);
  }
  for (std::size_t i = first_b; i-- > 0;) {
    if (loads[i].max_kw <= 0)
      continue;
    x += loads[i].max_kw;
    v += loads[i].value * loads[i].max_kw;
    h.x.push_back(x);
    h.v.push_back(v);
  }
  h.x.back() = s.cap; // exact, whatever the rounding of the sums
  h.right_slope = unbounded;
  h.hi = s.cap;
}

bool same_price(double value, double price) {
  return std::abs(value - price) <= 1e-12 * (1 + std::abs(price));
}

double allocate_loads(const slot_prices& s, std::span<const slot_load> loads, double x,
                      std::span<double> draw, std::span<const std::uint8_t> eager) {
  double g = x;
  for (std::size_t i = 0; i < loads.size(); ++i) {
    const auto& l = loads[i];
    const bool keen = !eager.empty() && eager[i];
    double room = l.max_kw, took = 0;
    if (g < 0 && room > 0 && (l.value > s.sell || (keen && same_price(l.value, s.sell)))) {
      double m = std::min(room, -g);
      took += m;
      room -= m;
      g = room > 0 ? 0.0 : g + m; // exact zero when the export is used up
    }
    if (room > 0 && g >= 0 && (l.value > s.buy || (keen && same_price(l.value, s.buy)))) {
      double m = std::max(0.0, std::min(room, s.cap - g));
      took += m;
      g = m == s.cap - g ? s.cap : g + m;
    }
    draw[i] = took;
  }
  return g;
}

namespace {

bool overlap_possible(const convex_curve& h, const slot_battery& b) {
  return h.left_slope < 0 && b.alpha < b.beta && b.charge > 0 && b.discharge > 0;
}

// Net power without overlap for a state-of-charge change δ, and back.
double power_lo(const slot_battery& b, double delta) {
  return delta >= 0 ? delta / b.alpha : delta / b.beta;
}
double delta_lo(const slot_battery& b, double power) {
  return power >= 0 ? b.alpha * power : b.beta * power;
}
// Net power with the most overlap δ allows (charge and discharge at once).
double power_hi(const slot_battery& b, double delta) {
  double kappa = b.beta / b.alpha - 1;
  if (delta <= b.alpha * b.charge - b.beta * b.discharge)
    return delta / b.alpha + kappa * b.discharge;
  return b.charge + (delta - b.alpha * b.charge) / b.beta;
}
double delta_hi(const slot_battery& b, double power) {
  double kappa = b.beta / b.alpha - 1;
  if (power <= b.charge - b.discharge)
    return b.alpha * (power - kappa * b.discharge);
  return b.alpha * b.charge + b.beta * (power - b.charge);
}

// battery_power (plan_slot.hpp), inlined where k's points are evaluated.
inline double battery_power_inline(double h_left_slope, double h_argmin, double a,
                                   const slot_battery& b, double delta) {
  double p = power_lo(b, delta);
  if (!(h_left_slope < 0 && b.alpha < b.beta && b.charge > 0 && b.discharge > 0))
    return p;
  double target = h_argmin - a;
  return std::clamp(target, p, std::max(p, power_hi(b, delta)));
}

} // namespace

double battery_power(double h_left_slope, double h_argmin, double a, const slot_battery& b,
                     double delta) {
  return battery_power_inline(h_left_slope, h_argmin, a, b, delta);
}

void split_battery_power(const slot_battery& b, double delta, double power, double& charge,
                         double& discharge) {
  if (b.alpha >= b.beta) {
    charge = std::max(power, 0.0);
    discharge = std::max(-power, 0.0);
  } else {
    // c - d = power and alpha c - beta d = delta.
    discharge = (b.alpha * power - delta) / (b.beta - b.alpha);
    charge = power + discharge;
    if (discharge < 0) {
      discharge = 0;
      charge = std::max(power, 0.0);
    }
    if (charge < 0) {
      charge = 0;
      discharge = std::max(-power, 0.0);
    }
  }
  charge = std::min(charge, b.charge);
  discharge = std::min(discharge, b.discharge);
}

bool build_battery_curve(const convex_curve& h, double a, const slot_battery& b,
                         std::vector<double>& delta, std::vector<double>& value) {
  // Appended after what delta and value hold (the continuous solver keeps
  // every slot's curve in one array); [base, size) is this slot's.
  const std::size_t base = delta.size();
  value.resize(base);
  double lo = -b.beta * b.discharge, hi = b.alpha * b.charge;
  if (h.hi != unbounded) {
    double room = h.hi - a; // most net battery power the cap leaves
    if (room < -b.discharge)
      return false;
    hi = std::min(hi, delta_lo(b, room));
  }
  auto add = [&](double d) {
    if (d >= lo && d <= hi)
      delta.push_back(d);
  };
  add(lo);
  add(hi);
  add(0);
  for (double xk : h.x)
    add(delta_lo(b, xk - a));
  const bool overlap = overlap_possible(h, b);
  const double h_min = overlap ? h.argmin() : 0.0; // once, not per point below
  if (overlap) {
    add(b.alpha * b.charge - b.beta * b.discharge);
    for (double xk : h.x)
      add(delta_hi(b, xk - a));
    double m = h_min;
    if (m != unbounded && m != -unbounded) {
      add(delta_lo(b, m - a));
      add(delta_hi(b, m - a));
    }
  }
  std::sort(delta.begin() + static_cast<std::ptrdiff_t>(base), delta.end());
  std::size_t kept = base;
  for (std::size_t i = base; i < delta.size(); ++i) {
    const double d = delta[i];
    if (kept == base || d - delta[kept - 1] > same_point * (1 + std::abs(d)))
      delta[kept++] = d;
  }
  delta.resize(kept);
  if (delta.size() == base || delta.back() < hi)
    delta.push_back(hi); // the rounding above may have merged hi into a neighbour
  else
    delta.back() = hi;
  delta[base] = std::min(delta[base], lo) < lo ? lo : delta[base];

  for (std::size_t i = base; i < delta.size(); ++i)
    value.push_back(h(a + battery_power_inline(h.left_slope, h_min, a, b, delta[i])));

  // Lower convex hull: k is convex, this only removes rounding kinks.
  std::size_t n = base;
  for (std::size_t i = base; i < delta.size(); ++i) {
    while (n >= base + 2) {
      double x0 = delta[n - 2], v0 = value[n - 2], x1 = delta[n - 1], v1 = value[n - 1];
      double cross = (v1 - v0) * (delta[i] - x0) - (value[i] - v0) * (x1 - x0);
      if (cross >= 0)
        --n; // the middle point is on or above the chord
      else
        break;
    }
    delta[n] = delta[i];
    value[n] = value[i];
    ++n;
  }
  delta.resize(n);
  value.resize(n);
  return true;
}

void build_lagrangian_curve(const slot_prices& s, std::span<const slot_load> loads,
                            const slot_battery* b, double w, convex_curve& phi) {
  // The devices as one convex function psi(v) of their net supply v
  // (discharge minus consumption), by segments of increasing slope from the
  // most consumption (v_lo) to full discharge (v_hi). φ is the infimal
  // convolution of the grid's f with psi: its segments are both sets merged
  // by slope. f's export segment reaches to -infinity, so devices cheaper
  // than export (slope < sell) never move off v_lo's side; without a cap the
  // import segment reaches to +infinity and devices dearer than import never
  // move off the other side. Anchor: the grid at zero, psi just past the
  // cheap devices.
  struct seg {
    double slope, length;
  };
  seg local[32];
  std::vector<seg> spill;
  std::size_t count = 0;
  auto push = [&](double slope, double length) {
    if (length <= 0)
      return;
    if (count < 32 && spill.empty())
      local[count] = {slope, length};
    else {
      if (spill.empty())
        spill.assign(local, local + count);
      spill.push_back({slope, length});
    }
    ++count;
  };
  double v_hi = 0, psi_hi = 0;
  for (const auto& l : loads)
    push(l.value, l.max_kw);
  if (b) {
    push(b->alpha * w, b->charge);
    push(b->beta * w, b->discharge);
    v_hi = b->discharge;
    psi_hi = b->beta * w * b->discharge;
  }
  seg* list = spill.empty() ? local : spill.data();
  if (count <= 16) {
    // What std::sort does on this few (its insertion sort: stable), inline.
    for (std::size_t i = 1; i < count; ++i) {
      const seg moving = list[i];
      std::size_t j = i;
      for (; j > 0 && moving.slope < list[j - 1].slope; --j)
        list[j] = list[j - 1];
      list[j] = moving;
    }
  } else {
    std::sort(list, list + count, [](const seg& l, const seg& r) { return l.slope < r.slope; });
  }
  double total = 0, psi_lo = psi_hi;
  for (std::size_t i = 0; i < count; ++i) {
    total += list[i].length;
    psi_lo -= list[i].slope * list[i].length;
  }
  double x = v_hi - total, v = psi_lo;
  std::size_t i = 0;
  for (; i < count && list[i].slope < s.sell; ++i) {
    x += list[i].length;
    v += list[i].slope * list[i].length;
  }
  phi.clear();
  phi.x.push_back(x);
  phi.v.push_back(v);
  phi.left_slope = s.sell;
  phi.lo = -unbounded;
  for (; i < count && list[i].slope <= s.buy; ++i) {
    x += list[i].length;
    v += list[i].slope * list[i].length;
    phi.x.push_back(x);
    phi.v.push_back(v);
  }
  if (s.cap == unbounded) {
    phi.right_slope = s.buy;
    phi.hi = unbounded;
    return;
  }
  if (s.cap > 0) {
    x += s.cap;
    v += s.buy * s.cap;
    phi.x.push_back(x);
    phi.v.push_back(v);
  }
  for (; i < count; ++i) {
    x += list[i].length;
    v += list[i].slope * list[i].length;
    phi.x.push_back(x);
    phi.v.push_back(v);
  }
  phi.right_slope = unbounded;
  phi.hi = x;
}

void convex_curve::slopes_at(double at, double& left, double& right) const {
  const std::size_t n = x.size();
  auto slope = [&](std::size_t i) { return (v[i + 1] - v[i]) / (x[i + 1] - x[i]); };
  if (at < x[0]) {
    left = right = left_slope;
    return;
  }
  if (at > x[n - 1]) {
    left = right = right_slope;
    return;
  }
  std::size_t i = 0;
  while (i + 1 < n && x[i + 1] <= at)
    ++i;
  // x[i] <= at < x[i+1], or i = n-1 with at == x[n-1].
  if (at > x[i]) {
    left = right = slope(i);
    return;
  }
  left = i > 0 ? slope(i - 1) : (lo == x[0] ? -unbounded : left_slope);
  right = i + 1 < n ? slope(i) : (hi == x[n - 1] ? unbounded : right_slope);
}

slot_value lagrangian_slot_value(const slot_prices& s, std::span<const slot_load> loads,
                                 const slot_battery* b, double w, double a) {
  thread_local convex_curve phi;
  build_lagrangian_curve(s, loads, b, w, phi);
  return lagrangian_slot_value(phi, a);
}

slot_value lagrangian_slot_value(const convex_curve& phi, double a) {
  slot_value out;
  out.value = phi(a);
  if (out.value == unbounded)
    return out;
  phi.slopes_at(a, out.slope_lo, out.slope_hi);
  return out;
}

} // namespace hems::streams
