#pragma once
// A device's live state, computed from its samples as they arrive: the newest
// sample, its current power, and the energy it used today (the contract's
// energy rule, split at the day boundary). Plain C++: the device actor wraps
// it, and tests drive it directly.

#include <functional>
#include <optional>

#include "core/sample.hpp"
#include "streams/energy.hpp"

namespace hems::streams {

/// Maps a time to the start of its day (local midnight in the home's zone).
using day_start_fn = std::function<millis(millis)>;
/// Days in UTC; homes with a time zone pass their own.
millis utc_day_start(millis t);

/// Everything needed to resume a live device after a restart.
struct live_device_memo {
  std::optional<sample> last;
  millis day = 0;       ///< start of the day today_wh belongs to
  double today_wh = 0;  ///< energy of segments already closed in that day
};

class live_device {
public:
  explicit live_device(day_start_fn day_start = utc_day_start, live_device_memo memo = {});

  /// Applies a new sample. Samples not newer than the newest are ignored here
  /// (they are stored; history accounts for them) and false is returned.
  bool add(const sample& s);

  const std::optional<sample>& last() const { return memo_.last; }

  /// Energy since the start of `now`'s day, including the newest sample's
  /// power held up to `now` (at most five minutes).
  double energy_today_wh(millis now) const;

  const live_device_memo& memo() const { return memo_; }

private:
  void add_segment(const energy_segment& seg);

  day_start_fn day_start_;
  live_device_memo memo_;
};

} // namespace hems::streams
