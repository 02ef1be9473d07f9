#pragma once
// Every typed actor interface of hems and every message they exchange.
// Data flows one way for ingest (directory -> home -> device) and status
// flows back up (device -> home); the REST layer only asks questions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "core/sample.hpp"
#include "streams/dr_event.hpp"
#include "streams/automation_types.hpp"
#include "streams/home_plan_builder.hpp"
#include "streams/home_windows.hpp"
#include "streams/live_device.hpp"

namespace hems::actors {

// -- atoms --------------------------------------------------------------------

using ingest_atom = caf::atom_constant<caf::atom("ingest")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using home_atom = caf::atom_constant<caf::atom("home")>;
using device_atom = caf::atom_constant<caf::atom("device")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using zone_atom = caf::atom_constant<caf::atom("zone")>;
using aggregator_atom = caf::atom_constant<caf::atom("aggregator")>;
using dr_atom = caf::atom_constant<caf::atom("dr")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;
using plan_atom = caf::atom_constant<caf::atom("plan")>;
using fire_atom = caf::atom_constant<caf::atom("fire")>;
using inputs_atom = caf::atom_constant<caf::atom("inputs")>;
using forecast_atom = caf::atom_constant<caf::atom("forecast")>;
using replan_atom = caf::atom_constant<caf::atom("replan")>;
using planned_atom = caf::atom_constant<caf::atom("planned")>;

// -- message types ------------------------------------------------------------

/// A device's live state, as its actor reports it to its home.
struct device_status {
  std::string device;
  device_kind kind = device_kind::unknown;
  streams::live_device_memo memo; ///< newest sample and today's energy so far
  millis last_seen_ms = 0;        ///< server time of the newest sample
  bool quarantined = false;       ///< failed too often; samples are stored, not processed
  std::uint32_t restarts = 0;     ///< restarts within the current intensity window
};

/// A home's live view: every device and the home's total, at one instant.
struct home_view {
  std::string home;
  bool found = false;            ///< false: no device of this home was ever seen
  millis as_of_ms = 0;           ///< server time the view was taken
  double total_power_w = 0;      ///< whole-home meter if one is online, else sum of devices
  double tracked_power_w = 0;    ///< sum of online non-meter devices
  std::optional<double> untracked_power_w; ///< meter minus tracked, when a meter is online
  struct device {
    device_status status;
    bool online = false;
    double power_w = 0;          ///< newest power if online, else 0
    double energy_today_wh = 0;
  };
  std::vector<device> devices;
};

using sample_list = std::vector<sample>;
using home_list = std::vector<std::string>;

/// A home's new readings for its windows, one entry per device run.
using window_batch = std::vector<streams::device_readings>;

/// Where a home's windows stand.
struct aggregator_status {
  std::string home;
  std::optional<millis> closed_until; ///< windows ending by then are written
  std::optional<millis> event_time;   ///< the home's newest sample time
  std::size_t held_readings = 0;      ///< readings kept in memory for open windows
  std::string time_zone;
};

/// A device the aggregator learns about at start-up.
struct known_device {
  std::string id;
  device_kind kind = device_kind::unknown;
  millis newest_ts = 0; ///< its newest stored sample: how far a replay must read
};
using known_devices = std::vector<known_device>;

// -- interfaces -----------------------------------------------------------------

/// One physical device.
using device_actor = caf::typed_actor<
  /// New samples of this device, oldest first, already durable.
  caf::reacts_to<ingest_atom, sample_list>,
  /// Asks for the device's status.
  caf::replies_to<get_atom>::with<device_status>>;

/// One home's usage windows: computes them from the home's samples, writes
/// them as they close, moves closed hours of raw samples into chunks.
using aggregator_actor = caf::typed_actor<
  /// New readings of the home's devices, already durable.
  caf::reacts_to<ingest_atom, window_batch>,
  /// Server time moved on: closes the windows of a silent home.
  caf::reacts_to<tick_atom>,
  /// The home's time zone changed: days from the next one follow it.
  caf::reacts_to<zone_atom, std::string>,
  /// Asks where the windows stand.
  caf::replies_to<get_atom>::with<aggregator_status>>;

/// One home: supervises its devices and keeps the home's live total.
using home_actor = caf::typed_actor<
  /// New samples of this home's devices, already durable.
  caf::reacts_to<ingest_atom, sample_list>,
  /// A device actor reports its status after each batch.
  caf::reacts_to<status_atom, device_status>,
  /// Lifts a device's quarantine and restarts its actor.
  caf::replies_to<release_atom, std::string>::with<bool>,
  /// Looks up a device's actor (invalid when unknown or quarantined).
  caf::replies_to<device_atom, std::string>::with<device_actor>,
  /// Asks for the home's live view.
  caf::replies_to<get_atom>::with<home_view>,
  /// Server time moved on: passed to the aggregator.
  caf::reacts_to<tick_atom>,
  /// The home's time zone changed: passed to the aggregator.
  caf::reacts_to<zone_atom, std::string>,
  /// Looks up the home's aggregator (invalid when the server keeps no history).
  caf::replies_to<aggregator_atom>::with<aggregator_actor>>;

/// Knows every home: routes samples and questions to home actors.
using fleet_directory_actor = caf::typed_actor<
  /// Committed samples of any homes, in commit order.
  caf::reacts_to<ingest_atom, sample_list>,
  /// Asks for one home's live view (found = false for an unknown home).
  caf::replies_to<get_atom, std::string>::with<home_view>,
  /// Looks up a home's actor (invalid when unknown).
  caf::replies_to<home_atom, std::string>::with<home_actor>,
  /// Lifts the quarantine of a home's device.
  caf::replies_to<release_atom, std::string, std::string>::with<bool>,
  /// Asks for the ids of every known home.
  caf::replies_to<list_atom>::with<home_list>,
  /// Server time moved on: passed to every home.
  caf::reacts_to<tick_atom>,
  /// A home's time zone changed (home, zone): passed to the home, if known.
  caf::reacts_to<zone_atom, std::string, std::string>,
  /// Looks up a home's aggregator (invalid when unknown).
  caf::replies_to<aggregator_atom, std::string>::with<aggregator_actor>>;

/// The demand-response coordinator (actors/dr_coordinator.hpp).
using dr_coordinator_actor = caf::typed_actor<
  /// An event was created or changed (cancelled, opted out): its stored record.
  caf::reacts_to<dr_atom, streams::dr_event>,
  /// Advances every event to its state at the clock's time and publishes changes.
  caf::reacts_to<tick_atom>,
  /// The state last published for an event ("" when unknown).
  caf::replies_to<get_atom, std::string>::with<std::string>>;
/// The optimizer's decisions for one home, replacing its earlier ones.
using planned_starts = std::vector<streams::planned_start>;

/// One home's automation: fires its schedules' commands at local time,
/// its optimizer's planned starts and away_off, through the safety gate.
using home_scheduler_actor = caf::typed_actor<
  /// The home's schedules changed: reloads them from the schedule book.
  caf::reacts_to<reload_atom>,
  /// New samples of the home's devices, already durable (states, presence).
  caf::reacts_to<ingest_atom, sample_list>,
  /// The optimizer's planned starts for the home (replacing earlier ones).
  caf::reacts_to<plan_atom, planned_starts>,
  /// A timer of the scheduler itself (generation): fires what is due.
  caf::reacts_to<fire_atom, std::uint64_t>,
  /// What the home's schedules ask of the optimizer now.
  caf::replies_to<inputs_atom>::with<streams::automation_inputs>>;
/// A home's current demand-response events.
using dr_events = std::vector<streams::dr_price_signal>;

/// Learns the plans optimizers issue (the scheduler that fires them).
using plan_listener_actor = caf::typed_actor<
  /// A home's new plan (home, starts): replaces the home's previous one.
  caf::reacts_to<planned_atom, std::string, planned_starts>>;

/// One home's optimizer loop (actors/home_optimizer.hpp).
using home_optimizer_actor = caf::typed_actor<
  /// The home's run requests and blocked intervals, replacing the previous ones.
  caf::reacts_to<inputs_atom, streams::automation_inputs>,
  /// The home's preferences, tariff or time zone changed in storage: re-read them.
  caf::reacts_to<reload_atom>,
  /// A new base-load forecast for the home.
  caf::reacts_to<forecast_atom, streams::load_forecast>,
  /// The home's demand-response events, replacing the previous ones.
  caf::reacts_to<dr_atom, dr_events>,
  /// The debounce timer: re-plans if no newer change came since (its generation).
  caf::reacts_to<replan_atom, std::uint64_t>,
  /// The interval timer: re-plans (prices and time moved on).
  caf::reacts_to<tick_atom>,
  /// Asks for the current plan (computed_ms 0: none yet).
  caf::replies_to<get_atom>::with<streams::home_plan>>;

} // namespace hems::actors

// Local messages only (no network serialization yet): allowed without inspect.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::sample)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::sample_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::device_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::home_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::window_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::aggregator_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::known_devices)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::streams::dr_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::planned_starts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::streams::automation_inputs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::streams::load_forecast)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::streams::home_plan)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hems::actors::dr_events)
