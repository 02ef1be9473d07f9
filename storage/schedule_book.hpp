#pragma once
// Every home's schedules, kept in the store's `schedules` collection (key
// home \0 id, value the schedule's JSON) and indexed in memory by id, so the
// owner of DELETE /schedule/{id} is found without a scan. Thread-safe: REST
// threads and the schedulers share one book.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "storage/store.hpp"
#include "streams/schedule.hpp"

namespace hems::storage {

class schedule_book {
public:
  /// Reads every stored schedule (a record that no longer decodes is skipped
  /// and counted in `skipped()`).
  static result<std::unique_ptr<schedule_book>> open(store& db);

  /// Stores a new or changed schedule (durable before it returns).
  result<void> put(const streams::schedule& s);
  /// Removes it; false when there is no such schedule.
  result<bool> remove(const std::string& id);
  std::optional<streams::schedule> find(const std::string& id) const;
  /// The home a schedule belongs to.
  std::optional<std::string> home_of(const std::string& id) const;
  /// A home's schedules, oldest first.
  std::vector<streams::schedule> of_home(const std::string& home) const;
  /// Every home with at least one schedule.
  std::vector<std::string> homes() const;
  std::size_t skipped() const { return skipped_; }

private:
  explicit schedule_book(store& db) : db_(db) {}
  static std::string key_of(const streams::schedule& s);

  store& db_;
  mutable std::mutex mutex_;
  std::map<std::string, streams::schedule> by_id_;
  std::size_t skipped_ = 0;
};

} // namespace hems::storage
