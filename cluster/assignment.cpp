#include "cluster/assignment.hpp"

namespace hems::cluster {

std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace {

// splitmix64's finalizer: every input bit reaches every output bit, so
// weights of one home under different members are independent enough for an
// even spread (FNV alone is not).
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

std::uint64_t rendezvous_weight(std::uint64_t member_seed, std::string_view home) {
  return mix(fnv1a64(home) ^ mix(member_seed));
}

assignment::assignment(std::vector<std::string> member_ids) : ids_(std::move(member_ids)) {
  seeds_.reserve(ids_.size());
  for (const auto& id : ids_)
    seeds_.push_back(fnv1a64(id));
}

assignment::assignment(const cluster_config& config)
    : assignment([&] {
        std::vector<std::string> ids;
        for (const auto& m : config.members)
          ids.push_back(m.id);
        return ids;
      }()) {}

std::size_t assignment::owner_index(std::string_view home) const {
  std::size_t best = 0;
  std::uint64_t best_weight = 0;
  auto home_hash = fnv1a64(home);
  for (std::size_t i = 0; i < seeds_.size(); ++i) {
    auto w = mix(home_hash ^ mix(seeds_[i]));
    // Ties (practically never) go to the smaller id, so every node agrees.
    if (i == 0 || w > best_weight || (w == best_weight && ids_[i] < ids_[best])) {
      best = i;
      best_weight = w;
    }
  }
  return best;
}

} // namespace hems::cluster
