#pragma once
// Retention done by RocksDB itself: compaction filters that drop what is
// older than its kind's retention, judged by the time in the key (event
// time, so back-filled history expires by its own dates, not by when it was
// written). Files that see no writes are still compacted periodically
// (periodic_compaction_seconds), so old data goes even in a quiet database.
// Internal to storage/rocksdb_*.cpp.

#include <memory>

#include <rocksdb/compaction_filter.h>

#include "core/clock.hpp"
#include "storage/history_store.hpp"

namespace hems::storage {

enum class retained_kind { samples, chunks, windows, notifications };

std::shared_ptr<rocksdb::CompactionFilterFactory>
retention_filter(retained_kind kind, retention_policy policy, std::shared_ptr<const clock> time);

} // namespace hems::storage
