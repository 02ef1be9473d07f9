// Hub link benchmark (issue 3): acknowledged ingest through the ROUTER with
// the default durability (group commit with fsync), next to RocksDB's own
// synced batched write rate in the same run; send-to-ack latency p50/p99;
// then memory under overload (PUSH senders faster than storage).
//
//   build/release/bench/hub_bench [--samples N] [--hubs H] [--window W] [--batch B]
//                                 [--interval-ms I] [--overload-seconds S]

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <zmq.hpp>

#include "adapters/hub_client.hpp"
#include "adapters/interruptible_poll.hpp"
#include "app/cli_options.hpp"
#include "app/server.hpp"
#include "bench/bench_server.hpp"
#include "bench/bench_util.hpp"
#include "core/json_writer.hpp"
#include "core/sample_json.hpp"
#include "storage/records.hpp"

using namespace hems;
using namespace hems::bench;

namespace {

constexpr millis t0 = 1795737600000;

double load_average() {
  double one = -1;
  if (auto* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &one) != 1)
      one = -1;
    std::fclose(f);
  }
  return one;
}

// One hub's batch: `per_batch` readings of its home's 10 devices, unique seq.
// `interval_ms` apart per device: at 1,000 a run crosses hour boundaries, so
// hems also chunks closed hours while it ingests (as it would at this rate).
std::string batch_json(std::size_t hub, std::size_t batch, std::size_t per_batch,
                       millis interval_ms = 1000) {
  json_writer w;
  w.begin_array();
  for (std::size_t i = 0; i < per_batch; ++i) {
    sample s;
    s.home = "h-" + std::to_string(hub);
    s.device = "dev-" + std::to_string(i % 10);
    auto k = static_cast<std::int64_t>(batch * per_batch + i) / 10;
    s.ts_ms = t0 + k * interval_ms;
    s.power_w = static_cast<double>((k * 37) % 3000);
    s.energy_wh = static_cast<double>(k);
    s.seq = static_cast<std::uint64_t>(k + 1);
    s.state = device_state::on;
    s.kind = device_kind::plug;
    write_sample(w, s);
  }
  w.end_array();
  return w.take();
}

// The upper bound of the histogram bucket holding quantile `q` (Prometheus text).
double bucket_quantile(const std::string& text, const std::string& histogram, double q) {
  std::vector<std::pair<double, double>> buckets; // le, cumulative count
  std::string head = "\n" + histogram + "_bucket{le=\"";
  for (auto pos = text.find(head); pos != std::string::npos; pos = text.find(head, pos + 1)) {
    auto le_start = pos + head.size();
    auto le_end = text.find('"', le_start);
    auto le = text.substr(le_start, le_end - le_start);
    double count = std::stod(text.substr(text.find(' ', le_end) + 1));
    buckets.emplace_back(le == "+Inf" ? INFINITY : std::stod(le), count);
  }
  if (buckets.empty() || buckets.back().second == 0)
    return 0;
  for (const auto& [le, count] : buckets)
    if (count >= q * buckets.back().second)
      return le;
  return INFINITY;
}

struct acked_run {
  double samples_per_s = 0;
  double p50_ms = 0, p99_ms = 0;
  double mean_group = 0;         ///< samples per group commit (one WriteBatch, one fsync)
  double mean_commit_ms = 0;     ///< one group's write + fsync + memtable insert
  double commit_p99_ms = 0;      ///< bucket bound
  double server_ack_mean_ms = 0; ///< from arrival (decoded) to ack sent
};

acked_run through_hub_link(const std::filesystem::path& dir, std::size_t samples, std::size_t hubs,
                           std::size_t per_batch, std::size_t window, millis interval_ms) {
  auto srv = app::server::start(loopback_server_config(dir));
  if (!srv) {
    std::cerr << srv.error().detail << '\n';
    return {};
  }
  std::size_t batches_per_hub = std::max<std::size_t>(1, samples / per_batch / hubs);
  // Encode everything first: the load generator shares the two cores.
  std::vector<std::vector<std::string>> payloads(hubs);
  for (std::size_t h = 0; h < hubs; ++h)
    for (std::size_t b = 0; b < batches_per_hub; ++b)
      payloads[h].push_back(batch_json(h, b, per_batch, interval_ms));
  zmq::context_t ctx{1};
  system_clock time;
  std::vector<std::unique_ptr<adapters::hub_client>> clients;
  for (std::size_t h = 0; h < hubs; ++h) {
    adapters::hub_client_options o;
    o.endpoint = (*srv)->hub_endpoint();
    o.hub = "hub-" + std::to_string(h);
    o.homes = {"h-" + std::to_string(h)};
    o.window = window; // batches in flight per hub: Little's law ties rate and latency
    clients.push_back(std::make_unique<adapters::hub_client>(ctx, o, time));
  }
  auto obey = [](const command& c) {
    return adapters::hub_command_ack{c.id, command_status::done, ""};
  };
  auto start = std::chrono::steady_clock::now();
  for (std::size_t h = 0; h < hubs; ++h)
    for (auto& p : payloads[h])
      clients[h]->send(std::move(p), per_batch);
  std::vector<double> latencies_ms;
  std::size_t total_batches = hubs * batches_per_hub;
  std::vector<zmq::pollitem_t> items;
  while (latencies_ms.size() < total_batches) {
    items.clear();
    for (auto& c : clients) {
      c->flush();
      items.push_back({c->socket().handle(), 0, ZMQ_POLLIN, 0});
    }
    adapters::interruptible_poll(items.data(), items.size(), std::chrono::milliseconds(10));
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (items[i].revents & ZMQ_POLLIN)
        clients[i]->on_readable(obey);
      for (auto& a : clients[i]->take_acknowledged())
        latencies_ms.push_back(static_cast<double>(a.latency.count()) / 1000.0);
    }
  }
  acked_run r;
  r.samples_per_s = static_cast<double>(total_batches * per_batch) / seconds_since(start);
  if (std::getenv("HUB_BENCH_TRACE")) {
    for (std::size_t i = 0; i < latencies_ms.size(); ++i)
      if (latencies_ms[i] > 30)
        std::printf("    slow ack #%zu of %zu: %.1f ms\n", i, latencies_ms.size(), latencies_ms[i]);
  }
  auto metrics = (*srv)->metrics().render();
  auto commits = prometheus_value(metrics, "hems_storage_commits_total");
  if (commits > 0) {
    r.mean_group = prometheus_value(metrics, "hems_samples_stored_total") / commits;
    r.mean_commit_ms =
        1000 * prometheus_value(metrics, "hems_storage_commit_seconds_sum") / commits;
    r.commit_p99_ms = 1000 * bucket_quantile(metrics, "hems_storage_commit_seconds", 0.99);
    r.server_ack_mean_ms = 1000 * prometheus_value(metrics, "hems_hub_ack_seconds_sum") /
                           prometheus_value(metrics, "hems_hub_ack_seconds_count");
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  r.p50_ms = latencies_ms[latencies_ms.size() / 2];
  r.p99_ms = latencies_ms[std::min(latencies_ms.size() - 1, latencies_ms.size() * 99 / 100)];
  return r;
}

// PUSH senders flood the server for `seconds`; its memory is sampled as it goes.
void memory_under_overload(const std::filesystem::path& dir, double seconds) {
  auto srv = app::server::start(loopback_server_config(dir));
  if (!srv)
    return;
  // Frames without seq (nothing is a duplicate), so every sample is stored.
  std::vector<std::string> frames;
  for (std::size_t b = 0; b < 64; ++b) {
    auto f = batch_json(b % 16, b, 1000);
    for (std::size_t pos; (pos = f.find(",\"seq\":")) != std::string::npos;)
      f.erase(pos, f.find(',', pos + 1) - pos);
    frames.push_back(std::move(f));
  }
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> sent{0};
  std::vector<std::thread> senders;
  auto endpoint = (*srv)->telemetry_endpoint();
  for (int t = 0; t < 3; ++t)
    senders.emplace_back([&] {
      zmq::context_t ctx{1};
      zmq::socket_t push{ctx, zmq::socket_type::push};
      push.set(zmq::sockopt::linger, 0);
      // The senders live in this process: a small send queue keeps their
      // memory out of the server's figure.
      push.set(zmq::sockopt::sndhwm, 4);
      push.connect(endpoint);
      for (std::size_t i = 0; !stop; ++i)
        if (push.send(zmq::buffer(frames[i % frames.size()]), zmq::send_flags::dontwait))
          sent += 1000;
        else
          std::this_thread::sleep_for(std::chrono::microseconds(200));
    });
  auto start = std::chrono::steady_clock::now();
  std::printf("  memory under overload (3 PUSH senders as fast as they can, frames of 1,000):\n");
  long first = 0;
  for (int i = 1; i <= 4; ++i) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 4));
    auto rss = proc_status_kib("VmRSS") / 1024;
    if (i == 1)
      first = rss;
    auto stored = prometheus_value((*srv)->metrics().render(), "hems_samples_stored_total");
    std::printf("    after %4.1f s: RSS %ld MiB, offered %s samples, stored %s (queue %s)\n",
                seconds_since(start), rss, with_commas(static_cast<double>(sent.load())).c_str(),
                with_commas(stored).c_str(),
                with_commas(prometheus_value((*srv)->metrics().render(),
                                             "hems_ingest_queue_samples"))
                  .c_str());
    if (i == 4)
      std::printf("    RSS grew %ld MiB over the last three quarters while the offered load kept "
                  "growing: bounded\n",
                  rss - first);
  }
  stop = true;
  for (auto& t : senders)
    t.join();
}

} // namespace

int main(int argc, char** argv) {
  auto opts = app::cli_options::parse(
      std::vector<std::string>(argv + 1, argv + argc),
      {"samples", "hubs", "batch", "window", "interval-ms", "overload-seconds"});
  if (!opts) {
    std::cerr << opts.error().detail << '\n';
    return 2;
  }
  auto samples = static_cast<std::size_t>(*opts->integer("samples", 2'000'000, 1000, 1'000'000'000));
  auto hubs = static_cast<std::size_t>(*opts->integer("hubs", 4, 1, 10'000));
  auto per_batch = static_cast<std::size_t>(*opts->integer("batch", 1000, 1, 10'000));
  auto window = static_cast<std::size_t>(*opts->integer("window", 1, 1, 1024));
  auto overload = static_cast<double>(*opts->integer("overload-seconds", 20, 0, 3600));
  auto interval_ms = static_cast<millis>(*opts->integer("interval-ms", 1000, 1, 3'600'000));
  auto root = std::filesystem::temp_directory_path() / ("hems-hub-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::printf(
      "hub link benchmark: %s samples from %zu hubs in batches of %zu, %zu in flight per "
      "hub, a device's samples %lld ms apart, fsync group commit, %u cores, load average %.2f\n",
      with_commas(static_cast<double>(samples)).c_str(), hubs, per_batch, window,
      static_cast<long long>(interval_ms), std::thread::hardware_concurrency(), load_average());
  // Memory under overload is measured in a child process forked before any
  // thread exists, so the other runs' peak does not show in its RSS.
  std::fflush(stdout);
  if (overload > 0) {
    if (pid_t child = ::fork(); child == 0) {
      auto dir = std::filesystem::temp_directory_path() /
                 ("hems-hub-overload-" + std::to_string(::getpid()));
      memory_under_overload(dir, overload);
      std::filesystem::remove_all(dir);
      std::fflush(stdout);
      std::_Exit(0);
    } else {
      int status = 0;
      ::waitpid(child, &status, 0);
    }
  }
  // The fair ceiling writes as many samples per fsync as hems's group
  // commit did in this run (known after it); the hub's batch size is shown
  // too (one fsync per hub batch, what a writer without group commit gets).
  // Each run starts with nothing dirty in the page cache: on ext4 an fsync
  // also waits for other files' newly written data (data=ordered), so the run
  // after another would pay for its predecessor's writes.
  auto peer_samples = std::min<std::size_t>(samples, 500'000);
  ::sync();
  double per_hub_batch =
      raw_rocksdb_rate(root / "rocksdb-batch", peer_samples, per_batch, true, "h-1", t0);
  ::sync();
  auto run = through_hub_link(root / "hems", samples, hubs, per_batch, window, interval_ms);
  ::sync();
  auto group = std::max<std::size_t>(per_batch, static_cast<std::size_t>(run.mean_group + 0.5));
  std::vector<double> write_ms;
  double ceiling =
      raw_rocksdb_rate(root / "rocksdb-group", peer_samples, group, true, "h-1", t0, &write_ms);
  std::printf("  raw RocksDB, one writer, sync=true, WriteBatch of %6zu  %10s samples/s  (the hub "
              "batch)\n",
              per_batch, with_commas(per_hub_batch).c_str());
  std::printf(
      "  raw RocksDB, one writer, sync=true, WriteBatch of %6zu  %10s samples/s  (hems's mean "
      "group: the ceiling)\n",
      group, with_commas(ceiling).c_str());
  std::printf("    each synced Write() of %zu: p50 %.1f ms, p99 %.1f ms (the floor under an ack's "
              "latency)\n",
              group, percentile(write_ms, 0.5), percentile(write_ms, 0.99));
  std::printf("  hems %zu hubs x %zu in flight x %zu: decode -> group commit (fsync) -> ack  %10s "
              "samples/s  = %.2f x ceiling (goal >= 200,000)\n",
              hubs, window, per_batch, with_commas(run.samples_per_s).c_str(),
              ceiling > 0 ? run.samples_per_s / ceiling : 0.0);
  std::printf(
      "    group commits: %.0f samples each, %.1f ms each, p99 <= %.0f ms (WAL write + fsync + "
      "memtable); in the server, arrival -> ack %.1f ms on average\n",
      run.mean_group, run.mean_commit_ms, run.commit_p99_ms, run.server_ack_mean_ms);
  std::printf("    send -> ack latency: p50 %.1f ms, p99 %.1f ms (goal p99 < 20 ms); Little's law: "
              "%zu samples in flight / rate = %.1f ms\n",
              run.p50_ms, run.p99_ms, hubs * window * per_batch,
              run.samples_per_s > 0
                  ? 1000 * static_cast<double>(hubs * window * per_batch) / run.samples_per_s
                  : 0.0);
  std::filesystem::remove_all(root);
  return run.samples_per_s > 0 ? 0 : 1;
}
