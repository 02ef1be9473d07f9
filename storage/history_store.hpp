#pragma once
// What the history keeps beside the raw samples: usage windows and the
// checkpoint they are written with, raw samples moved into hourly chunks,
// values about a home (its time zone, its learned patterns) and
// notifications. The RocksDB store implements it (store::history()).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/sample.hpp"
#include "storage/window_records.hpp"

namespace hems::storage {

/// One series' windows of one resolution whose start is in [from, to).
struct window_query {
  std::string home;
  std::string series;
  streams::resolution res = streams::resolution::m1;
  millis from = 0;
  millis to = 0;
  std::size_t limit = 1'000'000;
};

struct notification_record {
  std::string home;
  millis ts = 0;       ///< when what it reports happened
  std::string kind;    ///< e.g. "offline", "unusual_usage", "standby"
  std::string subject; ///< usually the device
  std::string json;    ///< the whole notification, as served and published
};

/// How long each kind of data is kept; RocksDB drops older data in compaction.
struct retention_policy {
  millis raw_samples_ms = 30LL * 86'400'000;
  millis minute_windows_ms = 90LL * 86'400'000;
  millis windows_ms = 10LL * 365 * 86'400'000; ///< 15m, 1h and 1d
  millis notifications_ms = 365LL * 86'400'000;
};

class history_store {
public:
  virtual ~history_store() = default;

  /// Writes closed windows and the home's checkpoint in one atomic batch.
  virtual result<void> commit_windows(const std::string& home,
                                      const std::vector<streams::usage_window>& windows,
                                      const windows_checkpoint& checkpoint) = 0;
  virtual result<std::optional<windows_checkpoint>> read_checkpoint(const std::string& home) = 0;
  virtual result<std::vector<window_row>> read_windows(const window_query& q) = 0;

  /// The newest stored sample of a device strictly before `t`.
  virtual result<std::optional<sample>>
  latest_sample_before(const std::string& home, const std::string& device, millis t) = 0;
  /// Moves a device's raw samples older than `until` (on the hour grid) from
  /// per-sample keys into hourly chunks, atomically; returns how many moved.
  /// Samples that arrive meanwhile are never lost (see rocksdb_store.cpp).
  virtual result<std::size_t> chunk_samples(const std::string& home, const std::string& device,
                                            millis until) = 0;

  virtual result<std::optional<std::string>> get_home_value(const std::string& home,
                                                            std::string_view name) = 0;
  virtual result<void> put_home_value(const std::string& home, std::string_view name,
                                      std::string_view value) = 0;

  virtual result<void> put_notifications(const std::vector<notification_record>& records) = 0;
  /// A home's notifications with ts in [from, to), oldest first.
  virtual result<std::vector<notification_record>>
  read_notifications(const std::string& home, millis from, millis to, std::size_t limit) = 0;

  /// Compacts everything now (retention applied): benchmarks and tests.
  virtual result<void> compact_all() = 0;
  /// Live SST bytes per column family.
  virtual std::vector<std::pair<std::string, std::uint64_t>> disk_bytes() = 0;
};

} // namespace hems::storage
