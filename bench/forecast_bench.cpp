// Base-load forecast error on simulated months: hems' forecast next to the
// two naive peers (same time yesterday, same time last week), all three
// computed in this run from the same windows.
//
// Simulated homes (sim/, with a whole-home meter) are played at one-minute
// steps through the same window code the server runs (streams/home_windows);
// the base load of each home is the sum of its 15-minute windows of devices
// no automation controls plus the meter's untracked remainder (what
// GET /patterns forecasts). After a warm-up, a 48-hour forecast is issued
// every 6 hours and compared with what happened, quarter by quarter.
//
//   forecast_bench [--homes N] [--devices K] [--warmup-days W] [--days D]
//                  [--from T] [--tz ZONE] [--seed S]
//                  [--same-weekday-weight W] [--day-half-life D] [--smooth-quarters Q]
//                  [--level-fade-h H]   (the model's settings, to try others)

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_util.hpp"
#include "core/time_format.hpp"
#include "sim/neighbourhood.hpp"
#include "sim/playback.hpp"
#include "streams/forecast.hpp"
#include "streams/home_windows.hpp"
#include "streams/patterns.hpp"

using namespace hems;
using namespace hems::streams;

namespace {

struct args {
  int homes = 20;
  int devices = 10;
  int warmup_days = 28;
  int days = 28;
  millis from = 1767571200000; // 2026-01-05T00:00:00Z, a Monday
  std::string tz = "Europe/Berlin";
  std::uint64_t seed = 42;
  forecast_settings model;
};

args parse(int argc, char** argv) {
  args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--homes")
      a.homes = std::atoi(v.c_str());
    else if (k == "--devices")
      a.devices = std::atoi(v.c_str());
    else if (k == "--warmup-days")
      a.warmup_days = std::atoi(v.c_str());
    else if (k == "--days")
      a.days = std::atoi(v.c_str());
    else if (k == "--tz")
      a.tz = v;
    else if (k == "--seed")
      a.seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--same-weekday-weight")
      a.model.same_weekday_weight = std::atof(v.c_str());
    else if (k == "--day-half-life")
      a.model.day_half_life = std::atof(v.c_str());
    else if (k == "--smooth-quarters")
      a.model.smooth_quarters = std::atoi(v.c_str());
    else if (k == "--level-fade-h")
      a.model.level_fade_h = std::atof(v.c_str());
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

/// One home's windows as the server computes them, keeping the base-load
/// series' 15-minute windows.
struct home_state {
  home_windows windows;
  std::map<std::string, device_kind> kinds;
  std::map<std::string, std::vector<usage_window>> base_series;

  explicit home_state(const local_zone& zone) : windows(window_calendar{zone}, window_settings{}) {}

  void add(std::span<const sample> samples) {
    std::map<std::string, device_readings> batch;
    for (const auto& s : samples) {
      auto& b = batch[s.device];
      b.device = s.device;
      b.kind = s.kind;
      b.readings.push_back(window_reading::of(s));
      kinds[s.device] = s.kind;
    }
    millis now = samples.empty() ? 0 : samples.back().ts_ms;
    for (const auto& [id, b] : batch)
      windows.add(b, now);
    keep(windows.close_due(now));
  }
  void keep(std::vector<usage_window> closed) {
    for (auto& w : closed) {
      if (w.res != resolution::m15)
        continue;
      bool base = w.series == untracked_series;
      if (auto k = kinds.find(w.series); k != kinds.end())
        base = in_base_load(k->second);
      if (base)
        base_series[w.series].push_back(std::move(w));
    }
  }
};

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  auto zone = local_zone::from_name(a.tz);
  if (!zone) {
    std::fprintf(stderr, "--tz: unknown zone\n");
    return 2;
  }
  sim::neighbourhood_config config;
  config.homes = a.homes;
  config.devices_per_home = a.devices;
  config.seed = a.seed;
  config.zone = *zone;
  config.meters = true;
  sim::neighbourhood homes{config};

  millis eval_from = a.from + a.warmup_days * day_ms;
  millis to = eval_from + a.days * day_ms;
  std::printf("forecast_bench: %d homes x %d devices + meter, %s, %s .. %s (warm-up %d days, "
              "evaluated %d days), 48 h forecasts every 6 h\n",
              a.homes, a.devices, a.tz.c_str(), format_rfc3339(a.from).c_str(),
              format_rfc3339(to).c_str(), a.warmup_days, a.days);

  auto t0 = std::chrono::steady_clock::now();
  std::map<std::string, home_state> states;
  // Two more days are simulated so that the last forecasts can be scored.
  sim::generate(homes, a.from, to + 2 * day_ms, 60'000, 20'000,
                [&](const sim::simulated_home& home, std::span<const sample> samples) {
                  auto it = states.try_emplace(home.id(), *zone).first;
                  it->second.add(samples);
                  return true;
                });
  auto simulated = std::chrono::steady_clock::now() - t0;

  forecast_error hems_err, day_err, week_err;
  double actual_sum = 0;
  std::chrono::steady_clock::duration hems_time{}, naive_time{};
  std::size_t forecasts = 0;
  for (auto& [id, st] : states) {
    std::vector<std::vector<usage_window>> parts;
    for (auto& [series, ws] : st.base_series)
      parts.push_back(std::move(ws));
    auto base = sum_quarters(parts, "base");
    std::map<millis, double> actual; // kW per quarter
    for (const auto& w : base)
      if (auto p = quarter_power_w(w))
        actual[w.start] = *p / 1000;
    for (millis start = eval_from; start < to; start += 6 * hour_ms) {
      // Only the windows before the forecast's start, as the server has them.
      auto end = std::lower_bound(base.begin(), base.end(), start,
                                  [](const usage_window& w, millis t) { return w.start < t; });
      std::span<const usage_window> history{base.begin(), end};
      auto f0 = std::chrono::steady_clock::now();
      auto f = forecast_base_load(history, start, *zone, a.model);
      auto f1 = std::chrono::steady_clock::now();
      auto fd = naive_forecast(history, start, 192, day_ms);
      auto fw = naive_forecast(history, start, 192, 7 * day_ms);
      auto f2 = std::chrono::steady_clock::now();
      hems_time += f1 - f0;
      naive_time += f2 - f1;
      ++forecasts;
      for (std::size_t i = 0; i < 192; ++i) {
        auto it = actual.find(start + static_cast<millis>(i) * quarter_ms);
        // Scored where the truth and all three forecasts exist.
        if (it == actual.end() || std::isnan(fd.kw[i]) || std::isnan(fw.kw[i]))
          continue;
        hems_err.add(f.kw[i], it->second);
        day_err.add(fd.kw[i], it->second);
        week_err.add(fw.kw[i], it->second);
        actual_sum += it->second;
      }
    }
  }
  double mean = hems_err.n ? actual_sum / hems_err.n : 0;
  std::printf("simulated and windowed in %.1f s; %zu forecasts, %zu quarters scored; mean base "
              "load %.3f kW\n\n",
              seconds(simulated), forecasts, hems_err.n, mean);
  std::printf("| forecast | MAE kW | RMSE kW | MAE / mean | time per forecast |\n");
  std::printf("|---|---|---|---|---|\n");
  auto row = [&](const char* name, const forecast_error& e, double per_forecast_s) {
    std::printf("| %s | %.4f | %.4f | %.1f%% | %.0f us |\n", name, e.mae(), e.rmse(),
                mean > 0 ? 100 * e.mae() / mean : 0.0, per_forecast_s * 1e6);
  };
  double n = forecasts ? static_cast<double>(forecasts) : 1;
  row("hems (weekly profile + recent level)", hems_err, seconds(hems_time) / n);
  row("naive: same time yesterday", day_err, seconds(naive_time) / n / 2);
  row("naive: same time last week", week_err, seconds(naive_time) / n / 2);
  bool beats = hems_err.mae() < day_err.mae() && hems_err.mae() < week_err.mae() &&
               hems_err.rmse() < day_err.rmse() && hems_err.rmse() < week_err.rmse();
  std::printf("\nhems %s both naive forecasts (MAE and RMSE)\n", beats ? "beats" : "does NOT beat");
  return 0;
}
