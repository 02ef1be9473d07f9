// GET /fleet/usage's work for many homes: the fleet source reading every
// home's 15-minute windows of one day from RocksDB and summing them, next to
// the bare reads of the same windows through the history store (the ceiling:
// summing costs what it costs on top of reading).
//
//   fleet_usage_bench [--homes 10000] [--days 1] [--repeat 3]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "actors/live_board.hpp"
#include "api/fleet_routes.hpp"
#include "bench/bench_util.hpp"
#include "storage/store.hpp"
#include "streams/window_stats.hpp"

using namespace hems;

int main(int argc, char** argv) {
  int homes = 10000, days = 1, repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--homes")
      homes = std::atoi(argv[i + 1]);
    else if (a == "--days")
      days = std::atoi(argv[i + 1]);
    else if (a == "--repeat")
      repeat = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: fleet_usage_bench [--homes N] [--days D] [--repeat R]\n");
      return 2;
    }
  }
  auto dir = std::filesystem::temp_directory_path() /
             ("hems-fleet-usage-bench-" + std::to_string(::getpid()));
  constexpr millis t0 = 1'795'737'600'000; // 2026-11-27T00:00:00Z
  constexpr millis quarter = 900'000;
  const int quarters = 96 * days;
  {
    auto opened = storage::open_rocksdb_store({.dir = dir});
    if (!opened) {
      std::fprintf(stderr, "open: %s\n", opened.error().detail.c_str());
      return 1;
    }
    auto& db = **opened;
    auto board = std::make_shared<actors::live_board>();
    std::vector<std::string> ids;
    auto w0 = std::chrono::steady_clock::now();
    for (int h = 0; h < homes; ++h) {
      char id[16];
      std::snprintf(id, sizeof id, "h-%05d", h);
      ids.emplace_back(id);
      std::vector<streams::usage_window> ws;
      for (int q = 0; q < quarters; ++q) {
        streams::window_stats st;
        st.energy_wh = 100 + (h + q) % 300;
        st.max_power_w = 400 + (h * 7 + q) % 1200;
        st.samples = 15;
        st.covered_ms = quarter;
        ws.push_back({std::string{streams::home_series}, streams::resolution::m15, t0 + q * quarter,
                      t0 + (q + 1) * quarter, st});
      }
      (void)db.history()->commit_windows(id, ws, {t0 + quarters * quarter, 0});
      actors::device_status s;
      s.device = "meter";
      s.kind = device_kind::meter;
      s.last_seen_ms = t0;
      sample last;
      last.home = id;
      last.device = "meter";
      last.ts_ms = t0;
      last.power_w = 500;
      last.kind = device_kind::meter;
      s.memo.last = last;
      s.memo.day = streams::utc_day_start(t0);
      board->put(id, s);
    }
    (void)db.history()->compact_all();
    std::printf("fleet usage: %d homes x %d quarters written in %.1f s\n", homes, quarters,
                bench::seconds_since(w0));

    actors::live_settings settings;
    auto source = api::local_fleet_source(board, settings, db.history());
    api::fleet_window_query q{streams::resolution::m15, t0, t0 + quarters * quarter};
    double best_fleet = 1e9, best_reads = 1e9;
    double check = 0;
    for (int r = 0; r < repeat; ++r) {
      auto a = std::chrono::steady_clock::now();
      std::size_t rows = 0;
      for (const auto& id : ids) {
        auto got = db.history()->read_windows(
          {id, std::string{streams::home_series}, streams::resolution::m15, q.from, q.to});
        rows += got ? got->size() : 0;
      }
      best_reads = std::min(best_reads, bench::seconds_since(a));
      auto b = std::chrono::steady_clock::now();
      auto part = source->usage(ids, q);
      best_fleet = std::min(best_fleet, bench::seconds_since(b));
      check = part.windows.empty() ? 0 : part.windows.front().energy_wh;
      if (rows != static_cast<std::size_t>(homes) * quarters ||
          part.answered.size() != static_cast<std::size_t>(homes))
        std::fprintf(stderr, "unexpected: %zu rows, %zu homes answered\n", rows,
                     part.answered.size());
    }
    double windows = static_cast<double>(homes) * quarters;
    std::printf("%-44s %10s %14s\n", "", "seconds", "windows/s");
    std::printf("%-44s %10.3f %14s\n", "bare reads of every home's windows (ceiling)", best_reads,
                bench::with_commas(windows / best_reads).c_str());
    std::printf("%-44s %10.3f %14s\n", "fleet usage: read, sum, live (hems)", best_fleet,
                bench::with_commas(windows / best_fleet).c_str());
    std::printf("first window's fleet energy: %.0f Wh\n", check);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
