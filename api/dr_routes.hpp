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
//
// In a cluster, the node asked stores the event and sends every change
// (creation, cancellation, opt-outs) to the owners of its homes as the fleet
// query kind "dr_event" (dr_event_handler: each owner stores its copy and
// hands it to its own coordinator, which drives only the homes it owns); the
// answer says which share did not get it. A report ("dr_report") is computed
// by each owner for its homes and merged, listing the share that is missing.

#include <functional>
#include <memory>
#include <vector>

#include "api/http.hpp"
#include "cluster/cluster_node.hpp"
#include "storage/history_store.hpp"
#include "storage/store.hpp"
#include "streams/dr_baseline.hpp"
#include "streams/dr_event.hpp"

namespace hems::api {

struct cluster_services;

struct dr_services {
  storage::store& db;
  const clock& time;
  /// An event was created or changed (the coordinator actor listens).
  std::function<void(const streams::dr_event&)> changed;
  /// The cluster the events are sent through (null: a single node).
  std::shared_ptr<cluster_services> cluster;
  /// The zone of homes without one of their own (baselines' local days).
  std::string default_time_zone;
};

inline constexpr const char* dr_event_kind = "dr_event";
inline constexpr const char* dr_report_kind = "dr_report";
/// A node's answer to "dr_event" (param event: the event's JSON): when it
/// owns some of the event's homes or has the event already, it stores the
/// event (merged with its copy: opt-outs united, a cancellation kept) and
/// hands it to `changed`. totals: homes_reached (its homes among the targets).
cluster::fleet_handler dr_event_handler(storage::store& db,
                                        std::function<void(const streams::dr_event&)> changed);
/// A node's answer to "dr_report" (params id, event): a row per home it owns
/// (participating, has_baseline, baseline_avg_kw, adjustment, shed_kwh,
/// baseline_kwh, actual_kwh, average_shed_kw, quarters_known) and totals
/// max_known_<i> for each quarter hour i of the event known for a
/// participating home.
cluster::fleet_handler dr_report_handler(storage::store& db, const clock& time,
                                         std::string default_time_zone);
/// The "dr_event" query that sends `e` to the owners of its homes.
cluster::fleet_query dr_event_query(const streams::dr_event& e);
/// What a member coming (back) up is sent: every stored event whose end is
/// still ahead (a cancelled one too).
std::vector<cluster::fleet_query> dr_events_to_resend(storage::store& db, millis now);
/// Merges what a copy of an event learnt elsewhere into `mine`: opt-outs are
/// united and the earliest cancellation kept (an event only ever grows).
streams::dr_event merged_event(streams::dr_event mine, const streams::dr_event& theirs);
/// An event from its JSON (as stored or sent); nothing when it is not one.
std::optional<streams::dr_event> parse_dr_event_json(std::string_view json);

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
  streams::shed_report shed;
};

/// The report of an event from the homes' stored 15-minute windows (CAISO
/// 10-in-10 baselines over each home's local days; docs/FLEET.md), for the
/// target homes `counts` admits (null: all). The event's target is split
/// over the participating homes of every owner when the parts are merged.
result<std::vector<dr_home_report>> dr_report(storage::store& db, const streams::dr_event& e,
                                              const std::vector<streams::dr_event>& all_events,
                                              millis now, const std::string& default_time_zone,
                                              const cluster::home_predicate& counts = {});
/// This node's part of an event's report (the dr_report kind's answer).
cluster::fleet_part dr_report_part(storage::store& db, const streams::dr_event& e, millis now,
                                   const std::string& default_time_zone,
                                   const cluster::home_predicate& counts);

} // namespace hems::api
