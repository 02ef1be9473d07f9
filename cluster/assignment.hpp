#pragma once
// Which member owns a home: rendezvous (highest random weight) hashing over
// the configured members. Every node computes the same answer from the same
// member list, with no table to keep in sync; each member gets an even share,
// and adding a member moves only the homes the new member now wins (about
// 1/N of them), removing one moves only its own.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_config.hpp"

namespace hems::cluster {

class assignment {
public:
  explicit assignment(std::vector<std::string> member_ids);
  explicit assignment(const cluster_config& config);

  /// The index (into the member list) of the member that owns `home`.
  std::size_t owner_index(std::string_view home) const;
  /// The id of the member that owns `home`.
  const std::string& owner(std::string_view home) const { return ids_[owner_index(home)]; }
  /// The fraction of all homes a member owns (1/N: the hash spreads evenly).
  double share() const { return 1.0 / static_cast<double>(ids_.size()); }
  const std::vector<std::string>& members() const { return ids_; }

private:
  std::vector<std::string> ids_;
  std::vector<std::uint64_t> seeds_; ///< a hash of each member's id
};

/// The weight of (member, home): a 64-bit mix of both hashes (exposed for tests).
std::uint64_t rendezvous_weight(std::uint64_t member_seed, std::string_view home);
/// FNV-1a 64 of a string.
std::uint64_t fnv1a64(std::string_view s);

} // namespace hems::cluster
