#pragma once
// Demand response over REST (OpenADR 2.0b event semantics, streams/dr_event):
//   POST /dr/events                 an operator's event for a group or homes
//   GET  /dr/events                 events whose homes the caller covers
//   GET  /dr/events/{id}            one event, its state and its report
//                                   (per home and in total: baseline, target, shed)
//   POST /dr/events/{id}/cancel     an operator cancels it
//   POST /dr/events/{id}/opt_out    a resident opts a home out of it (?home=H)
//   GET/PUT /homes/{home}/dr_opt_out  the home's standing opt-out
// Events are stored (collection dr_events); every change is handed to the
// coordinator actor (actors/dr_coordinator), which publishes states, notifies
// residents and tells each home's optimizer.

#include <functional>
#include <memory>
#include <vector>

#include "api/http.hpp"
#include "storage/history_store.hpp"
#include "storage/store.hpp"
#include "streams/dr_baseline.hpp"
#include "streams/dr_event.hpp"

namespace hems::api {

struct dr_services {
  storage::store& db;
  const clock& time;
  /// An event was created or changed (the coordinator actor listens).
  std::function<void(const streams::dr_event&)> changed;
};

std::vector<route> dr_routes(std::shared_ptr<dr_services> services);

/// An event as REST serves it and the feed publishes it, with its state at `now`.
std::string dr_event_json(const streams::dr_event& e, millis now);

result<std::optional<streams::dr_event>> read_dr_event(storage::store& db, std::string_view id);
result<std::vector<streams::dr_event>> read_dr_events(storage::store& db);
result<void> write_dr_event(storage::store& db, const streams::dr_event& e);

/// Homes with a standing opt-out among `homes`.
std::vector<std::string> standing_opt_outs(storage::store& db, const std::vector<std::string>& homes);

/// The `dr_event` notifications for the residents of `homes` ("announced"
/// or "cancelled"); the same event notified again lands on the same keys.
std::vector<storage::notification_record> dr_notifications(const std::vector<std::string>& homes,
                                                           const streams::dr_event& e,
                                                           std::string_view what);

/// The homes of an event, for the authorization layer.
owner_lookup dr_event_owner(storage::store& db);

/// One home's report line: its baseline and shed over the event so far.
struct dr_home_report {
  std::string home;
  bool participating = true;
  std::optional<streams::baseline_result> baseline;
  double baseline_avg_kw = 0;
  double target_kw = 0;
  streams::shed_report shed;
};

/// The report of an event from the homes' stored 15-minute windows (CAISO
/// 10-in-10 baselines over UTC days; docs/FLEET.md).
result<std::vector<dr_home_report>> dr_report(storage::store& db, const streams::dr_event& e,
                                              const std::vector<streams::dr_event>& all_events,
                                              millis now);

} // namespace hems::api
