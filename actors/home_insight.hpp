#pragma once
// The aggregator's insight step: anomalies (streams/anomalies.hpp) and the
// base-load forecast's quarters (actors/base_load.hpp), kept as windows close
// and samples arrive. Plain functions over the store, called from the
// aggregator's handlers: what they find is stored as notifications, counted
// and published (history_context::on_notification).
//
// When a day closes (and at the first closed hour after a start) the devices'
// last 28 days of 15-minute windows are read once: their profiles and standby
// baselines are relearned and the home's base-load quarters reloaded; between
// day closes, only the closed windows in memory are looked at.

#include <string>
#include <vector>

#include "actors/history_context.hpp"
#include "actors/messages.hpp"
#include "streams/anomalies.hpp"

namespace hems::actors {

struct insight_state {
  streams::home_insights insights;
  millis last_arrival = 0; ///< server time of the home's newest readings
};

/// Seeds the state after a start: the devices' newest stored samples, and the
/// notifications of the last week (so a restart does not repeat them).
insight_state start_insights(const history_context& ctx, const std::string& home,
                             const known_devices& devices, millis now);

/// New readings arrived at server time `now`: back-online findings, stored.
void insight_readings(const history_context& ctx, const std::string& home, insight_state& st,
                      const window_batch& batch, millis now);

/// After windows closed (possibly none) at server time `now`: relearn when a
/// day closed, unusual hours, base-load quarters, offline devices (silent for
/// `offline_after` server time too). Findings are stored and published.
void insight_step(const history_context& ctx, const std::string& home, insight_state& st,
                  const streams::home_windows& windows, const std::vector<streams::usage_window>& closed,
                  millis now, millis offline_after);

} // namespace hems::actors
