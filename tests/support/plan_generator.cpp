#include "tests/support/plan_generator.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace hems::testing {

namespace {

class dice {
public:
  explicit dice(std::uint64_t seed) : rng_(seed) {}
  double real(double a, double b) {
    return a + (b - a) * static_cast<double>(rng_() >> 11) * 0x1p-53;
  }
  int whole(int a, int b) {
    return a + static_cast<int>(rng_() % static_cast<std::uint64_t>(b - a + 1));
  }
  bool chance(double p) { return real(0, 1) < p; }

private:
  std::mt19937_64 rng_;
};

double round_to(double v, double step) {
  return std::round(v / step) * step;
}

} // namespace

streams::plan_problem random_plan_problem(std::uint64_t seed, const problem_mix& mix) {
  dice d(seed);
  streams::plan_problem p;
  const int T = mix.horizon;
  p.slot_minutes = mix.slot_minutes;
  p.horizon = T;
  const double h = mix.slot_minutes / 60.0;
  const int per_hour = std::max(1, 60 / mix.slot_minutes);
  const int per_day = 24 * per_hour;
  const int days = std::max(1, (T + per_day - 1) / per_day);
  const double start_hour = d.whole(0, 23);
  auto hour = [&](int t) { return std::fmod(start_hour + t * h, 24.0); };
  auto slots = [&](double hours) { return std::max(1, static_cast<int>(std::lround(hours / h))); };

  // Tariff.
  int tariff = d.whole(0, 2);
  double flat = d.real(0.18, 0.35);
  double night = d.real(0.08, 0.2), day = d.real(0.2, 0.3), peak = d.real(0.3, 0.5);
  std::vector<double> hourly(days * 24 + 25);
  for (auto& v : hourly)
    v = d.real(-0.03, 0.03);
  p.import_price.resize(T);
  for (int t = 0; t < T; ++t) {
    double hr = hour(t);
    double price = flat;
    if (tariff == 1)
      price = hr < 7 ? night : (hr >= 17 && hr < 21 ? peak : day);
    else if (tariff == 2)
      price = 0.16 + 0.08 * std::exp(-std::pow(hr - 8, 2) / 4) +
              0.12 * std::exp(-std::pow(hr - 19, 2) / 5) -
              0.05 * std::exp(-std::pow(hr - 13, 2) / 6) +
              hourly[static_cast<int>(start_hour + t * h)] + d.real(-0.01, 0.01);
    p.import_price[t] = round_to(price, 0.0001);
  }
  bool negative = d.chance(mix.p_negative);
  if (negative) {
    for (int day_index = 0; day_index < days; ++day_index) {
      double from = d.real(10, 13), to = from + d.real(1.5, 5);
      double depth = d.real(-0.15, 0.02);
      for (int t = day_index * per_day; t < std::min(T, (day_index + 1) * per_day); ++t)
        if (hour(t) >= from && hour(t) < to)
          p.import_price[t] = round_to(depth + d.real(-0.02, 0.02), 0.0001);
    }
  }
  p.export_price.assign(T, 0.0);
  if (d.chance(mix.p_export) || negative) {
    bool spot_based = tariff == 2 || negative;
    double feed_in = d.real(0.03, 0.12), fee = d.real(0.08, 0.2);
    if (!mix.adversarial_export) {
      // Export = spot price: negative only where the event made import cheap.
      double cheapest_normal = 1;
      for (int t = 0; t < T; ++t)
        if (p.import_price[t] > 0.05)
          cheapest_normal = std::min(cheapest_normal, p.import_price[t]);
      fee = std::min(fee, std::max(0.0, cheapest_normal - 0.01));
    }
    for (int t = 0; t < T; ++t) {
      double e = spot_based ? p.import_price[t] - fee : feed_in;
      p.export_price[t] = std::min(round_to(e, 0.0001), p.import_price[t]);
    }
  }

  // Base load and solar.
  p.base_load_kw.resize(T);
  for (int t = 0; t < T; ++t) {
    double hr = hour(t);
    double load = d.real(0.2, 0.45) + 0.8 * std::exp(-std::pow(hr - 7.5, 2) / 1.5) +
                  1.2 * std::exp(-std::pow(hr - 19, 2) / 4);
    if (d.chance(0.05))
      load += d.real(1, 2.5);
    p.base_load_kw[t] = round_to(load * d.real(0.8, 1.2), 0.001);
  }
  p.pv_kw.assign(T, 0.0);
  if (d.chance(mix.p_pv)) {
    double kwp = d.real(2, 9);
    for (int t = 0; t < T; ++t) {
      double hr = hour(t);
      double sun = std::max(0.0, std::sin(M_PI * (hr - 6) / 14));
      p.pv_kw[t] = round_to(kwp * sun * d.real(0.6, 1.0), 0.001);
    }
  }

  // Battery first: the cap check below may lean on it.
  if (d.chance(mix.p_battery)) {
    streams::plan_battery b;
    b.capacity_kwh = round_to(d.real(4, 15), 0.1);
    b.min_soc_kwh = round_to(b.capacity_kwh * d.real(0, 0.15), 0.01);
    b.soc_kwh = round_to(d.real(b.min_soc_kwh, b.capacity_kwh), 0.01);
    b.max_charge_kw = round_to(d.real(1.5, 5), 0.1);
    b.max_discharge_kw = d.chance(0.7) ? b.max_charge_kw : round_to(d.real(1.5, 5), 0.1);
    b.charge_efficiency = round_to(d.real(0.88, 0.99), 0.01);
    b.discharge_efficiency = round_to(d.real(0.88, 0.99), 0.01);
    p.battery = b;
  }

  // Loads.
  int shiftables = d.whole(mix.min_shiftables, mix.max_shiftables);
  static const char* names[] = {"dishwasher", "washing_machine", "dryer", "pool_pump", "oven"};
  for (int i = 0; i < shiftables; ++i) {
    streams::plan_load l;
    int kind = d.whole(0, 4);
    l.id = std::string(names[kind]) + "_" + std::to_string(i);
    l.kind = streams::load_kind::shiftable;
    double hours = kind == 3 ? d.real(1.5, 3) : d.real(0.75, 2.25);
    int len = std::min(slots(hours), T);
    for (int k = 0; k < len; ++k) {
      double kw = kind == 0   ? (k == 0 || k == len / 2 ? d.real(1.8, 2.3) : d.real(0.1, 0.3))
                  : kind == 1 ? (k < len / 3 + 1 ? d.real(1.8, 2.2) : d.real(0.2, 0.8))
                  : kind == 2 ? d.real(2.0, 2.8)
                  : kind == 3 ? d.real(0.7, 1.6)
                              : d.real(1.0, 2.5);
      l.profile_kw.push_back(round_to(kw, 0.01));
    }
    int slack = d.chance(0.2) ? d.whole(0, 2)
                              : d.whole(0, std::max(0, std::min(T - len, slots(d.real(2, 14)))));
    int window = std::min(T, len + slack);
    l.earliest_start = d.whole(0, T - window);
    l.latest_finish = l.earliest_start + window;
    p.loads.push_back(std::move(l));
  }
  for (int day_index = 0; day_index < days; ++day_index) {
    int day_start = day_index * per_day;
    if (day_start >= T)
      break;
    if (d.chance(mix.p_ev)) {
      streams::plan_load l;
      l.id = days == 1 ? "ev" : "ev_day" + std::to_string(day_index);
      l.kind = streams::load_kind::energy;
      l.max_kw = std::vector<double>{3.7, 7.4, 11.0}[d.whole(0, 2)];
      int from = std::min(T - 1, day_start + d.whole(0, std::max(0, per_day / 2)));
      int to = std::min(T, from + slots(d.real(3, 14)));
      l.earliest_start = from;
      l.latest_finish = std::max(to, from + 1);
      double most = l.max_kw * h * (l.latest_finish - l.earliest_start);
      l.energy_kwh = round_to(std::min(d.real(4, 40), most * d.real(0.3, 0.95)), 0.1);
      p.loads.push_back(std::move(l));
    }
    if (d.chance(mix.p_water_heater)) {
      streams::plan_load l;
      l.id = days == 1 ? "water_heater" : "water_heater_day" + std::to_string(day_index);
      l.kind = streams::load_kind::energy;
      l.max_kw = round_to(d.real(1.5, 3.0), 0.1);
      l.earliest_start = day_start;
      l.latest_finish = std::min(T, day_start + per_day);
      double most = l.max_kw * h * (l.latest_finish - l.earliest_start);
      l.energy_kwh = round_to(std::min(d.real(2, 8), most * d.real(0.2, 0.8)), 0.1);
      p.loads.push_back(std::move(l));
    }
  }

  if (d.chance(mix.p_cap)) {
    double most_net = 0;
    for (int t = 0; t < T; ++t)
      most_net = std::max(most_net, p.base_load_kw[t] - p.pv_kw[t]);
    p.max_import_kw = round_to(most_net + d.real(2.5, 8), 0.1);
  }
  return p;
}

} // namespace hems::testing
