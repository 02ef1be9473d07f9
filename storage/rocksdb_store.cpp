// The RocksDB implementation of storage::store. Column families, one per kind
// of data (see docs/ARCHITECTURE.md, "Storage layout"):
//   devices   device_key -> device_record (latest state of each device)
//   samples   sample_key -> sample value (every accepted sample)
//   settings  name -> value
//   commands  command_key -> command record (every command and its outcome)
//   tokens    token id -> token record (security/token_record)
//   audit     time + sequence -> audit entry (security/audit_log)
// rocksdb::Status never leaves this file: to_error() turns it into hems::error.

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <limits>

#include "storage/store.hpp"

namespace hems::storage {

namespace {

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
  cf_count
};
constexpr const char* cf_names[cf_count] = {"default",  "devices", "samples", "settings",
                                            "commands", "tokens",  "audit"};

cf_index cf_of(collection c) {
  switch (c) {
    case collection::tokens:
      return cf_tokens;
    case collection::audit:
      return cf_audit;
  }
  return cf_default;
}

class rocksdb_batch final : public write_batch {
public:
  explicit rocksdb_batch(std::vector<rocksdb::ColumnFamilyHandle*>& cfs) : cfs_(cfs) {}

  void put_sample(const sample& s) override {
    key_ = sample_key(s.home, s.device, s.ts_ms, s.seq.value_or(0));
    value_ = encode_sample_value(s);
    batch.Put(cfs_[cf_samples], key_, value_);
  }
  void put_device(const device_record& r) override {
    key_ = device_key(r.home, r.device);
    value_ = encode_device_record(r);
    batch.Put(cfs_[cf_devices], key_, value_);
  }
  std::size_t count() const override { return static_cast<std::size_t>(batch.Count()); }

  rocksdb::WriteBatch batch;

private:
  std::vector<rocksdb::ColumnFamilyHandle*>& cfs_;
  std::string key_;   // reused buffers: no allocation per put once warm
  std::string value_;
};

class rocksdb_store final : public store {
public:
  rocksdb_store(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> cfs)
    : db_(std::move(db)), cfs_(std::move(cfs)) {}

  ~rocksdb_store() override {
    for (auto* cf : cfs_)
      db_->DestroyColumnFamilyHandle(cf);
    db_->Close();
  }

  std::unique_ptr<write_batch> new_batch() override {
    return std::make_unique<rocksdb_batch>(cfs_);
  }

  result<void> commit(write_batch& batch, durability d) override {
    rocksdb::WriteOptions opts;
    opts.sync = d == durability::fsynced;
    auto s = db_->Write(opts, &static_cast<rocksdb_batch&>(batch).batch);
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

  result<sample_page> read_samples(const sample_query& q) override {
    sample_page page;
    std::string prefix = device_key(q.home, q.device);
    std::string start = sample_key(q.home, q.device, q.from, 0);
    if (q.after) {
      auto resume = sample_key(q.home, q.device, q.after->first, q.after->second);
      resume.push_back('\0'); // the smallest key strictly after the cursor
      start = std::max(start, resume);
    }
    std::string end = sample_key(q.home, q.device, q.to, 0);
    rocksdb::Slice upper{end};
    rocksdb::ReadOptions opts;
    opts.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(opts, cfs_[cf_samples])};
    for (it->Seek(start); it->Valid(); it->Next()) {
      if (page.samples.size() == q.limit) {
        page.more = true;
        break;
      }
      auto s = decode_sample(it->key().ToStringView(), it->value().ToStringView());
      if (!s)
        return std::unexpected(s.error());
      page.samples.push_back(std::move(*s));
    }
    if (!it->status().ok())
      return std::unexpected(to_error(it->status(), "read samples"));
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
    std::string value;
    auto s = db_->Get({}, cfs_[cf_settings], key, &value);
    if (s.IsNotFound())
      return std::optional<std::string>{};
    if (!s.ok())
      return std::unexpected(to_error(s, "get setting"));
    return std::optional<std::string>{std::move(value)};
  }

  result<void> put_setting(std::string_view key, std::string_view value) override {
    rocksdb::WriteOptions opts;
    opts.sync = true; // settings are rare and precious
    auto s = db_->Put(opts, cfs_[cf_settings], key, value);
    if (!s.ok())
      return std::unexpected(to_error(s, "put setting"));
    return {};
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
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
};

rocksdb::ColumnFamilyOptions samples_options(const rocksdb_options& o,
                                             std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = o.write_buffer_bytes;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(cache);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = false; // scans by device prefix, never point reads
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

} // namespace

result<std::unique_ptr<store>> open_rocksdb_store(const rocksdb_options& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec)
    return fail(errc::io_error, "cannot create data directory " + o.dir.string() + ": " + ec.message());
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.max_background_jobs = 2;
  db_opts.keep_log_file_num = 5;
  auto cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  rocksdb::ColumnFamilyOptions small;
  {
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    small.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::size_t i = 0; i < cf_count; ++i)
    descriptors.emplace_back(cf_names[i], i == cf_samples ? samples_options(o, cache) : small);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_opts, o.dir.string(), descriptors, &handles, &raw);
  if (!s.ok())
    return std::unexpected(to_error(s, "open " + o.dir.string()));
  return std::unique_ptr<store>{
    std::make_unique<rocksdb_store>(std::unique_ptr<rocksdb::DB>{raw}, std::move(handles))};
}

} // namespace hems::storage
