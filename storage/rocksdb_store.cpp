// The RocksDB implementation of storage::store and storage::history_store.
// Column families, one per kind of data (see docs/ARCHITECTURE.md, "Storage
// layout"):
//   devices        device_key -> device_record (latest state of each device)
//   samples        sample_key -> sample value (recent raw samples, one key each)
//   sample_chunks  device_key + hour -> an hour of one device's samples in columns
//   windows        series key + resolution + start -> usage window
//   homes          home + name -> aggregation checkpoint, time zone, patterns
//   notifications  home + ts + kind + subject -> notification JSON
//   settings       name -> value
//   commands       command_key -> command record (every command and its outcome)
//   tokens         token id -> token record (security/token_record)
//   audit          time + sequence -> audit entry (security/audit_log)
//   fleet_groups   group name -> group JSON (api/fleet_routes; empty: deleted)
//   dr_events      event id -> demand-response event JSON (api/dr_routes)
// rocksdb::Status never leaves this file: to_error() turns it into hems::error.

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "storage/rocksdb_retention.hpp"
#include "storage/sample_chunk.hpp"
#include "storage/store.hpp"

namespace hems::storage {

namespace {

constexpr millis hour_ms = 3'600'000;

error to_error(const rocksdb::Status& s, std::string_view what) {
  errc code = errc::internal;
  if (s.IsNotFound())
    code = errc::not_found;
  else if (s.IsCorruption())
    code = errc::corruption;
  else if (s.IsIOError() || s.IsNoSpace())
    code = errc::io_error;
  else if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsIncomplete())
    code = errc::busy;
  else if (s.IsShutdownInProgress())
    code = errc::unavailable;
  else if (s.IsInvalidArgument())
    code = errc::invalid_input;
  return error{code, std::string{what} + ": " + s.ToString()};
}

constexpr millis max_key_time = std::numeric_limits<millis>::max();

enum cf_index : std::size_t {
  cf_default,
  cf_devices,
  cf_samples,
  cf_settings,
  cf_commands,
  cf_tokens,
  cf_audit,
  cf_chunks,
  cf_windows,
  cf_homes,
  cf_notifications,
  cf_fleet_groups,
  cf_dr_events,
  cf_schedules,
  cf_count
};
constexpr const char* cf_names[cf_count] = {
    "default",       "devices",      "samples",       "settings", "commands",
    "tokens",        "audit",        "sample_chunks", "windows",  "homes",
    "notifications", "fleet_groups", "dr_events",     "schedules"};

cf_index cf_of(collection c) {
  switch (c) {
  case collection::tokens:
    return cf_tokens;
  case collection::audit:
    return cf_audit;
  case collection::fleet_groups:
    return cf_fleet_groups;
  case collection::dr_events:
    return cf_dr_events;
  case collection::schedules:
    return cf_schedules;
  }
  return cf_default;
}

// Keyed by device prefix, found by string_view (no key built per lookup).
struct prefix_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class T>
using by_prefix = std::unordered_map<std::string, T, prefix_hash, std::equal_to<>>;

class rocksdb_batch final : public write_batch {
public:
  explicit rocksdb_batch(std::vector<rocksdb::ColumnFamilyHandle*>& cfs) : cfs_(cfs) {}

  void put_sample(const sample& s) override {
    assign_sample_key(key_, s.home, s.device, s.ts_ms, s.seq.value_or(0));
    assign_sample_value(value_, s);
    batch.Put(cfs_[cf_samples], key_, value_);
    std::string_view prefix{key_.data(), key_.size() - 16};
    if (auto it = oldest.find(prefix); it == oldest.end())
      oldest.emplace(prefix, s.ts_ms);
    else
      it->second = std::min(it->second, s.ts_ms);
  }
  void put_device(const device_record& r) override {
    key_ = device_key(r.home, r.device);
    value_ = encode_device_record(r);
    batch.Put(cfs_[cf_devices], key_, value_);
  }
  std::size_t count() const override { return static_cast<std::size_t>(batch.Count()); }

  rocksdb::WriteBatch batch;
  by_prefix<millis> oldest; ///< per device: its oldest sample in this batch

private:
  std::vector<rocksdb::ColumnFamilyHandle*>& cfs_;
  std::string key_; // reused buffers: no allocation per put once warm
  std::string value_;
};

/// A snapshot released when it goes out of scope.
class snapshot {
public:
  explicit snapshot(rocksdb::DB& db) : db_(db), snap_(db.GetSnapshot()) {}
  ~snapshot() { db_.ReleaseSnapshot(snap_); }
  snapshot(const snapshot&) = delete;
  snapshot& operator=(const snapshot&) = delete;
  const rocksdb::Snapshot* get() const { return snap_; }

private:
  rocksdb::DB& db_;
  const rocksdb::Snapshot* snap_;
};

class rocksdb_store;

/// Reads of samples at the snapshot taken when it was made.
class pinned_samples final : public sample_view {
public:
  pinned_samples(rocksdb_store& store, rocksdb::DB& db) : store_(store), snap_(db) {}
  result<sample_page> read_samples(const sample_query& q) override;

private:
  rocksdb_store& store_;
  snapshot snap_;
};

std::pair<millis, std::uint64_t> place_of(const sample& s) {
  return {s.ts_ms, s.seq.value_or(0)};
}

class rocksdb_store final : public store, public history_store {
public:
  rocksdb_store(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> cfs)
      : db_(std::move(db)), cfs_(std::move(cfs)) {}

  ~rocksdb_store() override {
    for (auto* cf : cfs_)
      db_->DestroyColumnFamilyHandle(cf);
    db_->Close();
  }

  history_store* history() override { return this; }

  std::unique_ptr<write_batch> new_batch() override {
    return std::make_unique<rocksdb_batch>(cfs_);
  }

  result<void> commit(write_batch& batch, durability d) override {
    rocksdb::WriteOptions opts;
    opts.sync = d == durability::fsynced;
    auto& b = static_cast<rocksdb_batch&>(batch);
    in_flight_commit guard{*this, b.oldest};
    auto s = db_->Write(opts, &b.batch);
    if (!s.ok())
      return std::unexpected(to_error(s, "commit"));
    return {};
  }

  result<std::vector<device_record>> load_devices() override {
    std::vector<device_record> out;
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator({}, cfs_[cf_devices])};
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto r = decode_device_record(it->value().ToStringView());
      if (!r)
        return std::unexpected(r.error());
      out.push_back(std::move(*r));
    }
    if (!it->status().ok())
      return std::unexpected(to_error(it->status(), "load devices"));
    return out;
  }

  // Raw samples live in two places: recent ones under their own keys, older
  // hours in chunks. A page merges both in (ts, seq) order, from one snapshot
  // (a chunk and the keys it replaced are written atomically, so the reader
  // sees one or the other); where both hold a place, the key is newer.
  result<sample_page> read_samples(const sample_query& q) override {
    snapshot snap{*db_};
    return read_samples_at(q, snap.get());
  }

  std::unique_ptr<sample_view> samples_now() override {
    return std::make_unique<pinned_samples>(*this, *db_);
  }

  result<sample_page> read_samples_at(const sample_query& q, const rocksdb::Snapshot* at) {
    sample_page page;
    std::pair<millis, std::uint64_t> start{q.from, 0};
    bool strictly_after = false;
    if (q.after && *q.after >= start) {
      start = *q.after;
      strictly_after = true;
    }
    rocksdb::ReadOptions opts;
    opts.snapshot = at;
    std::string end = sample_key(q.home, q.device, q.to, 0);
    rocksdb::Slice upper{end};
    opts.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> keys{db_->NewIterator(opts, cfs_[cf_samples])};
    std::string first = sample_key(q.home, q.device, start.first, start.second);
    if (strictly_after)
      first.push_back('\0'); // the smallest key strictly after the cursor
    keys->Seek(first);

    rocksdb::ReadOptions chunk_opts;
    chunk_opts.snapshot = at;
    std::string chunk_end = chunk_key(q.home, q.device, q.to);
    rocksdb::Slice chunk_upper{chunk_end};
    chunk_opts.iterate_upper_bound = &chunk_upper;
    std::unique_ptr<rocksdb::Iterator> chunks{db_->NewIterator(chunk_opts, cfs_[cf_chunks])};
    chunks->Seek(chunk_key(q.home, q.device, start.first - start.first % hour_ms));
    std::vector<sample> chunk_samples;
    std::size_t in_chunk = 0;
    auto after_start = [&](const sample& s) {
      return strictly_after ? place_of(s) > start : place_of(s) >= start;
    };
    // The next chunked sample in range, decoding chunks as needed.
    auto next_chunked = [&]() -> result<const sample*> {
      for (;;) {
        while (in_chunk < chunk_samples.size()) {
          const auto& s = chunk_samples[in_chunk];
          if (s.ts_ms >= q.to)
            return nullptr;
          if (after_start(s))
            return &s;
          ++in_chunk;
        }
        if (!chunks->Valid())
          return nullptr;
        chunk_samples.clear();
        in_chunk = 0;
        if (auto ok = decode_sample_chunk(chunks->value().ToStringView(), q.home, q.device,
                                          chunk_samples);
            !ok)
          return std::unexpected(ok.error());
        chunks->Next();
      }
    };
    std::optional<sample> keyed;
    auto next_keyed = [&]() -> result<bool> {
      keyed.reset();
      if (!keys->Valid())
        return false;
      auto s = decode_sample(keys->key().ToStringView(), keys->value().ToStringView());
      if (!s)
        return std::unexpected(s.error());
      keyed = std::move(*s);
      return true;
    };
    if (auto ok = next_keyed(); !ok)
      return std::unexpected(ok.error());
    for (;;) {
      auto chunked = next_chunked();
      if (!chunked)
        return std::unexpected(chunked.error());
      const sample* c = *chunked;
      if (!keyed && !c)
        break;
      if (page.samples.size() == q.limit) {
        page.more = true;
        break;
      }
      if (keyed && (!c || place_of(*keyed) <= place_of(*c))) {
        if (c && place_of(*keyed) == place_of(*c))
          ++in_chunk;
        page.samples.push_back(std::move(*keyed));
        keys->Next();
        if (auto ok = next_keyed(); !ok)
          return std::unexpected(ok.error());
      } else {
        page.samples.push_back(*c);
        ++in_chunk;
      }
    }
    if (!keys->status().ok())
      return std::unexpected(to_error(keys->status(), "read samples"));
    if (!chunks->status().ok())
      return std::unexpected(to_error(chunks->status(), "read sample chunks"));
    return page;
  }

  result<void> put_command(const command_record& r) override {
    auto s = db_->Put({}, cfs_[cf_commands], command_key(r.cmd), encode_command_record(r));
    if (!s.ok())
      return std::unexpected(to_error(s, "put command"));
    return {};
  }

  result<std::vector<command_record>> list_commands(std::string_view home, std::size_t limit,
                                                    std::optional<millis> before) override {
    std::vector<command_record> out;
    std::string prefix{home};
    prefix.push_back('\0');
    std::string start = prefix;
    append_big_endian(start, static_cast<std::uint64_t>(before.value_or(max_key_time)));
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator({}, cfs_[cf_commands])};
    for (it->SeekForPrev(start); it->Valid() && out.size() < limit; it->Prev()) {
      auto key = it->key().ToStringView();
      if (!key.starts_with(prefix))
        break;
      if (key.size() >= start.size() && key.substr(0, start.size()) == start)
        continue; // issued exactly at `before`: not earlier
      auto r = decode_command_record(it->value().ToStringView());
      if (!r)
        return std::unexpected(r.error());
      out.push_back(std::move(*r));
    }
    if (!it->status().ok())
      return std::unexpected(to_error(it->status(), "list commands"));
    return out;
  }

  result<std::optional<std::string>> get_setting(std::string_view key) override {
    return get(cf_settings, key, "get setting");
  }

  result<void> put_setting(std::string_view key, std::string_view value) override {
    return put(cf_settings, key, value, "put setting"); // settings are rare and precious
  }

  // -- history ------------------------------------------------------------------

  result<void> commit_windows(const std::string& home,
                              const std::vector<streams::usage_window>& windows,
                              const windows_checkpoint& checkpoint) override {
    rocksdb::WriteBatch batch;
    for (const auto& w : windows)
      batch.Put(cfs_[cf_windows], window_key(home, w.series, w.res, w.start),
                encode_window_value(w));
    batch.Put(cfs_[cf_homes], home_value_key(home, "windows"), encode_checkpoint(checkpoint));
    auto s = db_->Write({}, &batch);
    if (!s.ok())
      return std::unexpected(to_error(s, "commit windows"));
    return {};
  }

  result<std::optional<windows_checkpoint>> read_checkpoint(const std::string& home) override {
    auto v = get(cf_homes, home_value_key(home, "windows"), "read windows checkpoint");
    if (!v)
      return std::unexpected(v.error());
    if (!*v)
      return std::optional<windows_checkpoint>{};
    auto c = decode_checkpoint(**v);
    if (!c)
      return std::unexpected(c.error());
    return std::optional<windows_checkpoint>{*c};
  }

  result<std::vector<window_row>> read_windows(const window_query& q) override {
    std::vector<window_row> out;
    // One allocation for a full range (a year of quarters is 35,040 rows).
    if (q.to > q.from)
      out.reserve(static_cast<std::size_t>(
          std::min<millis>({(q.to - q.from) / streams::nominal_length(q.res) + 1,
                            static_cast<millis>(q.limit), 200'000})));
    std::string end = window_key(q.home, q.series, q.res, q.to);
    rocksdb::Slice upper{end};
    rocksdb::ReadOptions opts;
    opts.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(opts, cfs_[cf_windows])};
    for (it->Seek(window_key(q.home, q.series, q.res, q.from)); it->Valid() && out.size() < q.limit;
         it->Next()) {
      auto tail = parse_window_key_tail(it->key().ToStringView());
      if (!tail)
        return fail(errc::corruption, "window key is malformed");
      auto row = decode_window_value(tail->second, q.res, it->value().ToStringView());
      if (!row)
        return std::unexpected(row.error());
      out.push_back(*row);
    }
    if (!it->status().ok())
      return std::unexpected(to_error(it->status(), "read windows"));
    return out;
  }

  result<std::optional<sample>> latest_sample_before(const std::string& home,
                                                     const std::string& device, millis t) override {
    snapshot snap{*db_};
    rocksdb::ReadOptions opts;
    opts.snapshot = snap.get();
    std::string prefix = device_key(home, device);
    std::optional<sample> best;
    {
      std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(opts, cfs_[cf_samples])};
      std::string target = sample_key(home, device, t, 0);
      it->SeekForPrev(target);
      if (it->Valid() && it->key() == rocksdb::Slice{target})
        it->Prev();
      if (it->Valid() && it->key().starts_with(prefix)) {
        auto s = decode_sample(it->key().ToStringView(), it->value().ToStringView());
        if (!s)
          return std::unexpected(s.error());
        best = std::move(*s);
      }
      if (!it->status().ok())
        return std::unexpected(to_error(it->status(), "latest sample"));
    }
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(opts, cfs_[cf_chunks])};
    std::vector<sample> decoded;
    for (it->SeekForPrev(chunk_key(home, device, t)); it->Valid() && it->key().starts_with(prefix);
         it->Prev()) {
      decoded.clear();
      if (auto ok = decode_sample_chunk(it->value().ToStringView(), home, device, decoded); !ok)
        return std::unexpected(ok.error());
      auto before = std::find_if(decoded.rbegin(), decoded.rend(),
                                 [&](const sample& s) { return s.ts_ms < t; });
      if (before != decoded.rend()) {
        if (!best || place_of(*before) > place_of(*best))
          best = *before;
        break;
      }
    }
    if (!it->status().ok())
      return std::unexpected(to_error(it->status(), "latest chunked sample"));
    return best;
  }

  // Per-sample keys older than `until` become hourly chunks: read them from a
  // snapshot, merge each hour with its chunk, and write the chunks and a
  // range deletion of the keys in one batch. A sample committed after the
  // snapshot into that range would be deleted unseen, so a device's chunking
  // and the commits carrying samples of that device older than `until` (late
  // ones: rare) exclude each other (`in_flight_chunk`); every other commit
  // goes on meanwhile. (An exclusive lock over all commits stalled every
  // hub's acks for an fsync at each hour boundary.)
  result<std::size_t> chunk_samples(const std::string& home, const std::string& device,
                                    millis until) override {
    constexpr std::size_t max_per_call = 200'000; // the caller calls again for the rest
    std::string prefix = device_key(home, device);
    in_flight_chunk guard{*this, prefix, until};
    // Where this device's loose samples start: past the range an earlier
    // call deleted, unless a late sample landed there since. Seeking from
    // the prefix would step over every deleted key still in the memtable
    // one by one (RocksDB 7.8), for each call: quadratic in the hours
    // chunked before a flush.
    auto from = scan_start(prefix);
    std::string start = from ? sample_key(home, device, *from, 0) : prefix;
    snapshot snap{*db_};
    rocksdb::ReadOptions opts;
    opts.snapshot = snap.get();
    std::string end = sample_key(home, device, until, 0);
    rocksdb::Slice upper{end};
    opts.iterate_upper_bound = &upper;
    std::vector<sample> loose;
    millis limit = until;
    {
      std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(opts, cfs_[cf_samples])};
      for (it->Seek(start); it->Valid(); it->Next()) {
        auto s = decode_sample(it->key().ToStringView(), it->value().ToStringView());
        if (!s)
          return std::unexpected(s.error());
        if (loose.size() >= max_per_call && s->ts_ms / hour_ms != loose.back().ts_ms / hour_ms) {
          limit = s->ts_ms - s->ts_ms % hour_ms;
          break;
        }
        loose.push_back(std::move(*s));
      }
      if (!it->status().ok())
        return std::unexpected(to_error(it->status(), "chunk samples"));
    }
    if (loose.empty())
      return 0;
    rocksdb::WriteBatch batch;
    std::vector<sample> hour;
    rocksdb::ReadOptions at_snapshot;
    at_snapshot.snapshot = snap.get();
    for (std::size_t i = 0; i < loose.size();) {
      millis h = loose[i].ts_ms - loose[i].ts_ms % hour_ms;
      std::size_t j = i;
      while (j < loose.size() && loose[j].ts_ms - loose[j].ts_ms % hour_ms == h)
        ++j;
      hour.clear();
      std::string key = chunk_key(home, device, h);
      std::string existing;
      auto got = db_->Get(at_snapshot, cfs_[cf_chunks], key, &existing);
      if (got.ok()) {
        if (auto ok = decode_sample_chunk(existing, home, device, hour); !ok)
          return std::unexpected(ok.error());
      } else if (!got.IsNotFound()) {
        return std::unexpected(to_error(got, "read chunk"));
      }
      // The chunk's samples, then the keys' (newer where both hold a place).
      hour.insert(hour.end(), loose.begin() + i, loose.begin() + j);
      std::stable_sort(hour.begin(), hour.end(),
                       [](const sample& a, const sample& b) { return place_of(a) < place_of(b); });
      std::vector<sample> unique;
      unique.reserve(hour.size());
      for (auto& s : hour) {
        if (!unique.empty() && place_of(unique.back()) == place_of(s))
          unique.back() = std::move(s);
        else
          unique.push_back(std::move(s));
      }
      batch.Put(cfs_[cf_chunks], key, encode_sample_chunk(unique));
      i = j;
    }
    std::string range_end = sample_key(home, device, limit, 0);
    batch.DeleteRange(cfs_[cf_samples], prefix, range_end);
    auto s = db_->Write({}, &batch);
    if (!s.ok())
      return std::unexpected(to_error(s, "write chunks"));
    guard.chunked_until(limit); // everything of this device before it is chunked
    return loose.size();
  }

  result<std::optional<std::string>> get_home_value(const std::string& home,
                                                    std::string_view name) override {
    return get(cf_homes, home_value_key(home, name), "get home value");
  }

  result<void> put_home_value(const std::string& home, std::string_view name,
                              std::string_view value) override {
    return put(cf_homes, home_value_key(home, name), value, "put home value");
  }

  result<void> put_notifications(const std::vector<notification_record>& records) override {
    rocksdb::WriteBatch batch;
    for (const auto& r : records)
      batch.Put(cfs_[cf_notifications], notification_key(r.home, r.ts, r.kind, r.subject), r.json);
    auto s = db_->Write({}, &batch);
    if (!s.ok())
      return std::unexpected(to_error(s, "put notifications"));
    return {};
  }

  result<std::vector<notification_record>>
  read_notifications(const std::string& home, millis from, millis to, std::size_t limit) override {
    std::vector<notification_record> out;
    std::string end = notification_key(home, to, "", "");
    rocksdb::Slice upper{end};
    rocksdb::ReadOptions opts;
    opts.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(opts, cfs_[cf_notifications])};
    for (it->Seek(notification_key(home, from, "", "")); it->Valid() && out.size() < limit;
         it->Next()) {
      auto key = it->key().ToStringView();
      auto ts = notification_key_time(key);
      if (!ts)
        return fail(errc::corruption, "notification key is malformed");
      auto rest = key.substr(home.size() + 9);
      auto zero = rest.find('\0');
      notification_record r;
      r.home = home;
      r.ts = *ts;
      r.kind.assign(rest.substr(0, zero));
      if (zero != std::string_view::npos)
        r.subject.assign(rest.substr(zero + 1));
      r.json.assign(it->value().ToStringView());
      out.push_back(std::move(r));
    }
    if (!it->status().ok())
      return std::unexpected(to_error(it->status(), "read notifications"));
    return out;
  }

  result<void> compact_all() override {
    rocksdb::CompactRangeOptions opts;
    opts.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto* cf : cfs_) {
      auto s = db_->CompactRange(opts, cf, nullptr, nullptr);
      if (!s.ok())
        return std::unexpected(to_error(s, "compact"));
    }
    return {};
  }

  std::vector<std::pair<std::string, std::uint64_t>> disk_bytes() override {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (std::size_t i = 0; i < cf_count; ++i) {
      std::uint64_t bytes = 0;
      db_->GetIntProperty(cfs_[i], "rocksdb.live-sst-files-size", &bytes);
      out.emplace_back(cf_names[i], bytes);
    }
    return out;
  }

  result<std::optional<std::string>> get_record(collection c, std::string_view key) override {
    std::string value;
    auto s = db_->Get({}, cfs_[cf_of(c)], key, &value);
    if (s.IsNotFound())
      return std::optional<std::string>{};
    if (!s.ok())
      return std::unexpected(to_error(s, "get record"));
    return std::optional<std::string>{std::move(value)};
  }

  result<void> put_record(collection c, std::string_view key, std::string_view value) override {
    rocksdb::WriteOptions opts;
    opts.sync = true;
    auto s = db_->Put(opts, cfs_[cf_of(c)], key, value);
    if (!s.ok())
      return std::unexpected(to_error(s, "put record"));
    return {};
  }

  result<void> delete_record(collection c, std::string_view key) override {
    rocksdb::WriteOptions opts;
    opts.sync = true;
    auto s = db_->Delete(opts, cfs_[cf_of(c)], key);
    if (!s.ok())
      return std::unexpected(to_error(s, "delete record"));
    return {};
  }

  result<record_page> scan_records(collection c, const record_query& q) override {
    record_page page;
    rocksdb::Slice upper{q.end};
    rocksdb::ReadOptions opts;
    if (!q.end.empty())
      opts.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(opts, cfs_[cf_of(c)])};
    for (it->Seek(q.start); it->Valid(); it->Next()) {
      if (page.records.size() == q.limit) {
        page.more = true;
        break;
      }
      page.records.emplace_back(it->key().ToString(), it->value().ToString());
    }
    if (!it->status().ok())
      return std::unexpected(to_error(it->status(), "scan records"));
    return page;
  }

private:
  result<std::optional<std::string>> get(cf_index cf, std::string_view key, std::string_view what) {
    std::string value;
    auto s = db_->Get({}, cfs_[cf], key, &value);
    if (s.IsNotFound())
      return std::optional<std::string>{};
    if (!s.ok())
      return std::unexpected(to_error(s, what));
    return std::optional<std::string>{std::move(value)};
  }

  result<void> put(cf_index cf, std::string_view key, std::string_view value,
                   std::string_view what) {
    rocksdb::WriteOptions opts;
    opts.sync = true; // rare and precious: settings, a home's time zone, its patterns
    auto s = db_->Put(opts, cfs_[cf], key, value);
    if (!s.ok())
      return std::unexpected(to_error(s, what));
    return {};
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  /// Per device prefix: the time before which chunk_samples() moved every
  /// sample into chunks (in this process). A commit with an older sample of
  /// the device forgets it, so the next call scans from the prefix again.
  std::mutex scan_mutex_; ///< guards everything below
  by_prefix<millis> scan_from_;
  /// Devices being chunked now: the `until` of each.
  by_prefix<millis> chunking_;
  /// The oldest sample per device of every commit being written now.
  std::vector<const by_prefix<millis>*> committing_;
  std::condition_variable scan_changed_;

  // Whether a commit's samples reach below a chunking in progress.
  bool meets_a_chunking(const by_prefix<millis>& oldest) const {
    for (const auto& [prefix, until] : chunking_)
      if (auto it = oldest.find(prefix); it != oldest.end() && it->second < until)
        return true;
    return false;
  }
  // Whether a commit being written holds a sample of `prefix` before `until`.
  bool meets_a_commit(std::string_view prefix, millis until) const {
    for (const auto* oldest : committing_)
      if (auto it = oldest->find(prefix); it != oldest->end() && it->second < until)
        return true;
    return false;
  }

  /// A commit registered for the time of its write (after waiting for any
  /// chunking its samples reach into).
  class in_flight_commit {
  public:
    in_flight_commit(rocksdb_store& s, const by_prefix<millis>& oldest)
        : store_(s), oldest_(oldest) {
      std::unique_lock lock{store_.scan_mutex_};
      if (!store_.chunking_.empty())
        store_.scan_changed_.wait(lock, [&] { return !store_.meets_a_chunking(oldest_); });
      store_.committing_.push_back(&oldest_);
      store_.forget_scan_starts_below(oldest_);
    }
    ~in_flight_commit() {
      std::lock_guard lock{store_.scan_mutex_};
      std::erase(store_.committing_, &oldest_);
      store_.scan_changed_.notify_all(); // a chunking may wait for this commit
    }
    in_flight_commit(const in_flight_commit&) = delete;
    in_flight_commit& operator=(const in_flight_commit&) = delete;

  private:
    rocksdb_store& store_;
    const by_prefix<millis>& oldest_;
  };

  /// A device's chunking registered for its whole run (after waiting for
  /// commits being written with samples before `until`, and for another
  /// chunking of the same device).
  class in_flight_chunk {
  public:
    in_flight_chunk(rocksdb_store& s, const std::string& prefix, millis until)
        : store_(s), prefix_(prefix) {
      std::unique_lock lock{store_.scan_mutex_};
      store_.scan_changed_.wait(lock, [&] {
        return !store_.chunking_.contains(prefix_) && !store_.meets_a_commit(prefix_, until);
      });
      store_.chunking_.emplace(prefix_, until);
    }
    void chunked_until(millis limit) { limit_ = limit; }
    ~in_flight_chunk() {
      std::lock_guard lock{store_.scan_mutex_};
      store_.chunking_.erase(prefix_);
      if (limit_)
        store_.scan_from_[prefix_] = *limit_;
      store_.scan_changed_.notify_all();
    }
    in_flight_chunk(const in_flight_chunk&) = delete;
    in_flight_chunk& operator=(const in_flight_chunk&) = delete;

  private:
    rocksdb_store& store_;
    const std::string& prefix_;
    std::optional<millis> limit_;
  };

  std::optional<millis> scan_start(const std::string& prefix) {
    std::lock_guard lock{scan_mutex_};
    auto it = scan_from_.find(prefix);
    return it == scan_from_.end() ? std::nullopt : std::optional{it->second};
  }

  // Under scan_mutex_.
  void forget_scan_starts_below(const by_prefix<millis>& oldest) {
    if (scan_from_.empty())
      return;
    for (const auto& [prefix, ts] : oldest)
      if (auto it = scan_from_.find(prefix); it != scan_from_.end() && ts < it->second)
        scan_from_.erase(it);
  }
};

rocksdb::BlockBasedTableOptions table_options(std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(cache);
  return table;
}

// Time series: LZ4 while hot, ZSTD at the bottom level where most bytes rest
// (docs/PERFORMANCE.md has the measurements), expiry by compaction filter.
rocksdb::ColumnFamilyOptions series_options(const rocksdb_options& o,
                                            std::shared_ptr<rocksdb::Cache> cache,
                                            retained_kind kind, std::size_t block_bytes) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = o.write_buffer_bytes;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  auto table = table_options(std::move(cache));
  table.block_size = block_bytes;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.compaction_filter_factory = retention_filter(kind, o.retention, o.time);
  cf.periodic_compaction_seconds = 24 * 3600;
  return cf;
}

// A device's samples arrive in time order, each key right after the device's
// previous one: the memtable keeps an insert hint per `home \0 device \0`
// prefix and inserts there instead of searching the skip list from its head
// (the skip-list search was the largest single cost of acknowledged ingest).
class device_prefix final : public rocksdb::SliceTransform {
public:
  const char* Name() const override { return "hems.device_prefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return {key.data(), prefix_size(key)};
  }
  // Only whole sample keys (prefix, ts, seq). RocksDB 7.8 shares one hint
  // map between a memtable's point keys and its range deletions, so the
  // bare prefix that chunk_samples() starts its DeleteRange at must stay out
  // of the domain: its hint would point into the wrong skip list (an
  // assertion in InlineSkipList, corruption without one). Newer RocksDB
  // hints point keys only.
  bool InDomain(const rocksdb::Slice& key) const override {
    auto prefix = prefix_size(key);
    return prefix != 0 && key.size() == prefix + 16;
  }

private:
  static std::size_t prefix_size(const rocksdb::Slice& key) {
    std::string_view k{key.data(), key.size()};
    auto first = k.find('\0');
    if (first == std::string_view::npos)
      return 0;
    auto second = k.find('\0', first + 1);
    return second == std::string_view::npos ? 0 : second + 1;
  }
};

rocksdb::ColumnFamilyOptions samples_options(const rocksdb_options& o,
                                             std::shared_ptr<rocksdb::Cache> cache) {
  auto cf = series_options(o, cache, retained_kind::samples, 4096);
  auto table = table_options(std::move(cache));
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = false; // scans by device prefix, never point reads
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.memtable_insert_with_hint_prefix_extractor = std::make_shared<device_prefix>();
  return cf;
}

result<sample_page> pinned_samples::read_samples(const sample_query& q) {
  return store_.read_samples_at(q, snap_.get());
}

} // namespace

result<std::unique_ptr<store>> open_rocksdb_store(const rocksdb_options& given) {
  auto o = given;
  if (!o.time)
    o.time = std::make_shared<system_clock>();
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec)
    return fail(errc::io_error,
                "cannot create data directory " + o.dir.string() + ": " + ec.message());
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.max_background_jobs = 2;
  db_opts.keep_log_file_num = 5;
  // One writer commits samples (storage/sample_writer); concurrent memtable
  // writes would also disable the per-device insert hints above.
  db_opts.allow_concurrent_memtable_write = false;
  auto cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  rocksdb::ColumnFamilyOptions small;
  small.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options(cache)));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::size_t i = 0; i < cf_count; ++i) {
    rocksdb::ColumnFamilyOptions cf = small;
    switch (i) {
    case cf_samples:
      cf = samples_options(o, cache);
      break;
    case cf_chunks:
      cf = series_options(o, cache, retained_kind::chunks, 16 * 1024);
      break;
    case cf_windows:
      cf = series_options(o, cache, retained_kind::windows, 16 * 1024);
      break;
    case cf_notifications:
      cf.compaction_filter_factory =
          retention_filter(retained_kind::notifications, o.retention, o.time);
      cf.periodic_compaction_seconds = 24 * 3600;
      break;
    default:
      break;
    }
    descriptors.emplace_back(cf_names[i], cf);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_opts, o.dir.string(), descriptors, &handles, &raw);
  if (!s.ok())
    return std::unexpected(to_error(s, "open " + o.dir.string()));
  return std::unique_ptr<store>{
      std::make_unique<rocksdb_store>(std::unique_ptr<rocksdb::DB>{raw}, std::move(handles))};
}

} // namespace hems::storage
