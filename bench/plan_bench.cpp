// Plans per second per core at 96, 192 and 672 slots (15-minute slots, one
// to seven days) on typical homes (0-6 shiftable cycles, an EV session per
// day, a battery, solar; some with an import cap, some with negative prices),
// next to CBC solving the same problems as a MILP in the same run.
//
//   plan_bench [--problems N] [--cbc N] [--sizes 96,192,672] [--seed S] [--budget-ms B]
//
// --problems: problems per size timed with the engine (one core).
// --cbc: how many of them CBC solves too (its time and cost, the speedup and
//        the largest cost difference are printed).
// --budget-ms: the engine's time budget per problem (default 5000); "optimal"
//        counts the plans proven within it.
// --cbc-preprocess 1: CBC with its default preprocessing (faster on some
//        problems, but it returns wrong optima on some of these models; the
//        max cost difference column shows it).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "streams/plan_solver.hpp"
#include "tests/support/cbc_plan_oracle.hpp"
#include "tests/support/plan_generator.hpp"

using namespace hems;

namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  double pos = q * (v.size() - 1);
  std::size_t lo = static_cast<std::size_t>(pos);
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

testing::problem_mix typical_home(int horizon) {
  testing::problem_mix mix;
  mix.horizon = horizon;
  mix.min_shiftables = 0;
  mix.max_shiftables = 6;
  mix.p_ev = 1;
  mix.p_battery = 1;
  mix.p_pv = 1;
  mix.p_water_heater = 0.3;
  mix.p_cap = 0.4;
  mix.p_negative = 0.1;
  return mix;
}

} // namespace

int main(int argc, char** argv) {
  int problems = 200, cbc_count = 50;
  double budget_ms = 5000;
  bool cbc_preprocess = false;
  bool verbose = false;
  std::vector<int> sizes{96, 192, 672};
  std::uint64_t seed = 20240601;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--problems")
      problems = std::atoi(argv[i + 1]);
    else if (a == "--cbc")
      cbc_count = std::atoi(argv[i + 1]);
    else if (a == "--cbc-preprocess")
      cbc_preprocess = std::atoi(argv[i + 1]) != 0;
    else if (a == "--verbose")
      verbose = std::atoi(argv[i + 1]) != 0;
    else if (a == "--budget-ms")
      budget_ms = std::atof(argv[i + 1]);
    else if (a == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--sizes") {
      sizes.clear();
      std::string list = argv[i + 1];
      for (std::size_t p = 0; p < list.size();) {
        std::size_t q = list.find(',', p);
        sizes.push_back(std::atoi(list.substr(p, q - p).c_str()));
        p = q == std::string::npos ? list.size() : q + 1;
      }
    } else {
      std::fprintf(stderr,
                   "usage: plan_bench [--problems N] [--cbc N] [--sizes 96,192,672] [--seed S]\n");
      return 2;
    }
  }

  std::printf("%6s %8s %10s %10s %10s %10s %8s | %5s %10s %10s %9s %12s\n", "slots", "plans",
              "median_ms", "p99_ms", "max_ms", "plans/s", "optimal", "cbc", "cbc_med_ms",
              "cbc_p99_ms", "speedup", "max_cost_diff");
  for (int T : sizes) {
    auto mix = typical_home(T);
    std::vector<double> ours, cbc_ms, ours_on_cbc;
    int optimal = 0, infeasible = 0, cbc_failed = 0;
    double max_diff = 0;
    for (int i = 0; i < problems; ++i) {
      auto p = testing::random_plan_problem(seed + 1000003ull * T + i, mix);
      streams::plan_options options;
      options.explain = false;
      options.time_budget_ms = budget_ms;
      auto t0 = std::chrono::steady_clock::now();
      auto r = streams::solve_plan(p, options);
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!r) {
        ++infeasible;
        continue;
      }
      ours.push_back(ms);
      optimal += r->optimal;
      if (verbose) {
        int shiftables = 0, negative = 0;
        for (const auto& l : p.loads)
          shiftables += l.kind == streams::load_kind::shiftable;
        for (double e : p.export_price)
          negative += e < 0;
        std::printf("  #%d %.3f ms solves %d nodes %ld iterations %ld shiftables %d negative_slots "
                    "%d cap %d "
                    "loads %zu%s\n",
                    i, ms, r->continuous_solves, r->nodes, r->lp_iterations, shiftables, negative,
                    p.max_import_kw.has_value(), p.loads.size(), r->optimal ? "" : " NOT PROVEN");
      }
      if (i < cbc_count) {
        auto c = testing::solve_with_cbc(p, {.time_limit_s = 120, .preprocess = cbc_preprocess});
        if (!c.optimal) {
          ++cbc_failed;
          continue;
        }
        cbc_ms.push_back(c.solve_ms);
        ours_on_cbc.push_back(ms);
        max_diff =
            std::max(max_diff, std::abs(r->cost - c.cost) / std::max(std::abs(c.cost), 1e-9));
      }
    }
    double mean = 0;
    for (double v : ours)
      mean += v;
    mean /= std::max<std::size_t>(1, ours.size());
    double speedup = percentile(cbc_ms, 0.5) / std::max(percentile(ours_on_cbc, 0.5), 1e-9);
    std::printf("%6d %8zu %10.3f %10.3f %10.3f %10.0f %8d | %5zu %10.2f %10.2f %8.0fx %12.2e\n", T,
                ours.size(), percentile(ours, 0.5), percentile(ours, 0.99),
                ours.empty() ? 0.0 : *std::max_element(ours.begin(), ours.end()), 1000.0 / mean,
                optimal, cbc_ms.size(), percentile(cbc_ms, 0.5), percentile(cbc_ms, 0.99), speedup,
                max_diff);
    if (infeasible || cbc_failed)
      std::printf("       (%d infeasible problems skipped, CBC unfinished on %d)\n", infeasible,
                  cbc_failed);
    std::fflush(stdout);
  }
  return 0;
}
