#pragma once
// The home's base-load forecast for the optimizer: what no automation
// controls (streams/patterns.hpp in_base_load, plus the untracked rest of a
// whole-home meter), for the next 48 hours at 15 minutes. Each home's
// aggregator keeps the summed base-load quarters of the last 29 days here:
// read from storage when a day closes (and at its first closed hour), then
// appended as quarters close, so a forecast never touches RocksDB. Thread-safe:
// aggregators write, the optimizer and the REST threads read.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "streams/forecast.hpp"
#include "streams/local_time.hpp"
#include "streams/window_stats.hpp"

namespace hems::actors {

/// What the optimizer asks.
class base_load_source {
public:
  virtual ~base_load_source() = default;
  /// The home's base load from `from_ms` (floored to the quarter) for 48 h
  /// at 15 minutes, in kW; nullopt when the home has no closed quarters yet.
  virtual std::optional<streams::load_forecast> base_load_forecast(const std::string& home,
                                                                   millis from_ms) const = 0;
};

class base_load_cache final : public base_load_source {
public:
  explicit base_load_cache(streams::forecast_settings settings = {}) : settings_(settings) {}

  /// Replaces a home's base-load quarters (any order) and its zone.
  void reset(const std::string& home, const streams::local_zone& zone,
             std::vector<streams::usage_window> quarters);
  /// Adds newly closed base-load quarters (a quarter already held is replaced).
  void append(const std::string& home, const std::vector<streams::usage_window>& quarters);

  std::optional<streams::load_forecast> base_load_forecast(const std::string& home,
                                                           millis from_ms) const override;

  /// Quarters held for a home (tests, metrics).
  std::size_t quarters(const std::string& home) const;

private:
  struct home_entry {
    streams::local_zone zone;
    std::map<millis, streams::usage_window> quarters; ///< by start
    /// The last forecast answered; dropped when quarters change.
    mutable std::optional<streams::load_forecast> last;
  };
  void trim(home_entry& e) const;
  streams::forecast_settings settings_;
  mutable std::mutex mutex_;
  std::map<std::string, home_entry, std::less<>> homes_;
};

/// Sums the base-load series among closed windows quarter by quarter: the
/// 15-minute windows of `base_series` (in_base_load devices and *untracked).
std::vector<streams::usage_window>
base_load_quarters(const std::vector<streams::usage_window>& closed,
                   const std::vector<std::string>& base_series);

} // namespace hems::actors
