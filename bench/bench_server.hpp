#pragma once
// What the server benchmarks share: a hems server on free loopback ports, and
// the raw RocksDB write rate they are measured next to.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/write_batch.h>

#include "app/server.hpp"
#include "bench/bench_util.hpp"
#include "storage/records.hpp"

namespace hems::bench {

/// A server with its data in `dir`, every socket and HTTP on a free loopback port.
inline app::server_config loopback_server_config(const std::filesystem::path& dir) {
  app::server_config c;
  c.data_dir = dir.string();
  c.telemetry = "tcp://127.0.0.1:*";
  c.hub = "tcp://127.0.0.1:*";
  c.feed = "tcp://127.0.0.1:*";
  c.http_port = 0;
  return c;
}

/// Samples/s of plain RocksDB: `samples` keys of hems's shape (10 devices of
/// `home`, a value of hems's encoded size) in WriteBatches of `per_batch`,
/// one writer, fsynced or not: the ceiling the server's write path is held to.
/// Fair to RocksDB: the batches are built before the clock starts, and the
/// memtable inserts with a per-device hint as hems's samples do.
/// `write_ms`, if given, receives each Write()'s duration (fsync included).
inline double raw_rocksdb_rate(const std::filesystem::path& dir, std::size_t samples,
                               std::size_t per_batch, bool fsync, const std::string& home,
                               millis t0, std::vector<double>* write_ms = nullptr) {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.allow_concurrent_memtable_write = false;
  // `home \0 dev-N \0`: every device prefix here has the same length.
  opts.memtable_insert_with_hint_prefix_extractor.reset(
      rocksdb::NewFixedPrefixTransform(home.size() + 7));
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(opts, dir.string(), &raw).ok())
    return 0;
  std::unique_ptr<rocksdb::DB> db{raw};
  rocksdb::WriteOptions write;
  write.sync = fsync;
  std::string value(26, 'v'); // the size of hems's encoded sample value
  std::vector<rocksdb::WriteBatch> batches;
  for (std::size_t i = 0; i < samples;) {
    auto& batch = batches.emplace_back();
    for (std::size_t k = 0; k < per_batch && i < samples; ++k, ++i)
      batch.Put(storage::sample_key(home, "dev-" + std::to_string(i % 10),
                                    t0 + static_cast<millis>(i), static_cast<std::uint64_t>(i)),
                value);
  }
  auto start = std::chrono::steady_clock::now();
  for (auto& batch : batches) {
    auto before = std::chrono::steady_clock::now();
    db->Write(write, &batch);
    if (write_ms)
      write_ms->push_back(1000 * seconds_since(before));
  }
  return static_cast<double>(samples) / seconds_since(start);
}

} // namespace hems::bench
