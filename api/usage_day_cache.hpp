#pragma once
// Rendered JSON of closed days of usage windows, so that a long GET /usage is
// mostly memcpy. A window that ends at or before its home's close point is
// written once and never changed (streams/home_windows.hpp), so a UTC day of
// 1m, 15m or 1h windows that ended by then renders the same until retention
// drops it: it is rendered once per (home, series, resolution, format, day)
// and kept in an LRU bounded by bytes. Days that retention may already have
// dropped are not served from it (see usage_render.hpp), and nothing else
// rewrites closed windows; a restart starts empty.

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "streams/window_stats.hpp"

namespace hems {
class counter;
class gauge;
class metrics_registry;
} // namespace hems

namespace hems::api {

/// How GET /usage renders windows: `objects` (the contract's array of window
/// objects) or `columns` (one array per field, a slot per step from `first`).
enum class window_format : std::uint8_t { objects, columns };

/// One stretch of one series' windows (a UTC day, or the ends of a range), rendered.
struct window_fragment {
  /// objects: one part, the window objects comma-separated (no brackets).
  /// columns: one part per column (usage_render.hpp), a value or null per slot.
  std::vector<std::string> parts;
  std::size_t windows = 0; ///< stored windows in it
  std::size_t slots = 0;   ///< columns: steps covered (windows and gaps)
  bool has_occupied = false;
  std::size_t bytes() const;
};

class usage_day_cache {
public:
  struct key {
    std::string home;
    std::string series;
    streams::resolution res = streams::resolution::m1;
    window_format format = window_format::objects;
    millis day = 0; ///< UTC midnight
    auto operator<=>(const key&) const = default;
  };

  /// `metrics`: hits, misses, evictions and bytes held, in /metrics (may be null).
  explicit usage_day_cache(std::size_t byte_budget, metrics_registry* metrics = nullptr);

  /// The day's fragment (and marks it recently used), or null.
  std::shared_ptr<const window_fragment> find(const key& k);
  /// Keeps a day's fragment, evicting the least recently used beyond the budget
  /// (a fragment larger than the whole budget is not kept).
  void insert(const key& k, std::shared_ptr<const window_fragment> fragment);

  std::size_t bytes() const;
  std::size_t entries() const;
  std::size_t byte_budget() const { return budget_; }

private:
  using entry = std::pair<key, std::shared_ptr<const window_fragment>>;
  void evict_over(std::size_t budget);

  std::size_t budget_;
  mutable std::mutex mutex_;
  std::list<entry> lru_; ///< most recently used first
  std::map<key, std::list<entry>::iterator> index_;
  std::size_t bytes_ = 0;
  counter* hits_ = nullptr;
  counter* misses_ = nullptr;
  counter* evictions_ = nullptr;
  gauge* bytes_gauge_ = nullptr;
};

} // namespace hems::api
