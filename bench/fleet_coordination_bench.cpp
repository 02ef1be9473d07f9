// The fleet's highest 15-minute peak with every home optimizing alone against
// one time-of-use tariff, next to the same homes coordinated
// (streams/fleet_coordinator), over a simulated month; and what residents pay
// in each case. Writes the fleet's load curves (CSV and SVG) for
// docs/PERFORMANCE.md.
//
//   fleet_coordination_bench [--homes 10000] [--days 30] [--threads 2] [--seed S]
//                            [--passes 2] [--weight 0.01] [--out docs/fleet]
//
// --out: file prefix; writes <out>_month.csv, <out>_month.svg and
//        <out>_peak_day.svg (none when absent).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"
#include "streams/fleet_coordinator.hpp"
#include "streams/fleet_scenario.hpp"

using namespace hems;

namespace {

struct day_result {
  std::vector<double> alone_kw, coordinated_kw;
  double alone_cost = 0, coordinated_cost = 0;
  long solves = 0, failures = 0;
};

/// A line chart of two series, no dependencies.
void write_svg(const std::string& path, const std::string& title, const std::vector<double>& a,
               const std::vector<double>& b, double hours_per_point, double first_hour) {
  const double w = 960, h = 420, left = 70, right = 20, top = 40, bottom = 50;
  double ymax = std::max(streams::peak_of(a), streams::peak_of(b)) * 1.08;
  auto x = [&](std::size_t i) { return left + (w - left - right) * i / std::max<std::size_t>(a.size() - 1, 1); };
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - v / ymax); };
  std::ofstream out{path};
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h
      << "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n"
      << "<text x='" << left << "' y='22' font-size='15'>" << title << "</text>\n";
  for (int k = 0; k <= 5; ++k) {
    double v = ymax / 1.08 * k / 5;
    out << "<line x1='" << left << "' x2='" << w - right << "' y1='" << y(v) << "' y2='" << y(v)
        << "' stroke='#ddd'/><text x='" << left - 6 << "' y='" << y(v) + 4
        << "' text-anchor='end'>" << static_cast<long>(v / 1000) << " MW</text>\n";
  }
  double span_h = a.size() * hours_per_point;
  double tick_h = span_h > 48 ? 24 : 3;
  for (double t = 0; t <= span_h; t += tick_h) {
    std::size_t i = static_cast<std::size_t>(t / hours_per_point);
    if (i >= a.size())
      break;
    char label[32];
    if (span_h > 48)
      std::snprintf(label, sizeof label, "%ld", static_cast<long>(t / 24) + 1);
    else
      std::snprintf(label, sizeof label, "%02ld:00",
                    static_cast<long>(std::fmod(first_hour + t, 24.0)));
    out << "<text x='" << x(i) << "' y='" << h - bottom + 18 << "' text-anchor='middle'>" << label
        << "</text>\n";
  }
  out << "<text x='" << (w / 2) << "' y='" << h - 12 << "' text-anchor='middle'>"
      << (span_h > 48 ? "day of the month" : "local time") << "</text>\n";
  auto line = [&](const std::vector<double>& s, const char* colour) {
    out << "<polyline fill='none' stroke='" << colour << "' stroke-width='1.3' points='";
    for (std::size_t i = 0; i < s.size(); ++i)
      out << x(i) << ',' << y(s[i]) << ' ';
    out << "'/>\n";
  };
  line(a, "#d62728");
  line(b, "#1f77b4");
  out << "<text x='" << w - 260 << "' y='22' fill='#d62728'>every home alone</text>"
      << "<text x='" << w - 130 << "' y='22' fill='#1f77b4'>coordinated</text>\n</svg>\n";
}

} // namespace

int main(int argc, char** argv) {
  int homes = 10000, days = 30, threads = 2, passes = 2;
  double weight = 0.01;
  std::uint64_t seed = 20261127;
  std::string out_prefix;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--homes")
      homes = std::atoi(argv[i + 1]);
    else if (a == "--days")
      days = std::atoi(argv[i + 1]);
    else if (a == "--threads")
      threads = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--passes")
      passes = std::atoi(argv[i + 1]);
    else if (a == "--weight")
      weight = std::atof(argv[i + 1]);
    else if (a == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--out")
      out_prefix = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: fleet_coordination_bench [--homes N] [--days N] [--threads N] "
                           "[--seed S] [--passes N] [--weight W] [--out PREFIX]\n");
      return 2;
    }
  }

  streams::tou_tariff tariff;
  streams::coordination_options options;
  options.passes = passes;
  options.valley_weight = weight;

  std::vector<day_result> results(days);
  std::atomic<int> next_day{0};
  auto t0 = std::chrono::steady_clock::now();
  auto work = [&] {
    for (int d = next_day++; d < days; d = next_day++) {
      auto problems = streams::fleet_day(seed, homes, d, tariff);
      auto alone = streams::plan_alone(problems, options.solve);
      auto together = streams::coordinate(problems, options);
      auto& r = results[d];
      r.alone_kw = std::move(alone.total_kw);
      r.coordinated_kw = std::move(together.total_kw);
      r.alone_cost = alone.cost;
      r.coordinated_cost = together.cost;
      r.solves = alone.solves + together.solves;
      r.failures = alone.failures + together.failures;
    }
  };
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back(work);
  for (auto& t : pool)
    t.join();
  double secs = bench::seconds_since(t0);

  std::vector<double> alone, together;
  double alone_cost = 0, together_cost = 0;
  long solves = 0, failures = 0;
  int peak_day = 0;
  for (int d = 0; d < days; ++d) {
    const auto& r = results[d];
    alone.insert(alone.end(), r.alone_kw.begin(), r.alone_kw.end());
    together.insert(together.end(), r.coordinated_kw.begin(), r.coordinated_kw.end());
    alone_cost += r.alone_cost;
    together_cost += r.coordinated_cost;
    solves += r.solves;
    failures += r.failures;
    if (streams::peak_of(r.alone_kw) > streams::peak_of(results[peak_day].alone_kw))
      peak_day = d;
  }
  double peak_alone = streams::peak_of(alone), peak_together = streams::peak_of(together);
  double base_peak = 0; // the fleet's uncontrolled load alone: a floor for any coordination
  {
    auto problems = streams::fleet_day(seed, homes, peak_day, tariff);
    std::vector<double> base(problems.front().horizon, 0.0);
    for (const auto& p : problems)
      for (int t = 0; t < p.horizon; ++t)
        base[t] += p.base_load_kw[t];
    base_peak = streams::peak_of(base);
  }

  std::printf("fleet coordination: %d homes x %d days on one time-of-use tariff "
              "(%.2f/%.2f/%.2f per kWh), %d threads, %.1f s, %s plans (%.0f/s), %ld failed\n",
              homes, days, tariff.off_peak, tariff.shoulder, tariff.peak, threads, secs,
              bench::with_commas(static_cast<double>(solves)).c_str(), solves / secs, failures);
  std::printf("%-28s %14s %16s\n", "", "peak 15-min kW", "residents' cost");
  std::printf("%-28s %14.0f %16.2f\n", "every home alone (peer)", peak_alone, alone_cost);
  std::printf("%-28s %14.0f %16.2f\n", "coordinated", peak_together, together_cost);
  std::printf("%-28s %13.1f%% %15.3f%%\n", "change", 100 * (peak_together / peak_alone - 1),
              100 * (together_cost / alone_cost - 1));
  std::printf("uncontrolled load's own peak on the worst day (floor): %.0f kW\n", base_peak);

  if (!out_prefix.empty()) {
    std::ofstream csv{out_prefix + "_month.csv"};
    csv << "day,local_time,alone_kw,coordinated_kw\n";
    for (std::size_t i = 0; i < alone.size(); ++i) {
      int d = static_cast<int>(i / 96);
      int minutes = static_cast<int>((streams::fleet_day_start_h * 60 + (i % 96) * 15) % 1440);
      char hhmm[8];
      std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", minutes / 60, minutes % 60);
      csv << d + 1 << ',' << hhmm << ',' << alone[i] << ',' << together[i] << '\n';
    }
    write_svg(out_prefix + "_month.svg",
              "Fleet load, " + std::to_string(homes) + " homes, " + std::to_string(days) +
                  " days (noon to noon), 15-minute averages",
              alone, together, 0.25, streams::fleet_day_start_h);
    write_svg(out_prefix + "_peak_day.svg",
              "Fleet load on day " + std::to_string(peak_day + 1) + " (the highest peak), " +
                  std::to_string(homes) + " homes",
              results[peak_day].alone_kw, results[peak_day].coordinated_kw, 0.25,
              streams::fleet_day_start_h);
    std::printf("wrote %s_month.csv, %s_month.svg, %s_peak_day.svg\n", out_prefix.c_str(),
                out_prefix.c_str(), out_prefix.c_str());
  }
  return 0;
}
