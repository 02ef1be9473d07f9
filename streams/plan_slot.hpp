#pragma once
// One slot's economics, for the continuous solver (plan_continuous.hpp): the
// grid's two prices and its import cap, the energy loads active in the slot
// at their energy prices λ, and the battery. Each function below is convex
// and piecewise linear in one variable and is built exactly from a handful
// of breakpoints (no sampling, no tolerance).
//
// Units: power in kW, energy in kWh, money per slot: `buy` is the import
// price times the slot length, so importing g kW for the slot costs buy * g.
//
//   h(x)  the cheapest slot cost when the net load before energy loads is x:
//         min over p of f(x + sum p) - sum λ_e p_e  subject to x + sum p <= cap,
//         where f(g) = buy * g for g >= 0 and sell * g for g < 0 (convex,
//         since sell <= buy). Energy loads are price takers: load e draws
//         where its λ_e beats the grid's price at the margin.
//   k(δ)  the slot cost when the battery also moves the state of charge by
//         δ kWh, for a fixed net load a: min over the battery's powers of
//         h(a + charge - discharge) with α charge - β discharge = δ. Where
//         consuming pays (sell < 0) the battery may charge and discharge at
//         once and burn energy; k includes that (it is the relaxation; the
//         search forbids it where it matters, see plan_search.hpp).
//   φ(a)  the slot's Lagrangian value for a storage value w (money per kWh):
//         min over battery, loads and grid of f(g) - sum λ p - w δ. Written
//         independently of h and k: the continuous solver proves its bounds
//         with φ alone, so an error in h, k or the dynamic program can cost
//         speed (a bound that does not meet the plan) but never a wrong
//         "optimal".

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace hems::streams {

inline constexpr double unbounded = std::numeric_limits<double>::infinity();

struct slot_prices {
  double buy = 0;         ///< money per kW imported for the whole slot
  double sell = 0;        ///< money per kW exported for the whole slot, <= buy
  double cap = unbounded; ///< most kW imported
};

/// The battery as one slot sees it.
struct slot_battery {
  double alpha = 1;     ///< kWh stored per kW charged over the slot (efficiency * h)
  double beta = 1;      ///< kWh drawn per kW discharged over the slot (h / efficiency)
  double charge = 0;    ///< most kW charged
  double discharge = 0; ///< most kW discharged
};

/// An energy load active in the slot: its price λ and most power.
struct slot_load {
  double value = 0;
  double max_kw = 0;
};

/// A convex piecewise-linear function: linear between breakpoints x[i]
/// (increasing), continued beyond the first with `left_slope` and beyond the
/// last with `right_slope`; +infinity outside [lo, hi].
struct convex_curve {
  std::vector<double> x, v;
  double left_slope = 0, right_slope = 0;
  double lo = -unbounded, hi = unbounded;

  double operator()(double at) const { // (inline: the cuts evaluate thousands per solve)
    if (at > hi || at < lo)
      return unbounded;
    const std::size_t n = x.size();
    if (at <= x[0])
      return at == x[0] ? v[0] : v[0] - left_slope * (x[0] - at);
    if (at >= x[n - 1])
      return at == x[n - 1] ? v[n - 1] : v[n - 1] + right_slope * (at - x[n - 1]);
    std::size_t i = 1;
    while (x[i] < at)
      ++i;
    double w = (at - x[i - 1]) / (x[i] - x[i - 1]);
    return v[i - 1] + w * (v[i] - v[i - 1]);
  }
  /// The left end of the set where the function is smallest (lo if it only rises).
  double argmin() const;
  /// One-sided slopes at `at` (-infinity / +infinity at the ends of the domain).
  void slopes_at(double at, double& left, double& right) const;
  void clear() {
    x.clear();
    v.clear();
  }
};

/// h for a slot whose active loads are given in order of decreasing value.
void build_grid_curve(const slot_prices& s, std::span<const slot_load> loads_by_value,
                      convex_curve& h);

/// Whether an energy price is the grid price (a tie: drawing or not costs the same).
bool same_price(double value, double price);

/// Draws of each load (same order) and the grid power when the net load
/// before energy loads is x (x <= cap): the greedy allocation behind h. A
/// load whose value equals the grid price at the margin draws only if it is
/// `eager` (both choices are optimal; the continuous solver mixes them).
double allocate_loads(const slot_prices& s, std::span<const slot_load> loads_by_value, double x,
                      std::span<double> draw, std::span<const std::uint8_t> eager = {});

/// The battery's net grid power (charge - discharge) for a state-of-charge
/// change δ, given h (by its left slope and its argmin, read only where
/// overlap is possible, i.e. h's left slope < 0) and the net load a: without
/// any overlap where h only rises, else the net power closest to h's minimum
/// that δ allows.
double battery_power(double h_left_slope, double h_argmin, double a, const slot_battery& b,
                     double delta);

/// Charge and discharge (kW) that give state-of-charge change δ and net power p.
void split_battery_power(const slot_battery& b, double delta, double power, double& charge,
                         double& discharge);

/// k as points (delta, value), increasing delta, convex, appended to what
/// `delta` and `value` hold (value.size() is set to delta.size() first);
/// false when no δ keeps the import under the cap (the slot is infeasible for
/// this net load).
bool build_battery_curve(const convex_curve& h, double a, const slot_battery& b,
                         std::vector<double>& delta, std::vector<double>& value);

/// φ as a curve of the net load a, for storage value w (b null: no battery).
void build_lagrangian_curve(const slot_prices& s, std::span<const slot_load> loads,
                            const slot_battery* b, double storage_value, convex_curve& phi);

/// φ at net load a and its subdifferential [slope_lo, slope_hi] (the slot
/// price: what one more kW of net load in the slot adds to the bound at
/// least, in either direction). Returns +infinity when the slot cannot hold a.
struct slot_value {
  double value = 0;
  double slope_lo = 0, slope_hi = 0;
};
slot_value lagrangian_slot_value(const slot_prices& s, std::span<const slot_load> loads,
                                 const slot_battery* b, double storage_value, double a);
/// The same for a φ already built by build_lagrangian_curve.
slot_value lagrangian_slot_value(const convex_curve& phi, double a);

} // namespace hems::streams
