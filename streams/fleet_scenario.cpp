#include "streams/fleet_scenario.hpp"

#include <algorithm>
#include <cmath>

namespace hems::streams {

double tou_tariff::price_at_hour(double h) const {
  if (h >= off_peak_from_h && h < off_peak_to_h)
    return off_peak;
  if (h >= peak_from_h && h < peak_to_h)
    return peak;
  return shoulder;
}

namespace {

constexpr int slots = 96;

/// splitmix64: a tiny, good, reproducible generator.
struct rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }
};

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  rng r{seed ^ (a * 0x100000001b3ULL) ^ (b << 40)};
  r.next();
  return r.next();
}

/// The local hour at the start of slot t of a noon-to-noon problem.
double hour_of_slot(int t) {
  return std::fmod(fleet_day_start_h + t * 0.25, 24.0);
}

/// Slot of a local hour in the noon-to-noon problem (hours before noon are
/// the next morning).
int slot_of_hour(double h) {
  double from_noon = h >= fleet_day_start_h ? h - fleet_day_start_h : h + 24 - fleet_day_start_h;
  return std::clamp(static_cast<int>(std::lround(from_noon * 4)), 0, slots);
}

} // namespace

plan_problem fleet_home_day(std::uint64_t seed, int home, int day, const tou_tariff& tariff,
                            const fleet_mix& mix) {
  // Traits drawn once per home, the day's events per home and day.
  rng traits{mix_seed(seed, static_cast<std::uint64_t>(home), 0xffff)};
  rng today{mix_seed(seed, static_cast<std::uint64_t>(home), static_cast<std::uint64_t>(day) + 1)};

  const int residents = 1 + static_cast<int>(traits.uniform() * 4);
  const bool has_ev = traits.chance(mix.p_ev);
  const bool has_water_heater = traits.chance(mix.p_water_heater);
  const double ev_kw = traits.chance(0.2) ? 3.7 : (traits.chance(0.15) ? 11.0 : 7.4);
  const double heater_kw = traits.uniform(2.0, 3.0);
  const double commute_km = traits.uniform(15, 70);
  const double back_h = traits.uniform(16.0, 19.0);
  const double leave_h = traits.uniform(6.5, 8.5);
  const double standby_kw = traits.uniform(0.12, 0.35);
  const bool weekend = day % 7 == 5 || day % 7 == 6;

  plan_problem p;
  p.slot_minutes = 15;
  p.horizon = slots;
  p.import_price.resize(slots);
  p.export_price.assign(slots, 0.0);
  p.pv_kw.assign(slots, 0.0);
  p.base_load_kw.resize(slots);
  for (int t = 0; t < slots; ++t) {
    double h = hour_of_slot(t);
    p.import_price[t] = tariff.price_at_hour(h);
    // Uncontrolled load: standby, an evening peak (cooking, lights, TV) that
    // grows with the residents, a smaller morning one, some noise.
    double evening = std::exp(-0.5 * std::pow((h - 19.0) / 1.6, 2)) * (0.5 + 0.35 * residents);
    double morning = std::exp(-0.5 * std::pow((h - 7.2) / 0.8, 2)) * (0.3 + 0.15 * residents);
    double daytime = (h >= 9 && h < 16) ? (weekend ? 0.5 : 0.15) * residents * 0.4 : 0.0;
    p.base_load_kw[t] = standby_kw + evening + morning + daytime + today.uniform(0, 0.15);
  }

  const int back = slot_of_hour(back_h + today.uniform(-0.75, 0.75));
  const int leave = slot_of_hour(leave_h + today.uniform(-0.25, 0.25));

  if (has_ev && (!weekend || today.chance(0.4))) {
    double km = weekend ? today.uniform(10, 120) : commute_km * today.uniform(0.7, 1.3);
    double need = std::min(km * 0.17 / 0.92, 55.0);
    double room = (leave - back) * 0.25 * ev_kw;
    plan_load ev;
    ev.id = "ev";
    ev.kind = load_kind::energy;
    ev.max_kw = ev_kw;
    ev.energy_kwh = std::min(need, room * 0.9);
    ev.earliest_start = back;
    ev.latest_finish = leave;
    if (ev.energy_kwh > 0.1)
      p.loads.push_back(ev);
  }
  if (has_water_heater) {
    // The tank reheats what the day drew, hot again by the morning showers.
    plan_load heater;
    heater.id = "water_heater";
    heater.kind = load_kind::energy;
    heater.max_kw = heater_kw;
    heater.energy_kwh = (1.5 + 1.3 * residents) * today.uniform(0.8, 1.2);
    heater.earliest_start = slot_of_hour(21.0);
    heater.latest_finish = slot_of_hour(6.5);
    heater.energy_kwh = std::min(heater.energy_kwh,
                                 0.9 * heater_kw * 0.25 * (heater.latest_finish - heater.earliest_start));
    p.loads.push_back(heater);
  }
  if (today.chance(mix.p_dishwasher)) {
    plan_load dishwasher;
    dishwasher.id = "dishwasher";
    dishwasher.kind = load_kind::shiftable;
    dishwasher.profile_kw = {1.9, 0.15, 0.15, 1.8, 0.1};
    dishwasher.earliest_start = slot_of_hour(today.uniform(20.0, 22.5));
    dishwasher.latest_finish = slot_of_hour(7.0);
    p.loads.push_back(dishwasher);
  }
  if (today.chance(mix.p_washer + (weekend ? 0.15 : 0.0))) {
    plan_load washer;
    washer.id = "washing_machine";
    washer.kind = load_kind::shiftable;
    washer.profile_kw = {2.1, 2.0, 0.3, 0.3, 0.6};
    washer.earliest_start = slot_of_hour(today.uniform(19.0, 22.0));
    washer.latest_finish = slot_of_hour(8.0);
    p.loads.push_back(washer);
  }
  return p;
}

std::vector<plan_problem> fleet_day(std::uint64_t seed, int homes, int day,
                                    const tou_tariff& tariff, const fleet_mix& mix) {
  std::vector<plan_problem> out;
  out.reserve(homes);
  for (int h = 0; h < homes; ++h)
    out.push_back(fleet_home_day(seed, h, day, tariff, mix));
  return out;
}

} // namespace hems::streams
