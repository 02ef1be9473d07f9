// Ingest benchmark (issue 2): sustained samples per second from PUSH sockets
// through decode, RocksDB and the device actors, next to two ceilings
// measured in the same run on the same machine: raw ZeroMQ PUSH/PULL and raw
// RocksDB batched writes. Then the memory cost of idle device actors.
//
//   build/release/bench/ingest_bench [--samples N] [--devices D] [--per-frame F]
//                                    [--senders S] [--idle-devices M]

#include <malloc.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <zmq.hpp>

#include "app/cli_options.hpp"
#include "actors/device_actor.hpp"
#include "app/server.hpp"
#include "bench/bench_server.hpp"
#include "bench/bench_util.hpp"
#include "storage/records.hpp"

using namespace hems;
using namespace hems::bench;

namespace {

constexpr std::int64_t t0 = 1795737600000; // 2026-11-27T00:00:00Z

struct workload {
  std::vector<std::string> frames;
  std::size_t samples = 0;
};

// Hub-style frames: one home's devices, several readings each (a hub that
// forwards every few seconds). Every sample is unique (its own ts and seq).
workload make_frames(std::size_t samples, std::size_t devices, std::size_t per_frame) {
  constexpr std::size_t devices_per_home = 10;
  std::size_t readings = std::max<std::size_t>(1, per_frame / devices_per_home);
  std::size_t homes = std::max<std::size_t>(1, devices / devices_per_home);
  workload w;
  std::mt19937 rng{7};
  std::uniform_real_distribution<double> power{0, 3000};
  std::vector<std::int64_t> next_reading(homes, 0);
  for (std::size_t f = 0; w.samples < samples; ++f) {
    std::size_t home = f % homes;
    std::string frame = "[";
    for (std::size_t r = 0; r < readings; ++r) {
      auto k = next_reading[home]++;
      for (std::size_t d = 0; d < devices_per_home && (devices_per_home * readings > 1 || d == 0);
           ++d) {
        if (frame.size() > 1)
          frame += ',';
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      R"({"home":"h-%05zu","device":"dev-%02zu","ts":%lld,"power_w":%.1f,)"
                      R"("energy_wh":%lld.5,"state":"on","seq":%lld,"kind":"plug"})",
                      home, d, static_cast<long long>(t0 + k * 1000), power(rng),
                      static_cast<long long>(1000 + k), static_cast<long long>(k + 1));
        frame += buf;
        ++w.samples;
        if (per_frame == 1)
          break;
      }
    }
    frame += ']';
    w.frames.push_back(std::move(frame));
  }
  return w;
}

// Sends every frame from `senders` PUSH sockets, frames dealt round-robin.
void push_all(const workload& w, const std::string& endpoint, std::size_t senders) {
  zmq::context_t ctx{1};
  std::vector<std::thread> threads;
  for (std::size_t s = 0; s < senders; ++s)
    threads.emplace_back([&, s] {
      zmq::socket_t push{ctx, zmq::socket_type::push};
      push.set(zmq::sockopt::linger, -1);
      push.connect(endpoint);
      for (std::size_t i = s; i < w.frames.size(); i += senders)
        push.send(zmq::buffer(w.frames[i]), zmq::send_flags::none);
    });
  for (auto& t : threads)
    t.join();
}

double raw_zeromq(const workload& w, std::size_t senders) {
  zmq::context_t ctx{1};
  zmq::socket_t pull{ctx, zmq::socket_type::pull};
  pull.bind("tcp://127.0.0.1:*");
  auto endpoint = pull.get(zmq::sockopt::last_endpoint);
  auto start = std::chrono::steady_clock::now();
  std::thread sender{[&] { push_all(w, endpoint, senders); }};
  zmq::message_t msg;
  for (std::size_t i = 0; i < w.frames.size(); ++i)
    (void)pull.recv(msg);
  double secs = seconds_since(start);
  sender.join();
  return static_cast<double>(w.samples) / secs;
}

// A server on free loopback ports with its data in `dir`.
bool with_history = true; // --no-history: only the live path, not also with usage windows

app::server_config bench_config(const std::filesystem::path& dir) {
  auto c = loopback_server_config(dir);
  c.history = with_history;
  return c;
}

double applied(app::server& s) {
  return prometheus_value(s.metrics().render(), "hems_samples_applied_total");
}

// With history, the rate counts until the aggregators have caught up too
// (their windows-closed count stops moving), not only the device actors.
double through_hems(const std::filesystem::path& dir, const workload& w, std::size_t senders,
                    bool history) {
  auto config = bench_config(dir);
  config.history = history;
  auto srv = app::server::start(config);
  if (!srv) {
    std::cerr << srv.error().detail << '\n';
    return 0;
  }
  auto start = std::chrono::steady_clock::now();
  push_all(w, (*srv)->telemetry_endpoint(), senders);
  while (applied(**srv) < static_cast<double>(w.samples))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto done = std::chrono::steady_clock::now();
  if (history) {
    auto closed = [&] { return prometheus_value((*srv)->metrics().render(), "hems_windows_closed_total"); };
    for (double before = -1, now = closed(); now != before; now = closed()) {
      before = now;
      done = std::chrono::steady_clock::now();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  double rate = static_cast<double>(w.samples) /
                std::chrono::duration<double>(done - start).count();
  auto metrics = (*srv)->metrics().render();
  auto stored = prometheus_value(metrics, "hems_samples_stored_total");
  if (stored != static_cast<double>(w.samples))
    std::cerr << "warning: stored " << stored << " of " << w.samples << '\n';
  return rate;
}

void idle_device_memory(const std::filesystem::path& dir, std::size_t devices) {
  auto srv = app::server::start(bench_config(dir));
  if (!srv)
    return;
  auto before = proc_status_kib("VmRSS");
  auto w = make_frames(devices, devices, 10); // one sample per device
  push_all(w, (*srv)->telemetry_endpoint(), 1);
  while (prometheus_value((*srv)->metrics().render(), "hems_device_actors") <
         static_cast<double>(devices))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  while (applied(**srv) < static_cast<double>(devices))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  w.frames.clear();
  w.frames.shrink_to_fit();
  auto after = proc_status_kib("VmRSS");
  double per_device = static_cast<double>(after - before) * 1024.0 / static_cast<double>(devices);
  std::printf("  memory: %s idle devices in the server (actor, home entry, write-path record, "
              "RocksDB memtable) %.0f bytes each: RSS +%ld MiB per %s devices\n",
              with_commas(static_cast<double>(devices)).c_str(), per_device,
              (after - before) * 100'000 / static_cast<long>(devices) / 1024,
              with_commas(100'000).c_str());
}

// The device actor alone: heap bytes per actor, each holding one sample.
void device_actor_memory(std::size_t devices) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  metrics_registry registry;
  auto context = std::make_shared<actors::live_context>();
  context->metrics = std::make_shared<actors::live_metrics>(registry);
  actors::device_status status;
  status.device = "dev-01";
  sample s;
  s.home = "h-00001";
  s.device = "dev-01";
  s.ts_ms = t0;
  s.power_w = 100;
  s.energy_wh = 1000;
  s.seq = 1;
  status.memo.last = s;
  std::vector<actors::device_actor> handles;
  handles.reserve(devices);
  auto before = mallinfo2().uordblks;
  for (std::size_t i = 0; i < devices; ++i)
    handles.push_back(system.spawn(actors::device_behavior, actors::home_actor{}, status,
                                   actors::live_context_ptr{context}));
  double per_actor =
    static_cast<double>(mallinfo2().uordblks - before) / static_cast<double>(devices);
  std::printf("  memory: one idle device actor (CAF actor + state + mailbox) %.0f bytes "
              "(goal < 2048)\n",
              per_actor);
  for (auto& h : handles)
    caf::anon_send_exit(h, caf::exit_reason::kill);
}

} // namespace

int main(int argc, char** argv) {
  auto opts = app::cli_options::parse(std::vector<std::string>(argv + 1, argv + argc),
                                      {"samples", "devices", "per-frame", "senders", "idle-devices"},
                                      {"no-history"});
  if (!opts) {
    std::cerr << opts.error().detail << '\n';
    return 2;
  }
  auto samples = static_cast<std::size_t>(*opts->integer("samples", 1'500'000, 1, 1'000'000'000));
  auto devices = static_cast<std::size_t>(*opts->integer("devices", 10'000, 10, 10'000'000));
  auto per_frame = static_cast<std::size_t>(*opts->integer("per-frame", 100, 1, 10'000));
  auto senders = static_cast<std::size_t>(*opts->integer("senders", 2, 1, 64));
  auto idle = static_cast<std::size_t>(*opts->integer("idle-devices", 100'000, 0, 10'000'000));
  with_history = !opts->has("no-history");

  auto root = std::filesystem::temp_directory_path() /
              ("hems-ingest-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  auto w = make_frames(samples, devices, per_frame);
  std::printf("ingest benchmark: %s samples, %s devices, %zu samples per frame, %zu PUSH senders, "
              "%u cores\n",
              with_commas(static_cast<double>(w.samples)).c_str(),
              with_commas(static_cast<double>(devices)).c_str(), per_frame, senders,
              std::thread::hardware_concurrency());
  double zmq_rate = raw_zeromq(w, senders);
  std::printf("  raw ZeroMQ PUSH->PULL, receive only     %12s samples/s  (ceiling)\n",
              with_commas(zmq_rate).c_str());
  double db_rate = raw_rocksdb_rate(root / "raw-rocksdb", w.samples, per_frame, false, "h-00001", t0);
  std::printf("  raw RocksDB WriteBatch of %-4zu, WAL on   %12s samples/s  (ceiling)\n", per_frame,
              with_commas(db_rate).c_str());
  double hems_rate = through_hems(root / "hems", w, senders, false);
  std::printf("  hems: PUSH -> decode -> RocksDB -> actors %10s samples/s  = %.2f x ZeroMQ, "
              "%.2f x RocksDB (goal >= 300,000)\n",
              with_commas(hems_rate).c_str(), hems_rate / zmq_rate, hems_rate / db_rate);
  if (with_history) {
    // The same with usage windows, chunking, patterns and anomaly checks on
    // (the server's default), next to the live path just measured.
    double history_rate = through_hems(root / "hems-history", w, senders, true);
    std::printf("  hems with windows and patterns on       %12s samples/s  = %.2f x the live "
                "path alone\n",
                with_commas(history_rate).c_str(), history_rate / hems_rate);
  }
  if (idle > 0) {
    device_actor_memory(idle);
    idle_device_memory(root / "idle", idle);
  }
  std::filesystem::remove_all(root);
  return hems_rate > 0 ? 0 : 1;
}
