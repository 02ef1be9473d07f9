#include "api/usage_day_cache.hpp"

#include "core/metrics.hpp"

namespace hems::api {

std::size_t window_fragment::bytes() const {
  std::size_t n = sizeof(window_fragment);
  for (const auto& p : parts)
    n += p.capacity() + sizeof(std::string);
  return n;
}

usage_day_cache::usage_day_cache(std::size_t byte_budget, metrics_registry* metrics)
    : budget_(byte_budget) {
  if (!metrics)
    return;
  constexpr auto help = "Rendered days of usage windows served from memory (GET /usage).";
  hits_ = &metrics->add_counter("hems_usage_cache_days_total", help, "result=\"hit\"");
  misses_ = &metrics->add_counter("hems_usage_cache_days_total", help, "result=\"miss\"");
  evictions_ = &metrics->add_counter("hems_usage_cache_evictions_total",
                                     "Rendered days of usage windows dropped for the byte budget.");
  bytes_gauge_ = &metrics->add_gauge("hems_usage_cache_bytes",
                                     "Bytes of rendered usage windows held in memory.");
}

std::shared_ptr<const window_fragment> usage_day_cache::find(const key& k) {
  std::lock_guard lock{mutex_};
  auto it = index_.find(k);
  if (it == index_.end()) {
    if (misses_)
      misses_->inc();
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  if (hits_)
    hits_->inc();
  return it->second->second;
}

void usage_day_cache::insert(const key& k, std::shared_ptr<const window_fragment> fragment) {
  auto size = fragment->bytes();
  if (size > budget_)
    return;
  std::lock_guard lock{mutex_};
  if (auto it = index_.find(k); it != index_.end()) {
    bytes_ -= it->second->second->bytes();
    lru_.erase(it->second);
    index_.erase(it);
  }
  evict_over(budget_ - size);
  lru_.emplace_front(k, std::move(fragment));
  index_.emplace(k, lru_.begin());
  bytes_ += size;
  if (bytes_gauge_)
    bytes_gauge_->set(static_cast<std::int64_t>(bytes_));
}

void usage_day_cache::evict_over(std::size_t budget) {
  while (bytes_ > budget && !lru_.empty()) {
    auto& last = lru_.back();
    bytes_ -= last.second->bytes();
    index_.erase(last.first);
    lru_.pop_back();
    if (evictions_)
      evictions_->inc();
  }
  if (bytes_gauge_)
    bytes_gauge_->set(static_cast<std::int64_t>(bytes_));
}

std::size_t usage_day_cache::bytes() const {
  std::lock_guard lock{mutex_};
  return bytes_;
}

std::size_t usage_day_cache::entries() const {
  std::lock_guard lock{mutex_};
  return index_.size();
}

} // namespace hems::api
