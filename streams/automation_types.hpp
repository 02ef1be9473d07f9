#pragma once
// The values automation passes between its parts: what schedules ask the
// optimizer to place, where it must not place it, what it decided, and the
// safety settings every command source obeys (docs/AUTOMATION.md). Plain
// structs so schedules, the optimizer and the scheduler can be built and
// tested apart.

#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace hems::streams {

/// A deferrable cycle the optimizer must place (from a `run` schedule).
struct run_request {
  std::string schedule_id;
  std::string device;
  millis earliest_ms = 0; ///< may start at or after this
  millis deadline_ms = 0; ///< must have finished by this
  millis duration_ms = 0;
  double power_w = 0; ///< average draw while running

  friend bool operator==(const run_request&, const run_request&) = default;
};

/// An interval in which no deferrable load may start (peak_avoid, a window's outside).
struct blocked_interval {
  millis from_ms = 0;
  millis to_ms = 0;
  std::string device; ///< empty: every deferrable load of the home
  std::string reason; ///< e.g. "peak_avoid 17:00-21:00"

  friend bool operator==(const blocked_interval&, const blocked_interval&) = default;
};

/// Everything schedules contribute to a home's next plan.
struct automation_inputs {
  std::vector<run_request> runs;
  std::vector<blocked_interval> blocked;

  friend bool operator==(const automation_inputs&, const automation_inputs&) = default;
};

/// What the optimizer decided for one load: the scheduler fires it.
struct planned_start {
  std::string schedule_id;
  std::string device;
  millis start_ms = 0;
  millis end_ms = 0;
  std::string explanation; ///< in words a resident can read

  friend bool operator==(const planned_start&, const planned_start&) = default;
};

/// The safety rules' settings for one home (from its preferences).
struct safety_settings {
  std::set<std::string, std::less<>> essential_devices; ///< never switched off
  std::set<std::string, std::less<>> protected_devices; ///< never touched by automation
  millis min_on_ms = 5 * 60'000;
  millis min_off_ms = 5 * 60'000;
  millis manual_override_ms = 120 * 60'000; ///< automation leaves a device alone after a manual change

  friend bool operator==(const safety_settings&, const safety_settings&) = default;
};

} // namespace hems::streams
