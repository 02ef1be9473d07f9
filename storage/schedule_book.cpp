#include "storage/schedule_book.hpp"

#include <algorithm>
#include <set>

namespace hems::storage {

std::string schedule_book::key_of(const streams::schedule& s) {
  std::string key = s.home;
  key.push_back('\0');
  key += s.id;
  return key;
}

result<std::unique_ptr<schedule_book>> schedule_book::open(store& db) {
  std::unique_ptr<schedule_book> book{new schedule_book{db}};
  auto read =
      for_each_record(db, collection::schedules, [&](std::string_view, std::string_view value) {
        auto s = streams::decode_schedule(value);
        if (s && !s->id.empty())
          book->by_id_.emplace(s->id, std::move(*s));
        else
          ++book->skipped_;
      });
  if (!read)
    return std::unexpected(read.error());
  return book;
}

result<void> schedule_book::put(const streams::schedule& s) {
  std::lock_guard lock{mutex_};
  if (auto ok = db_.put_record(collection::schedules, key_of(s), streams::schedule_json(s)); !ok)
    return ok;
  by_id_.insert_or_assign(s.id, s);
  return {};
}

result<bool> schedule_book::remove(const std::string& id) {
  std::lock_guard lock{mutex_};
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return false;
  if (auto ok = db_.delete_record(collection::schedules, key_of(it->second)); !ok)
    return std::unexpected(ok.error());
  by_id_.erase(it);
  return true;
}

std::optional<streams::schedule> schedule_book::find(const std::string& id) const {
  std::lock_guard lock{mutex_};
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return std::nullopt;
  return it->second;
}

std::optional<std::string> schedule_book::home_of(const std::string& id) const {
  std::lock_guard lock{mutex_};
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return std::nullopt;
  return it->second.home;
}

std::vector<streams::schedule> schedule_book::of_home(const std::string& home) const {
  std::vector<streams::schedule> out;
  {
    std::lock_guard lock{mutex_};
    for (const auto& [id, s] : by_id_)
      if (s.home == home)
        out.push_back(s);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
  return out;
}

std::vector<std::string> schedule_book::homes() const {
  std::set<std::string> homes;
  std::lock_guard lock{mutex_};
  for (const auto& [id, s] : by_id_)
    homes.insert(s.home);
  return {homes.begin(), homes.end()};
}

} // namespace hems::storage
