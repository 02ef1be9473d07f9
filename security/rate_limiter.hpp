#pragma once
// Per-token rate limits: a token bucket per key (a token id), refilled at
// `per_second` up to `burst`. Buckets are spread over shards with a mutex
// each, so requests of different tokens rarely wait for one another, and
// time comes from an injected clock, so tests drive it by hand.

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"

namespace hems::security {

struct rate_limit {
  double per_second = 50; ///< 0: unlimited
  double burst = 100;     ///< requests allowed at once after a quiet spell
};

class rate_limiter {
public:
  rate_limiter(rate_limit limit, const clock& time);

  /// Takes one request from `key`'s bucket: nullopt when allowed, otherwise
  /// how long (ms) until one more would be.
  std::optional<millis> take(std::string_view key);

  const rate_limit& limit() const { return limit_; }

private:
  struct bucket {
    double tokens = 0;
    millis refilled_ms = 0;
  };
  struct shard {
    std::mutex mutex;
    std::unordered_map<std::string, bucket> buckets;
  };
  static constexpr std::size_t shard_count = 16;
  /// Buckets per shard before full (idle) ones are dropped: memory stays bounded.
  static constexpr std::size_t sweep_above = 4096;

  void sweep(shard& s, millis now);

  rate_limit limit_;
  const clock& time_;
  std::array<shard, shard_count> shards_;
};

} // namespace hems::security
