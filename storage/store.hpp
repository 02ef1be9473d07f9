#pragma once
// The storage interface the rest of hems programs against. The RocksDB
// implementation (rocksdb_store.hpp) is the only file that sees RocksDB.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/sample.hpp"
#include "storage/history_store.hpp"
#include "storage/records.hpp"

namespace hems::storage {

/// Writes gathered in memory and applied atomically by store::commit.
class write_batch {
public:
  virtual ~write_batch() = default;
  virtual void put_sample(const sample& s) = 0;
  virtual void put_device(const device_record& r) = 0;
  virtual std::size_t count() const = 0;
};

/// How durable a commit is before it returns.
enum class durability : std::uint8_t {
  os_buffered, ///< in the write-ahead log, in the OS page cache: survives a crash of hems
  fsynced,     ///< in the write-ahead log and fsynced: survives a crash of the machine
};

/// A page of one device's raw samples, oldest first.
struct sample_query {
  std::string home;
  std::string device;
  millis from = 0; ///< inclusive
  millis to = 0;   ///< exclusive
  /// Resume strictly after this (ts, seq) position (the cursor of a page).
  std::optional<std::pair<millis, std::uint64_t>> after;
  std::size_t limit = 1000;
};

struct sample_page {
  std::vector<sample> samples;
  bool more = false; ///< another page follows
};

/// Small keyed collections kept beside the telemetry, each in its own column
/// family. Values are opaque bytes: the module that owns a collection encodes
/// them (security/ for tokens and the audit log).
enum class collection : std::uint8_t {
  tokens,       ///< token id -> token record (hashes only, never secrets)
  audit,        ///< big-endian time + sequence -> audit entry
  fleet_groups, ///< group name -> the group's JSON (an empty value: deleted)
  dr_events,    ///< event id -> the demand-response event's JSON
  schedules,    ///< home \0 schedule id -> schedule JSON (streams/schedule.hpp)
};

/// Records with start <= key < end (no upper bound when end is empty), in key
/// order, at most `limit` of them.
struct record_query {
  std::string start;
  std::string end;
  std::size_t limit = 1000;
};

struct record_page {
  std::vector<std::pair<std::string, std::string>> records; ///< key, value
  bool more = false;                                        ///< another record follows in the range
};

/// Samples as committed at one moment: every read through it sees the same
/// commits, whatever is committed meanwhile.
class sample_view {
public:
  virtual ~sample_view() = default;
  virtual result<sample_page> read_samples(const sample_query& q) = 0;
};

class store {
public:
  virtual ~store() = default;

  virtual std::unique_ptr<write_batch> new_batch() = 0;
  virtual result<void> commit(write_batch& batch, durability d) = 0;

  /// Every device record, for recovery at start-up.
  virtual result<std::vector<device_record>> load_devices() = 0;
  virtual result<sample_page> read_samples(const sample_query& q) = 0;
  /// A view of the samples as committed now. Reads of several devices that
  /// must agree on one moment (a home's windows rebuilt at start-up) go
  /// through one: separate reads would each see a later commit.
  virtual std::unique_ptr<sample_view> samples_now() = 0;

  /// Stores a command with its current outcome (replacing an earlier state).
  virtual result<void> put_command(const command_record& r) = 0;
  /// A home's commands, newest first; `before`: only those issued earlier.
  virtual result<std::vector<command_record>>
  list_commands(std::string_view home, std::size_t limit, std::optional<millis> before) = 0;

  /// Small named values (server settings, secrets' hashes, counters).
  virtual result<std::optional<std::string>> get_setting(std::string_view key) = 0;
  virtual result<void> put_setting(std::string_view key, std::string_view value) = 0;

  /// Keyed collections (see `collection`). Writes are fsynced: they are rare
  /// and each one is a decision (a token issued, an entry of the audit log).
  virtual result<std::optional<std::string>> get_record(collection c, std::string_view key) = 0;
  virtual result<void> put_record(collection c, std::string_view key, std::string_view value) = 0;
  virtual result<record_page> scan_records(collection c, const record_query& q) = 0;
  /// Removes a record (no error when there is none).
  virtual result<void> delete_record(collection c, std::string_view key) = 0;

  /// Windows, chunks, home values and notifications; null for a store that
  /// keeps no history.
  virtual history_store* history() { return nullptr; }
};

struct rocksdb_options {
  std::filesystem::path dir;
  std::size_t block_cache_bytes = 64 << 20;
  std::size_t write_buffer_bytes = 64 << 20;
  retention_policy retention = {};
  /// The clock retention is measured against (a manual one in tests).
  std::shared_ptr<const clock> time = {};
};

/// Visits every record of a collection in key order, a page at a time
/// underneath, so no caller repeats the paging.
result<void>
for_each_record(store& db, collection c,
                const std::function<void(std::string_view key, std::string_view value)>& visit);

/// Opens (creating if needed) the RocksDB store in `options.dir`.
result<std::unique_ptr<store>> open_rocksdb_store(const rocksdb_options& options);

} // namespace hems::storage
