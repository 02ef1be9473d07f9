#include "security/rate_limiter.hpp"

#include <cmath>
#include <functional>

namespace hems::security {

rate_limiter::rate_limiter(rate_limit limit, const clock& time) : limit_(limit), time_(time) {}

void rate_limiter::sweep(shard& s, millis now) {
  std::erase_if(s.buckets, [&](const auto& kv) {
    const auto& b = kv.second;
    return b.tokens + static_cast<double>(now - b.refilled_ms) * limit_.per_second / 1000.0 >=
           limit_.burst;
  });
}

std::optional<millis> rate_limiter::take(std::string_view key) {
  if (limit_.per_second <= 0)
    return std::nullopt;
  auto now = time_.now_ms();
  auto& s = shards_[std::hash<std::string_view>{}(key) % shard_count];
  std::lock_guard lock{s.mutex};
  auto it = s.buckets.find(std::string{key});
  if (it == s.buckets.end()) {
    if (s.buckets.size() >= sweep_above)
      sweep(s, now);
    it = s.buckets.emplace(std::string{key}, bucket{limit_.burst, now}).first;
  }
  auto& b = it->second;
  if (now > b.refilled_ms) {
    b.tokens = std::min(limit_.burst, b.tokens + static_cast<double>(now - b.refilled_ms) *
                                                   limit_.per_second / 1000.0);
    b.refilled_ms = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  return static_cast<millis>(std::ceil((1 - b.tokens) * 1000.0 / limit_.per_second));
}

} // namespace hems::security
