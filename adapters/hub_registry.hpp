#pragma once
// Which hub speaks for which homes: filled by hellos, consulted to route
// commands and to check that a hub only sends telemetry for its own homes.
// A hub is known by its ZeroMQ routing id (hub clients set it to their hub
// id, so it survives reconnects).

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace hems::adapters {

class hub_registry {
public:
  /// Records a hello; a home announced by another hub moves to this one.
  void hello(const std::string& identity, const std::string& hub,
             const std::vector<std::string>& homes);
  /// Forgets a hub that can no longer be reached.
  void forget(const std::string& identity);

  bool knows(const std::string& identity) const { return hubs_.count(identity) > 0; }
  bool speaks_for(const std::string& identity, const std::string& home) const;
  /// The routing id of the hub for `home`, if one said hello for it.
  std::optional<std::string> hub_for(const std::string& home) const;
  std::size_t size() const { return hubs_.size(); }

private:
  struct hub {
    std::string id;
    std::set<std::string, std::less<>> homes;
  };
  std::unordered_map<std::string, hub> hubs_;           ///< by routing id
  std::unordered_map<std::string, std::string> by_home_; ///< home -> routing id
};

} // namespace hems::adapters
