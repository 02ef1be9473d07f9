#include "actors/live_board.hpp"

#include <vector>

#include "actors/home_view.hpp"

namespace hems::actors {

void live_board::put(const std::string& home, const device_status& status) {
  home_entry* entry = nullptr;
  {
    std::shared_lock read{mutex_};
    if (auto it = homes_.find(home); it != homes_.end())
      entry = it->second.get();
  }
  if (!entry) {
    std::unique_lock write{mutex_};
    auto& slot = homes_[home];
    if (!slot)
      slot = std::make_unique<home_entry>();
    entry = slot.get();
  }
  // Entries are removed only by forget(), called by the same home actor that
  // is the only caller of put() for this home: `entry` stays valid here.
  std::lock_guard guard{entry->mutex};
  entry->devices.insert_or_assign(status.device, status);
}

void live_board::forget(const std::string& home) {
  std::unique_lock write{mutex_};
  homes_.erase(home);
}

home_view live_board::view(const std::string& home, const live_settings& settings) const {
  std::vector<device_status> statuses;
  {
    std::shared_lock read{mutex_}; // keeps the entry alive while it is copied
    auto it = homes_.find(home);
    if (it != homes_.end()) {
      std::lock_guard guard{it->second->mutex};
      statuses.reserve(it->second->devices.size());
      for (const auto& [id, status] : it->second->devices)
        statuses.push_back(status);
    }
  }
  return make_home_view(home, statuses, settings);
}

std::vector<std::string> live_board::homes() const {
  std::shared_lock read{mutex_};
  std::vector<std::string> out;
  out.reserve(homes_.size());
  for (const auto& [id, entry] : homes_)
    out.push_back(id);
  return out;
}

} // namespace hems::actors
