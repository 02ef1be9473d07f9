#pragma once
// Anomalies and insights of a home, as plain C++: a device drawing far more
// than its pattern says (`unusual_usage`), a device that stopped reporting
// (`offline`, and back online), and a device wasting energy in standby
// (`standby`, with the yearly cost). Each finding carries the figures that
// triggered it. The home's aggregator feeds home_insights as windows close and
// samples arrive, and stores and publishes what it returns; tests drive it
// with hand-made windows.
//
// Why these rules:
//  - unusual_usage: a closed hour of a device whose average power is above
//    mean + k * spread of the same local hour of the week, with at least
//    `min_weeks` weeks of that hour seen. k = 4: the spread comes from only
//    three or four values, so it is often small by chance; at k = 4 a normal
//    (Gaussian) hour is flagged about once in 30,000 hours, a device's week is
//    168 hours, so about one false alarm per device in three to four years. The
//    spread counts at least `spread_floor_share` of the mean and the excess
//    must be at least `min_excess_w`, so that a device that is always nearly
//    the same (spread ~ 0) or tiny is not flagged for a few watts.
//  - offline: no sample for longer than max(`offline_min_ms`, `interval_factor`
//    x its usual interval (a moving average of its gaps)) in event time (the
//    home's newest sample, moved on by the server time the whole home has
//    been silent), and nothing from it for the live path's offline time in
//    server time too: a backfill of old samples, device after device, does
//    not make devices offline, and a hub that lost its link for a while makes
//    them offline even with no newer sample. Once per outage; a sample
//    afterwards says it is back and re-arms it.
//  - standby: a device of a kind that should be off when idle (plug,
//    appliance, light; not fridges, freezers or medical devices, which are
//    essential) whose standby baseline (10th percentile of its quarters) is
//    above `standby_min_w` while it also does real work (some hour of its
//    profile at least `standby_active_above_w` above it: a device always at
//    the same draw, like a router, is not idle, it is on).
// Dedup: one notification per condition per `repeat_ms` (unusual_usage: a
// day; standby: a week, a reminder while it lasts; offline: per outage).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/sample.hpp"
#include "streams/local_time.hpp"
#include "streams/patterns.hpp"
#include "streams/window_stats.hpp"

namespace hems::streams {

struct anomaly_settings {
  // unusual_usage
  double spread_k = 4;
  double spread_floor_share = 0.10;
  double min_excess_w = 100;
  std::uint32_t min_weeks = 3;
  millis unusual_repeat_ms = day_ms;
  // offline
  millis offline_min_ms = 15 * minute_ms;
  double interval_factor = 5;
  // standby
  double standby_min_w = 5;
  double standby_active_above_w = 30;
  double price_per_kwh = 0.30;
  std::string currency = "EUR";
  millis standby_repeat_ms = 7 * day_ms;
};

/// One figure of a finding's evidence.
struct evidence_item {
  std::string name;
  std::variant<double, std::int64_t, std::string, bool> value;
  friend bool operator==(const evidence_item&, const evidence_item&) = default;
};

/// A finding, rendered by insight_json into a notification (docs/AUTOMATION.md).
struct insight {
  millis ts = 0;       ///< when what it reports happened
  std::string kind;    ///< "unusual_usage", "offline", "standby"
  std::string subject; ///< the device
  std::string severity; ///< "info", "warning" or "alert"
  std::string title;
  std::string message;
  std::vector<evidence_item> evidence;
};

/// {"home","ts_ms","kind","subject","severity","title","message","evidence":{...}}.
std::string insight_json(const std::string& home, const insight& i);

/// A closed hour (`hour`: its 1h window) far above its hour-of-week profile.
std::optional<insight> unusual_hour(const usage_window& hour, const profile_hour& expected,
                                    int hour_of_week, const anomaly_settings& s = {});

/// Standby waste from a device's learned standby baseline and profile; `ts`:
/// when it was learned (the day's end).
std::optional<insight> standby_waste(const std::string& device, device_kind kind,
                                     std::optional<double> standby_w, const week_profile& profile,
                                     millis ts, const anomaly_settings& s = {});

/// Kinds that should draw (almost) nothing when idle, unless essential by name.
bool should_be_off_when_idle(const std::string& device, device_kind kind);

/// Devices' reporting: their last sample, their usual interval, and which
/// are offline now.
class offline_tracker {
public:
  explicit offline_tracker(anomaly_settings s = {}) : settings_(std::move(s)) {}
  /// A sample of `device` at `ts`, arrived at server time `now`; a
  /// back-online finding when it was offline.
  std::optional<insight> seen(const std::string& device, millis ts, millis now);
  /// Devices silent past their timeout at `reference` (event time) and for
  /// `server_grace` at server time `now`: one finding each, once per outage.
  std::vector<insight> check(millis reference, millis now, millis server_grace);
  /// A device known offline (from a stored notification, after a restart).
  void mark_offline(const std::string& device, millis last_sample);
  /// How long `device` may be silent (nullopt: never seen).
  std::optional<millis> timeout_of(const std::string& device) const;
  bool is_offline(const std::string& device) const;
  /// The newest sample seen of any device.
  std::optional<millis> newest() const { return newest_; }

private:
  struct device {
    millis last = 0;
    millis arrived = 0; ///< server time of its newest sample
    std::optional<double> interval_ms; ///< moving average of the gaps between samples
    bool offline = false;
    millis offline_since = 0;
  };
  millis timeout(const device& d) const;
  anomaly_settings settings_;
  std::map<std::string, device, std::less<>> devices_;
  std::optional<millis> newest_;
};

/// Which findings to keep: at most one per kind and subject per repeat period.
class insight_dedup {
public:
  explicit insight_dedup(anomaly_settings s = {}) : settings_(std::move(s)) {}
  /// True (and remembered) when `i` is new enough to notify.
  bool admit(const insight& i);
  /// A finding notified before (read back from storage after a restart).
  void remember(const std::string& kind, const std::string& subject, millis ts);

private:
  millis repeat_of(const std::string& kind) const;
  anomaly_settings settings_;
  std::map<std::pair<std::string, std::string>, millis> last_;
};

/// What a home's aggregator holds to find anomalies: its devices' learned
/// profiles (relearned as days close), their reporting and the dedup.
class home_insights {
public:
  explicit home_insights(anomaly_settings s = {})
      : settings_(s), offline_(s), dedup_(s) {}

  /// New patterns, learned from the last weeks of quarters when a day closed
  /// (`ts`: its end); returns the standby findings that pass the dedup.
  std::vector<insight> relearn(const std::vector<series_input>& devices, const local_zone& zone,
                               millis ts);
  bool learned() const { return learned_; }

  /// Closed windows (any series, any resolution): the devices' closed hours
  /// checked against their profiles.
  std::vector<insight> on_closed(const std::vector<usage_window>& closed, const local_zone& zone);

  /// A device's sample arrived at server time `now` (back-online findings).
  std::vector<insight> on_sample(const std::string& device, millis ts, millis now);
  /// Offline findings (see offline_tracker::check).
  std::vector<insight> check_offline(millis reference, millis now, millis server_grace);

  insight_dedup& dedup() { return dedup_; }
  offline_tracker& reporting() { return offline_; }

private:
  struct learned_device {
    device_kind kind = device_kind::unknown;
    week_profile profile{};
  };
  anomaly_settings settings_;
  offline_tracker offline_;
  insight_dedup dedup_;
  std::map<std::string, learned_device, std::less<>> devices_;
  bool learned_ = false;
};

} // namespace hems::streams
