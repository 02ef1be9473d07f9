#include "adapters/hub_registry.hpp"

namespace hems::adapters {

void hub_registry::hello(const std::string& identity, const std::string& hub_id,
                         const std::vector<std::string>& homes) {
  forget(identity);
  auto& h = hubs_[identity];
  h.id = hub_id;
  for (const auto& home : homes) {
    auto previous = by_home_.find(home);
    if (previous != by_home_.end() && previous->second != identity) {
      auto other = hubs_.find(previous->second);
      if (other != hubs_.end())
        other->second.homes.erase(home);
    }
    by_home_[home] = identity;
    h.homes.insert(home);
  }
}

void hub_registry::forget(const std::string& identity) {
  auto it = hubs_.find(identity);
  if (it == hubs_.end())
    return;
  for (const auto& home : it->second.homes) {
    auto owner = by_home_.find(home);
    if (owner != by_home_.end() && owner->second == identity)
      by_home_.erase(owner);
  }
  hubs_.erase(it);
}

bool hub_registry::speaks_for(const std::string& identity, const std::string& home) const {
  auto it = hubs_.find(identity);
  return it != hubs_.end() && it->second.homes.count(home) > 0;
}

std::optional<std::string> hub_registry::hub_for(const std::string& home) const {
  auto it = by_home_.find(home);
  if (it == by_home_.end())
    return std::nullopt;
  return it->second;
}

} // namespace hems::adapters
