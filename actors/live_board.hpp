#pragma once
// Live device statuses per home, published by home actors as they change and
// read by the REST API directly. Asking a home actor costs two thread
// hand-offs per request (Pistache thread -> CAF worker -> back), which on a
// small machine is most of a live read's time; a read here takes a lock and a
// copy. The home actor stays the only writer of its home's entry, so what the
// board shows is what the actor holds, in the order the actor saw it.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/messages.hpp"

namespace hems::actors {

struct live_settings;

class live_board {
public:
  /// A device's status changed (or the device appeared).
  void put(const std::string& home, const device_status& status);
  /// The home's actor is gone: its entry goes with it.
  void forget(const std::string& home);
  /// The home's live view now; `found` is false for a home without devices.
  home_view view(const std::string& home, const live_settings& settings) const;
  /// The ids of every home on the board (fleet totals walk them).
  std::vector<std::string> homes() const;

private:
  struct home_entry {
    mutable std::mutex mutex;
    std::map<std::string, device_status> devices;
  };
  mutable std::shared_mutex mutex_; // guards the map of homes, not their entries
  std::unordered_map<std::string, std::unique_ptr<home_entry>> homes_;
};

} // namespace hems::actors
