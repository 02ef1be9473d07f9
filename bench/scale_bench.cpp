// One node at fleet scale (issue 9, part 5): 100,000 homes × 10 devices (a
// million device actors) in one process, fed one sample per device every
// 10 s (100,000 samples/s), measuring resident memory and the p99 time from
// a sample's hand-over to the actors until it is visible to a live read (the
// live board GET /devices reads). The peer is the same probe on a fleet of
// 1,000 devices in the same run: what the scale itself costs.
//
// Samples enter where the write path hands committed samples to the actors
// (the fleet directory, in batches as the writer commits them); storage is
// measured by ingest_bench (300 k samples/s through RocksDB, three times this
// load) and left out here so the figure is the actors', unless --storage:
// then each batch is first committed to a real RocksDB store (write-ahead
// log, no fsync: the telemetry link's policy) on the sending thread, as the
// writer does, and the latency runs from before the commit. No usage windows.
//
//   build/release/bench/scale_bench                      # 100,000 homes x 10 devices, 30 s
//   build/release/bench/scale_bench --homes 1000 --seconds 5
//   build/release/bench/scale_bench --storage             # RocksDB commit before the actors

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <mutex>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <unistd.h>

#include "actors/fleet_directory.hpp"
#include "actors/live_board.hpp"
#include "app/cli_options.hpp"
#include "bench/bench_util.hpp"
#include "storage/store.hpp"

using namespace hems;
using namespace hems::bench;

namespace {

std::string home_id(std::size_t h) {
  return "h-" + std::to_string(h);
}
std::string device_id(std::size_t d) {
  return "dev-" + std::to_string(d);
}

millis wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct fleet {
  std::size_t homes = 0, devices_per_home = 0;
  std::size_t devices() const { return homes * devices_per_home; }
};

sample make_sample(std::size_t home, std::size_t device, std::uint64_t seq) {
  sample s;
  s.home = home_id(home);
  s.device = device_id(device);
  s.ts_ms = wall_ms();
  s.power_w = static_cast<double>((home * 7 + device * 13 + seq) % 3000);
  s.seq = seq;
  s.kind = device == 0 ? device_kind::meter : device_kind::plug;
  return s;
}

struct probe {
  std::string home, device;
  std::uint64_t seq = 0;
  std::chrono::steady_clock::time_point sent;
};

struct result {
  double rss_mib = 0;
  double bytes_per_device = 0;
  double achieved_per_second = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::size_t probes = 0, lost = 0;
  double populate_seconds = 0;
  double cpu_us_per_sample = 0; ///< process CPU time (all threads) per sustained sample
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double>& xs, double p) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(xs.size() - 1));
  return xs[i];
}

// The write path's commit of one batch, when the run has storage.
void commit(storage::store* db, const actors::sample_list& list) {
  if (!db)
    return;
  auto b = db->new_batch();
  for (const auto& s : list)
    b->put_sample(s);
  if (auto ok = db->commit(*b, storage::durability::os_buffered); !ok) {
    std::fprintf(stderr, "commit: %s\n", ok.error().detail.c_str());
    std::exit(1);
  }
}

result run(const fleet& f, double seconds, std::size_t threads, std::size_t batch,
           bool with_storage) {
  result out;
  long rss_before = proc_status_kib("VmRSS");
  std::unique_ptr<storage::store> db;
  auto dir = std::filesystem::temp_directory_path() /
             ("hems-scale-bench-" + std::to_string(::getpid()) + "-" + std::to_string(f.homes));
  if (with_storage) {
    std::filesystem::remove_all(dir);
    auto opened = storage::open_rocksdb_store(
        {.dir = dir, .retention = {}, .time = std::make_shared<system_clock>()});
    if (!opened) {
      std::fprintf(stderr, "open: %s\n", opened.error().detail.c_str());
      std::exit(1);
    }
    db = std::move(*opened);
  }
  caf::actor_system_config config;
  config.set("logger.verbosity", caf::atom("quiet"));
  config.set("logger.console", caf::atom("none"));
  if (threads > 0)
    config.set("scheduler.max-threads", threads);
  metrics_registry metrics;
  {
    caf::actor_system system{config};
    auto context = std::make_shared<actors::live_context>();
    context->metrics = std::make_shared<actors::live_metrics>(metrics);
    context->board = std::make_shared<actors::live_board>();
    auto directory =
        system.spawn(actors::fleet_directory_behavior, std::vector<actors::recovered_device>{},
                     actors::live_context_ptr{context});
    auto applied = [&] {
      return static_cast<std::size_t>(context->metrics->samples_applied.value());
    };

    // Every device's first sample spawns its home and device actors.
    auto started = std::chrono::steady_clock::now();
    std::size_t sent = 0;
    actors::sample_list pending;
    for (std::size_t h = 0; h < f.homes; ++h) {
      for (std::size_t d = 0; d < f.devices_per_home; ++d)
        pending.push_back(make_sample(h, d, 1));
      if (pending.size() >= batch) {
        sent += pending.size();
        commit(db.get(), pending);
        caf::anon_send(directory, actors::ingest_atom::value, std::move(pending));
        pending = {};
        while (sent - applied() > 200'000) // a bounded queue, as the writer's
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    sent += pending.size();
    commit(db.get(), pending);
    caf::anon_send(directory, actors::ingest_atom::value, std::move(pending));
    while (applied() < sent)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    out.populate_seconds = seconds_since(started);
    malloc_trim(0);
    long rss = proc_status_kib("VmRSS");
    out.rss_mib = static_cast<double>(rss) / 1024.0;
    out.bytes_per_device =
        static_cast<double>(rss - rss_before) * 1024.0 / static_cast<double>(f.devices());

    // Sustained: every device once per 10 s, paced in 10 ms steps; about
    // 1,000 samples a second are probes whose visibility a reader thread waits for.
    const double rate = static_cast<double>(f.devices()) / 10.0;
    const auto probe_every = std::max<std::size_t>(1, static_cast<std::size_t>(rate / 1000));
    std::mutex probes_mutex;
    std::vector<probe> probes;
    std::vector<double> latencies_ms;
    std::atomic<bool> done{false};
    std::thread reader{[&] {
      std::vector<probe> mine;
      while (!done || !mine.empty()) {
        {
          std::lock_guard lock{probes_mutex};
          for (auto& p : probes)
            mine.push_back(std::move(p));
          probes.clear();
        }
        // Oldest first, stopping at the first probe not yet visible: a
        // later one is counted when it is seen after that (an upper bound on
        // its latency), and the reader costs one live read per sample seen
        // instead of competing with the actors for the cores.
        std::size_t seen = 0;
        for (; seen < mine.size(); ++seen) {
          const auto& p = mine[seen];
          auto now = std::chrono::steady_clock::now();
          auto view = context->board->view(p.home, context->settings);
          bool visible = std::any_of(view.devices.begin(), view.devices.end(), [&](const auto& d) {
            return d.status.device == p.device && d.status.memo.last &&
                   d.status.memo.last->seq >= p.seq;
          });
          if (visible)
            latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - p.sent).count());
          else if (now - p.sent > std::chrono::seconds(10))
            ++out.lost;
          else
            break;
        }
        mine.erase(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(seen));
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    }};
    std::size_t cursor = 0; // device index across the fleet
    std::uint64_t round = 2;
    std::size_t sustained = 0;
    auto start = std::chrono::steady_clock::now();
    auto step = std::chrono::milliseconds(10);
    auto next = start;
    std::size_t applied_before = applied();
    double cpu_before = cpu_seconds();
    while (seconds_since(start) < seconds) {
      next += step;
      auto due = static_cast<std::size_t>(rate * seconds_since(start)) - sustained;
      actors::sample_list list;
      std::vector<probe> new_probes;
      for (std::size_t i = 0; i < due; ++i) {
        std::size_t h = cursor / f.devices_per_home, d = cursor % f.devices_per_home;
        list.push_back(make_sample(h, d, round));
        if (sustained % probe_every == 0)
          new_probes.push_back({list.back().home, list.back().device, round, {}});
        ++sustained;
        if (++cursor == f.devices()) {
          cursor = 0;
          ++round;
        }
        if (list.size() >= batch || i + 1 == due) {
          auto now = std::chrono::steady_clock::now();
          for (auto& p : new_probes)
            p.sent = now;
          {
            std::lock_guard lock{probes_mutex};
            for (auto& p : new_probes)
              probes.push_back(std::move(p));
          }
          new_probes.clear();
          commit(db.get(), list);
          caf::anon_send(directory, actors::ingest_atom::value, std::move(list));
          list = {};
        }
      }
      std::this_thread::sleep_until(next);
    }
    while (applied() < applied_before + sustained && seconds_since(start) < seconds + 30)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    out.achieved_per_second =
        static_cast<double>(applied() - applied_before) / seconds_since(start);
    out.cpu_us_per_sample =
        (cpu_seconds() - cpu_before) * 1e6 /
        static_cast<double>(std::max<std::size_t>(1, applied() - applied_before));
    done = true;
    reader.join();
    out.probes = latencies_ms.size();
    out.p50_ms = percentile(latencies_ms, 0.50);
    out.p99_ms = percentile(latencies_ms, 0.99);
    out.max_ms = latencies_ms.empty() ? 0 : latencies_ms.back();
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
  }
  db.reset();
  if (with_storage)
    std::filesystem::remove_all(dir);
  return out;
}

std::string load_average() {
  std::ifstream in{"/proc/loadavg"};
  std::string one, five;
  in >> one >> five;
  return one + " " + five;
}

void print(const char* label, const fleet& f, const result& r) {
  std::printf("  %-7s %9s devices in %7s homes: RSS %7.0f MiB (%5.0f bytes/device), populated in "
              "%.1f s\n",
              label, with_commas(static_cast<double>(f.devices())).c_str(),
              with_commas(static_cast<double>(f.homes)).c_str(), r.rss_mib, r.bytes_per_device,
              r.populate_seconds);
  std::printf("          sustained %9s samples/s (offered %s); sample to visible: p50 %.2f ms, "
              "p99 %.2f ms, max %.1f ms over %zu probes, %zu not visible within 10 s\n",
              with_commas(r.achieved_per_second).c_str(),
              with_commas(static_cast<double>(f.devices()) / 10.0).c_str(), r.p50_ms, r.p99_ms,
              r.max_ms, r.probes, r.lost);
  std::printf("          CPU %.1f us per sample (every thread of the process: sender, actors, "
              "reader): %s samples/s per fully available core\n",
              r.cpu_us_per_sample, with_commas(1e6 / r.cpu_us_per_sample).c_str());
}

} // namespace

int main(int argc, char** argv) {
  auto opts = app::cli_options::parse(std::vector<std::string>(argv + 1, argv + argc),
                                      {"homes", "devices", "seconds", "threads", "batch"}, {"storage"});
  if (!opts) {
    std::cerr << opts.error().detail << '\n';
    return 2;
  }
  fleet big;
  big.homes = static_cast<std::size_t>(*opts->integer("homes", 100'000, 1, 10'000'000));
  big.devices_per_home = static_cast<std::size_t>(*opts->integer("devices", 10, 1, 1000));
  auto seconds = static_cast<double>(*opts->integer("seconds", 30, 1, 3600));
  auto threads = static_cast<std::size_t>(*opts->integer("threads", 0, 0, 256));
  auto batch = static_cast<std::size_t>(*opts->integer("batch", 1000, 1, 100'000));
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  bool with_storage = opts->has("storage");
  std::printf("scale benchmark: one sample per device every 10 s, batches of %zu, %s, %u cores, "
              "load average %s\n",
              batch, with_storage ? "committed to RocksDB first" : "no storage",
              std::thread::hardware_concurrency(), load_average().c_str());
  fleet small{100, big.devices_per_home};
  auto peer = run(small, std::min(seconds, 10.0), threads, batch, with_storage);
  print("peer", small, peer);
  auto at_scale = run(big, seconds, threads, batch, with_storage);
  print("scale", big, at_scale);
  std::printf("  load average at the end: %s\n", load_average().c_str());
  std::printf("  goals: RSS < 3,072 MiB, p99 < 50 ms at %s samples/s\n",
              with_commas(static_cast<double>(big.devices()) / 10.0).c_str());
  return at_scale.lost == 0 ? 0 : 1;
}
