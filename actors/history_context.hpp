#pragma once
// What the history actors (one aggregator per home) are given: where windows
// go, how they close, the feed hooks and the counters. Fixed at start-up;
// absent (null in live_context) when a server keeps no history.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/base_load.hpp"
#include "core/metrics.hpp"
#include "storage/store.hpp"
#include "streams/anomalies.hpp"
#include "streams/home_windows.hpp"

namespace hems::actors {

/// Called after windows are durable, on the aggregator's thread (several
/// homes' aggregators may call at once): must be thread-safe and not block.
/// The feed (PUB, topic home/<home>/usage/<resolution>) connects here.
using windows_listener =
    std::function<void(const std::string& home, const std::vector<streams::usage_window>&)>;
/// Called after a notification is stored, with its JSON (topic home/<home>/notification).
using notification_listener =
    std::function<void(const std::string& home, const storage::notification_record&)>;

struct history_settings {
  streams::window_settings windows;
  /// The zone of homes without one of their own (a home's own is the home
  /// value "time_zone", set over REST).
  std::string default_time_zone = "UTC";
  /// Raw samples older than the close point move into hourly chunks.
  bool chunk_samples = true;
  /// Patterns, forecasts' history and notifications, updated as days close.
  bool patterns = true;
  /// When a device's usage, silence or standby is worth a notification.
  streams::anomaly_settings anomalies;
};

struct history_metrics {
  explicit history_metrics(metrics_registry& m)
      : windows_closed(m.add_counter("hems_windows_closed_total",
                                     "Usage windows closed and written, all resolutions.")),
        late_samples(m.add_counter("hems_window_late_samples_total",
                                   "Samples older than their home's close point: only their part "
                                   "after it counts in windows.")),
        future_samples(m.add_counter("hems_window_future_samples_total",
                                     "Samples too far ahead of the server clock to be windowed.")),
        samples_chunked(m.add_counter("hems_samples_chunked_total",
                                      "Raw samples moved from their own keys into hourly chunks.")),
        aggregator_restarts(m.add_counter("hems_aggregator_restarts_total",
                                          "Home aggregators restarted after a failure (they "
                                          "resume from storage).")),
        notifications(m.add_counter("hems_notifications_total", "Notifications stored.")),
        unusual_usage(m.add_counter("hems_insights_total",
                                    "Anomalies and insights found and stored, by kind.",
                                    "kind=\"unusual_usage\"")),
        offline(m.add_counter("hems_insights_total",
                              "Anomalies and insights found and stored, by kind.",
                              "kind=\"offline\"")),
        standby(m.add_counter("hems_insights_total",
                              "Anomalies and insights found and stored, by kind.",
                              "kind=\"standby\"")) {}
  counter& windows_closed;
  counter& late_samples;
  counter& future_samples;
  counter& samples_chunked;
  counter& aggregator_restarts;
  counter& notifications;
  counter& unusual_usage;
  counter& offline;
  counter& standby;
  /// The counter of an insight kind (offline for the others).
  counter& insight(std::string_view kind) {
    return kind == "unusual_usage" ? unusual_usage : kind == "standby" ? standby : offline;
  }
};

struct history_context {
  /// Owned by the server, outlives the actors; db->history() is not null.
  storage::store* db = nullptr;
  history_settings settings;
  std::shared_ptr<history_metrics> metrics;
  windows_listener on_windows;
  notification_listener on_notification;
  /// The homes' base-load forecasts, kept by their aggregators for the
  /// optimizer (actors/base_load.hpp); null: none kept.
  std::shared_ptr<base_load_cache> base_load = std::make_shared<base_load_cache>();
};
using history_context_ptr = std::shared_ptr<const history_context>;

} // namespace hems::actors
