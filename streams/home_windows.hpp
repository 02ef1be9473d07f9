#pragma once
// The usage windows of one home, computed as its samples arrive: tumbling
// windows of 1 minute, 15 minutes, 1 hour and 1 day for every device and for
// the home. Plain C++: the home's aggregator actor wraps it, tests drive it.
//
// What a window holds is a function of the stored samples, so that a restart
// (even after kill -9) recomputes exactly what was lost:
//  - The home has a close point C on the minute grid. Windows ending at or
//    before C are closed: written once, never changed.
//  - The open part [C, ...) of a device is computed from its samples at or
//    after C and the newest one before C (the anchor), clipped to C: the
//    anchor's segment counts only from C on.
//  - C advances when the home's event time E (its newest sample) has moved
//    `lateness` past a minute's end (a device whose newest sample carries a
//    meter reading holds C back to that sample, for at most five minutes, so
//    that the segment to its next reading is interpolated, not held), or when
//    nothing arrived for `idle_close` of server time (then everything up to
//    the end of the last power hold closes).
//  - A sample older than C is late: it is stored, and counts only through the
//    part of its segment after C (and it may become the anchor).
// So C and the windows before it are written in one atomic batch, and on
// start-up the aggregator resumes from C, the samples after it and the
// partial coarse windows folded from the closed finer ones.
//
// A home's series, from its devices' one-minute windows:
//  - `*home`: the whole home: the sum of its meters (kind `meter`) when a
//    meter reported in the minute, else the sum of its other devices.
//  - `*tracked` and `*untracked` (minutes with a meter only): the sum of the
//    devices other than meters, and the meter minus that: the untracked rest.
// The energy of a home series is exactly the sum of its devices'. Its
// max_power_w is its highest one-minute average (the coincident peak), its
// covered_ms the longest any of its devices covered, its samples the sum.
// Coarser windows of every series are sums of finer ones: 15 minutes of
// minutes, hours and days of quarter hours (days not on the quarter-hour grid,
// in historic zones, of minutes), always added oldest first, so a resumed
// aggregator adds the same numbers in the same order.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "streams/device_minutes.hpp"
#include "streams/window_grid.hpp"
#include "streams/window_stats.hpp"

namespace hems::streams {

struct window_settings {
  /// Samples may arrive this much behind the home's newest one and still
  /// count fully; windows close this much after their end (in event time).
  millis lateness_ms = 2 * minute_ms;
  /// A home silent for this long (server time) has its windows closed up to
  /// the end of its last power hold. Longer than a hub's upload interval.
  millis idle_close_ms = 10 * minute_ms;
  /// Samples more than this ahead of the server's clock are not windowed (a
  /// broken clock must not close every other device's windows).
  millis max_future_ms = day_ms;
};

/// One device's new readings, as the home hands them over.
struct device_readings {
  std::string device;
  device_kind kind = device_kind::unknown;
  std::vector<window_reading> readings;
};

/// Where a restarted aggregator resumes (read back from storage).
struct windows_resume {
  millis closed_until = 0;
  struct device {
    std::string id;
    device_kind kind = device_kind::unknown;
    /// The newest stored reading before closed_until (if any), then every
    /// stored reading at or after it, sorted.
    std::vector<window_reading> readings;
  };
  std::vector<device> devices;
  /// The open 15m, 1h and 1d windows of every series as far as they are
  /// closed: the sums of their stored finer windows (none when nothing was).
  std::vector<usage_window> partials;
};

/// What add() did with the readings.
struct add_outcome {
  std::size_t late = 0;   ///< older than the close point: only their part after it counts
  std::size_t future = 0; ///< too far ahead of the server clock: not windowed
};

class home_windows {
public:
  /// `now`: server time, from which a resumed home may idle before closing.
  home_windows(window_calendar calendar, window_settings settings,
               std::optional<windows_resume> resume = {}, millis now = 0);

  /// Adds a device's readings (any order; a reading at the place of one
  /// already held replaces it). `now` is server time.
  add_outcome add(const device_readings& batch, millis now);

  /// Closes every window due at server time `now`; returns them with finer
  /// resolutions of a moment before coarser ones, devices before the home.
  std::vector<usage_window> close_due(millis now);

  /// The close point C (nullopt until the first close).
  std::optional<millis> closed_until() const { return closed_; }
  /// The newest sample time seen (event time).
  std::optional<millis> event_time() const { return event_time_; }

  /// A new time zone: days from the end of the current one follow it.
  void set_calendar(window_calendar calendar) { calendar_ = std::move(calendar); }
  const window_calendar& calendar() const { return calendar_; }

  /// Devices known to the windows, with their kinds.
  std::vector<std::pair<std::string, device_kind>> devices() const;
  /// Readings held in memory (the open part and the anchors), for metrics.
  std::size_t held_readings() const;

private:
  struct device_track {
    device_kind kind = device_kind::unknown;
    std::vector<window_reading> readings; ///< [anchor] + readings >= C, sorted
  };
  struct open_window {
    bool open = false;
    bool day_of_minutes = false; ///< d1 only: its edges are off the quarter-hour grid
    millis start = 0;
    millis end = 0;
    window_stats stats;
  };
  struct series_partials {
    open_window m15, h1, d1;
  };
  struct day_span {
    millis start = 0;
    millis end = 0;
    bool of_minutes = false;
  };

  void insert(device_track& track, const window_reading& r);
  millis close_target(millis now) const;
  void fold_minute(const std::string& series, millis minute, const window_stats& stats,
                   std::vector<usage_window>& out);
  void fold_into(open_window& w, resolution r, millis part_start, const window_stats& stats);
  void fold_into_day(open_window& w, const day_span& day, const window_stats& stats);
  day_span day_for(millis t);
  void flush(millis until, std::vector<usage_window>& out);
  void drop_closed(millis c);

  window_calendar calendar_;
  window_settings settings_;
  std::optional<millis> closed_;
  std::optional<millis> event_time_;
  millis last_arrival_ = 0;
  std::optional<day_span> day_; ///< the home's current day
  std::map<std::string, device_track, std::less<>> devices_;
  std::map<std::string, series_partials, std::less<>> partials_;
  std::vector<minute_stats> scratch_;
};

/// Reads a series' stored windows of one resolution whose start is in [from, to), oldest first.
using stored_window_reader = std::function<std::vector<usage_window>(
    const std::string& series, resolution r, millis from, millis to)>;

/// The partial 15m, 1h and 1d windows of each series at close point `c`, as a
/// running aggregator holds them: the sums of the finer windows closed so far
/// (15m of 1m, 1h and 1d of 15m; 1d of 1m off the quarter-hour grid).
std::vector<usage_window> resume_partials(const window_calendar& calendar, millis c,
                                          const std::vector<std::string>& series,
                                          const stored_window_reader& read);

} // namespace hems::streams
