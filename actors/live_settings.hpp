#pragma once
// Settings shared by the live-path actors, fixed at start-up.

#include <memory>

#include "core/clock.hpp"
#include "actors/history_context.hpp"
#include "core/metrics.hpp"
#include "streams/live_device.hpp"

namespace hems::actors {

struct live_settings {
  /// Time as the actors see it (a manual clock in tests).
  std::shared_ptr<const clock> time = std::make_shared<system_clock>();
  /// A device is offline after this long without a sample; its power then
  /// no longer counts in the home's total (it matches the energy rule's
  /// five-minute hold).
  millis offline_after_ms = 5 * 60 * 1000;
  /// Restart intensity: a device actor failing more than `max_restarts`
  /// times within `restart_window_ms` is quarantined (as in OTP).
  std::uint32_t max_restarts = 3;
  millis restart_window_ms = 60 * 1000;
  /// Day boundaries for "energy today".
  streams::day_start_fn day_start = streams::utc_day_start;
  /// The directory sends every home a tick this often, for its aggregator
  /// (idle homes' windows close on it); 0: only when sent (tests).
  millis tick_interval_ms = 0;
};

/// Counters the live-path actors update.
struct live_metrics {
  explicit live_metrics(metrics_registry& m)
    : device_restarts(m.add_counter("hems_device_actor_restarts_total",
                                    "Device actors restarted after a failure.")),
      device_quarantines(m.add_counter("hems_device_actor_quarantines_total",
                                       "Device actors quarantined after failing too often.")),
      quarantined_samples(m.add_counter(
        "hems_samples_quarantined_total",
        "Samples stored but not processed because their device is quarantined.")),
      samples_applied(m.add_counter("hems_samples_applied_total",
                                    "Samples applied to live device state by device actors.")),
      device_actors(m.add_gauge("hems_device_actors", "Device actors alive.")),
      homes(m.add_gauge("hems_homes", "Home actors alive.")) {}
  counter& device_restarts;
  counter& device_quarantines;
  counter& quarantined_samples;
  counter& samples_applied;
  gauge& device_actors;
  gauge& homes;
};

class live_board;

/// What every live-path actor is given.
struct live_context {
  live_settings settings;
  std::shared_ptr<live_metrics> metrics;
  /// Where home actors publish their devices' statuses for the REST API's
  /// live reads (actors/live_board.hpp); null: reads ask the actors.
  std::shared_ptr<live_board> board;
  /// Usage windows, patterns and notifications; null: the live path only.
  history_context_ptr history;
};
using live_context_ptr = std::shared_ptr<const live_context>;

} // namespace hems::actors
