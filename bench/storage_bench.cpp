// Bytes on disk per raw sample, as hems stores them (hourly column chunks,
// LZ4 with ZSTD at the bottom level), next to peers measured in the same run:
// the same samples under per-sample keys (compressed the same way), the
// chunks before block compression (RocksDB's raw key and value sizes), and
// the contract's JSON. Plus the bytes per usage window.
//
// One simulated home (sim/) is written through the real store and window
// code, chunked and fully compacted (retention measured on a manual clock at
// the end of the data, so nothing expires).
//
//   storage_bench [--days D] [--devices K] [--step-ms MS] [--seed S]

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <unistd.h>

#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

#include "sim/neighbourhood.hpp"
#include "sim/playback.hpp"
#include "sim/sample_json.hpp"
#include "storage/store.hpp"
#include "streams/home_windows.hpp"

using namespace hems;

namespace {

struct args {
  double days = 7;
  int devices = 10;
  millis step_ms = 10'000;
  std::uint64_t seed = 42;
};

args parse(int argc, char** argv) {
  args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--days")
      a.days = std::atof(argv[i + 1]);
    else if (k == "--devices")
      a.devices = std::atoi(argv[i + 1]);
    else if (k == "--step-ms")
      a.step_ms = std::atoll(argv[i + 1]);
    else if (k == "--seed")
      a.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

std::uint64_t cf_bytes(storage::history_store& h, const std::string& name) {
  for (const auto& [cf, bytes] : h.disk_bytes())
    if (cf == name)
      return bytes;
  return 0;
}

void check(const result<void>& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().detail.c_str());
    std::exit(1);
  }
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  constexpr millis from = 1767571200000; // 2026-01-05T00:00:00Z
  const millis to = from + static_cast<millis>(a.days * 86'400'000);
  auto dir = std::filesystem::temp_directory_path() /
             ("hems-storage-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);

  auto clock = std::make_shared<manual_clock>(to);
  auto opened = storage::open_rocksdb_store({.dir = dir, .retention = {}, .time = clock});
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.error().detail.c_str());
    return 1;
  }
  auto& db = **opened;
  auto& history = *db.history();

  sim::neighbourhood_config config;
  config.homes = 1;
  config.devices_per_home = a.devices;
  config.seed = a.seed;
  config.rate_hz = 1000.0 / static_cast<double>(a.step_ms);
  sim::neighbourhood homes{config};
  streams::home_windows windows{streams::window_calendar{}, streams::window_settings{}};

  std::uint64_t samples = 0, json_bytes = 0, window_count = 0;
  std::set<std::string> devices;
  std::string home_id;
  std::vector<sim::encoded_frame> frames;
  sim::generate(homes, from, to, a.step_ms, 5000,
                [&](const sim::simulated_home& home, std::span<const sample> batch) {
                  home_id = home.id();
                  auto b = db.new_batch();
                  std::map<std::string, streams::device_readings> readings;
                  for (const auto& s : batch) {
                    b->put_sample(s);
                    devices.insert(s.device);
                    auto& r = readings[s.device];
                    r.device = s.device;
                    r.kind = s.kind;
                    r.readings.push_back(streams::window_reading::of(s));
                  }
                  check(db.commit(*b, storage::durability::os_buffered), "commit");
                  samples += batch.size();
                  frames.clear();
                  sim::encode_frames(batch, frames, {});
                  for (const auto& f : frames)
                    json_bytes += f.json.size();
                  millis now = batch.back().ts_ms;
                  for (const auto& [id, r] : readings)
                    windows.add(r, now);
                  auto closed = windows.close_due(now);
                  window_count += closed.size();
                  if (!closed.empty())
                    check(history.commit_windows(home_id, closed,
                                                 {*windows.closed_until(), 0}),
                          "commit windows");
                  return true;
                });

  // Peer: every sample under its own key, compacted (LZ4, ZSTD at the bottom).
  check(history.compact_all(), "compact");
  auto per_sample_key = cf_bytes(history, "samples");
  // hems: hourly column chunks.
  for (const auto& d : devices)
    if (auto moved = history.chunk_samples(home_id, d, to); !moved) {
      std::fprintf(stderr, "chunk: %s\n", moved.error().detail.c_str());
      return 1;
    }
  check(history.compact_all(), "compact");
  auto chunk_bytes = cf_bytes(history, "sample_chunks") + cf_bytes(history, "samples");
  auto window_bytes = cf_bytes(history, "windows");
  opened->reset();

  // The chunks before block compression: RocksDB's own table properties.
  std::uint64_t raw_chunk_bytes = 0;
  {
    std::vector<std::string> names;
    rocksdb::DB::ListColumnFamilies({}, dir.string(), &names);
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names)
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    if (rocksdb::DB::OpenForReadOnly({}, dir.string(), cfs, &handles, &raw).ok()) {
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] != "sample_chunks")
          continue;
        rocksdb::TablePropertiesCollection props;
        raw->GetPropertiesOfAllTables(handles[i], &props);
        for (const auto& [file, p] : props)
          raw_chunk_bytes += p->raw_key_size + p->raw_value_size;
      }
      for (auto* h : handles)
        raw->DestroyColumnFamilyHandle(h);
      delete raw;
    }
  }
  std::filesystem::remove_all(dir);

  auto per = [&](double bytes) { return samples ? bytes / static_cast<double>(samples) : 0.0; };
  std::printf("storage_bench: 1 home x %zu devices, %.1f days at one reading per %lld ms: %llu "
              "samples, %llu windows\n\n",
              devices.size(), a.days, static_cast<long long>(a.step_ms),
              static_cast<unsigned long long>(samples),
              static_cast<unsigned long long>(window_count));
  std::printf("| stored as | bytes per raw sample |\n|---|---|\n");
  std::printf("| hems: hourly column chunks, LZ4 + ZSTD bottom, compacted | %.2f |\n",
              per(static_cast<double>(chunk_bytes)));
  std::printf("| chunks before block compression (RocksDB raw key + value) | %.2f |\n",
              per(static_cast<double>(raw_chunk_bytes)));
  std::printf("| one key per sample, LZ4 + ZSTD bottom, compacted | %.2f |\n",
              per(static_cast<double>(per_sample_key)));
  std::printf("| the contract's JSON (what arrives) | %.2f |\n",
              per(static_cast<double>(json_bytes)));
  std::printf("\nusage windows (1m, 15m, 1h, 1d of %zu devices and the home): %.1f bytes each "
              "on disk\n",
              devices.size(),
              window_count ? static_cast<double>(window_bytes) / window_count : 0.0);
  return 0;
}
