// Energy cost saved by the optimizer on simulated homes over a simulated
// month, on a time-of-use tariff, next to the same homes without automation
// (every deferrable load at its natural start) and a floor no plan can beat
// (every deferrable kWh at the month's lowest price), all computed in this run.
//
// Households are the simulator's (sim/household: residents, wake, leave,
// back; sim/appliance_cycle's dishwasher and washing machine programmes,
// chances and loading windows; an EV in 45% of homes, as sim/device_mix).
// Each day the deferrable loads are handed to the same plan builder the
// optimizer actor runs (streams/home_plan_builder), with a 48-hour horizon
// from local midnight:
//   dishwasher, washing machine  a cycle loaded at its natural time, to be
//                                done within its 8-hour delay-start window
//   EV                           back home -> next departure, the commute's
//                                energy at 7.4 or 3.7 kW
//   water heater                 the day's reheat (3.5 kWh at 2 kW) after the
//                                morning showers, done within 10 hours
// The base load (not shifted; it only meets the import cap) is a fixed
// profile: 0.25 kW at night, 0.45 kW by day, 0.9 kW from 17:00 to 22:00.
//
//   automation_savings_bench [--homes N] [--days D] [--from T] [--tz ZONE] [--seed S]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_util.hpp"
#include "core/time_format.hpp"
#include "sim/appliance_cycle.hpp"
#include "sim/household.hpp"
#include "sim/random.hpp"
#include "streams/home_plan_builder.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

struct args {
  int homes = 50;
  int days = 30;
  millis from = 1767571200000; // 2026-01-05T00:00:00Z, a Monday
  std::string tz = "Europe/Berlin";
  std::uint64_t seed = 7;
};

args parse(int argc, char** argv) {
  args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--homes")
      a.homes = std::atoi(v.c_str());
    else if (k == "--days")
      a.days = std::atoi(v.c_str());
    else if (k == "--tz")
      a.tz = v;
    else if (k == "--seed")
      a.seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--from") {
      auto t = parse_time(v);
      if (!t) {
        std::fprintf(stderr, "--from: expected ms or RFC 3339\n");
        std::exit(2);
      }
      a.from = *t;
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

// A German-style time-of-use tariff: dear weekday evenings, cheap nights.
const char* tou_tariff = R"({"valid_from": 0, "currency": "EUR",
  "import": {"default": 0.30, "periods": [
    {"days": ["mon","tue","wed","thu","fri"], "start": "17:00", "end": "21:00", "price": 0.45},
    {"start": "23:00", "end": "06:00", "price": 0.20}]},
  "export": {"default": 0.08}})";

double base_kw(const local_moment& m) {
  double h = m.hour();
  return h < 6 ? 0.25 : h < 17 ? 0.45 : h < 22 ? 0.9 : 0.25;
}

struct appliance {
  std::string device;
  sim::appliance_profile profile;
  double duration_ms = 0;
  double power_w = 0;
};

appliance make_appliance(std::string device, sim::appliance_profile p) {
  appliance a{std::move(device), p, 0, 0};
  double minutes = 0;
  for (const auto& ph : p.program)
    minutes += ph.minutes;
  a.duration_ms = minutes * minute_ms;
  a.power_w = p.cycle_wh() / (minutes / 60);
  return a;
}

struct totals {
  double base_cost = 0;    ///< the base load, the same with and without automation
  double natural_cost = 0; ///< deferrable loads at their natural start
  double planned_cost = 0; ///< deferrable loads where the plan put them
  double floor_cost = 0;   ///< deferrable kWh at the month's lowest price
  double deferrable_kwh = 0;
  long loads = 0;
  long unplaced = 0;
  long plans = 0;
};

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  auto zone = local_zone::from_name(a.tz);
  if (!zone) {
    std::fprintf(stderr, "--tz: unknown zone\n");
    return 2;
  }
  home_tariff tariff;
  add_version(tariff, read_tariff_version(tou_tariff, 0).value());
  auto dish = make_appliance("dishwasher", sim::appliance_profile::dishwasher());
  auto washer = make_appliance("washing-machine", sim::appliance_profile::washing_machine());

  // The month's lowest price: the floor no plan can beat.
  millis month_end = a.from + a.days * day_ms;
  double lowest = 1e9;
  for (millis t = a.from; t < month_end; t += 15 * minute_ms)
    lowest = std::min(lowest, price_at(tariff, *zone, t).import_price);

  totals sum;
  double solve_s = 0;
  auto started = std::chrono::steady_clock::now();
  for (int h = 0; h < a.homes; ++h) {
    std::uint64_t home_seed = sim::derive_seed(a.seed, static_cast<std::uint64_t>(h));
    sim::household_schedule household{home_seed};
    sim::rng rng{sim::derive_seed(home_seed, "automation")};
    bool has_ev = rng.uniform() < 0.45;
    double ev_w = rng.uniform() < 0.5 ? 7400 : 3700;
    int residents = household.traits().residents;
    std::int64_t first_day = zone->moment(a.from).day;
    for (int d = 0; d < a.days; ++d) {
      std::int64_t day = first_day + d;
      const auto& today = household.plan(day);
      const auto& tomorrow = household.plan(day + 1);
      home_plan_inputs in;
      in.home = "h" + std::to_string(h);
      in.zone = *zone;
      in.tariff = tariff;
      in.now = zone->at(day, 0);
      in.preferences.import_cap_w = 11'000;
      load_forecast f;
      f.start = plan_start(in.now, 15 * minute_ms);
      for (int q = 0; q < in.horizon; ++q)
        f.kw.push_back(base_kw(zone->moment(f.start + q * 15 * minute_ms)));
      in.forecast = f;
      for (const auto* app : {&dish, &washer}) {
        const auto& p = app->profile;
        bool weekend = weekday_of(day) >= 5;
        double chance =
            p.base_chance + p.chance_per_resident * residents + (weekend ? p.weekend_bonus : 0);
        if (rng.uniform() >= chance)
          continue;
        const auto& windows = weekend ? p.weekend_windows : p.weekday_windows;
        const auto& w = windows[static_cast<std::size_t>(rng.uniform() * windows.size())];
        millis load = zone->at(day, static_cast<millis>(rng.uniform(w.from_h, w.to_h) * hour_ms));
        run_request r;
        r.schedule_id = app->device + "-" + std::to_string(d);
        r.device = app->device;
        r.earliest_ms = load;
        r.duration_ms = static_cast<millis>(app->duration_ms);
        r.deadline_ms = load + static_cast<millis>(p.max_delay_h * hour_ms) + r.duration_ms;
        r.power_w = app->power_w;
        in.automation.runs.push_back(r);
      }
      if (has_ev && today.away) {
        energy_request ev;
        ev.id = "ev-" + std::to_string(d);
        ev.device = "ev-charger";
        ev.earliest_ms = zone->at(day, today.back);
        ev.deadline_ms = tomorrow.away ? zone->at(day + 1, tomorrow.leave)
                                       : zone->at(day + 1, tomorrow.wake + hour_ms);
        ev.energy_wh = 40 * 0.17 / 0.92 * 1000 * rng.uniform(0.6, 1.4);
        ev.max_w = ev_w;
        in.energy.push_back(ev);
      }
      energy_request heater;
      heater.id = "water-" + std::to_string(d);
      heater.device = "water-heater";
      heater.earliest_ms = zone->at(day, today.wake + 30 * minute_ms);
      heater.deadline_ms = heater.earliest_ms + 10 * hour_ms;
      heater.energy_wh = 3500 * rng.uniform(0.8, 1.2);
      heater.max_w = 2000;
      in.energy.push_back(heater);

      auto t0 = std::chrono::steady_clock::now();
      auto plan = plan_home(in);
      solve_s += bench::seconds_since(t0);
      ++sum.plans;
      sum.unplaced += static_cast<long>(plan.unplaced.size());
      for (const auto& l : plan.loads) {
        ++sum.loads;
        sum.planned_cost += l.cost;
        sum.natural_cost += l.cost + l.saving;
        sum.deferrable_kwh += l.energy_wh / 1000;
        sum.floor_cost += l.energy_wh / 1000 * lowest;
      }
      for (millis t = zone->at(day, 0); t < zone->at(day + 1, 0); t += 15 * minute_ms)
        sum.base_cost += base_kw(zone->moment(t)) * 0.25 * price_at(tariff, *zone, t).import_price;
    }
  }
  double wall = bench::seconds_since(started);
  double per_home_month = 30.0 / a.days / a.homes;
  double saved = sum.natural_cost - sum.planned_cost;
  std::printf("automation savings: %d homes x %d days (%s), time-of-use 0.30 / peak 0.45 / night "
              "0.20 EUR/kWh\n",
              a.homes, a.days, a.tz.c_str());
  std::printf("  deferrable loads: %ld placed (%ld unplaced), %.1f kWh per home per month\n",
              sum.loads, sum.unplaced, sum.deferrable_kwh * per_home_month);
  std::printf("  deferrable cost per home per month: no automation %.2f EUR, optimizer %.2f EUR, "
              "floor (all at %.2f) %.2f EUR\n",
              sum.natural_cost * per_home_month, sum.planned_cost * per_home_month, lowest,
              sum.floor_cost * per_home_month);
  std::printf("  saved: %.2f EUR per home per month = %.1f%% of the deferrable cost "
              "(%.1f%% of what the floor allows)\n",
              saved * per_home_month, 100 * saved / sum.natural_cost,
              100 * saved / (sum.natural_cost - sum.floor_cost));
  std::printf("  whole bill (with the base load): no automation %.2f EUR, optimizer %.2f EUR, "
              "saved %.1f%%\n",
              (sum.base_cost + sum.natural_cost) * per_home_month,
              (sum.base_cost + sum.planned_cost) * per_home_month,
              100 * saved / (sum.base_cost + sum.natural_cost));
  std::printf("  %ld plans in %.2f s of planning (%.2f ms each), %.2f s in all\n", sum.plans,
              solve_s, 1000 * solve_s / std::max(1L, sum.plans), wall);
  return 0;
}
