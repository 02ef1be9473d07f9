#pragma once
// A home's baseline for a demand-response event: what it would have drawn
// without the event, by CAISO's "10-in-10" customer baseline with a day-of
// (load point) adjustment, computed from the home's 15-minute windows.
//
// Method (CAISO, Baseline Type-I; docs/FLEET.md):
//  1. Eligible days: before the event day, the same kind of day (weekdays
//     for a weekday event, weekend days for a weekend one), not an event day
//     of the home, with every quarter hour of the day known. At most the 45
//     days before the event are searched.
//  2. The baseline of each quarter hour is the mean of that quarter hour on
//     the 10 most recent eligible weekdays (4 for a weekend or holiday
//     event). With fewer days than that, the ones there are (at least 1).
//  3. Day-of adjustment: the ratio of the event day's actual load to the
//     baseline's in the three hours that end one hour before the event
//     (start-4h to start-1h; the hour just before is left out, since a home
//     told of the event may already be preparing), capped to 0.8..1.2.
//     Every quarter hour of the baseline is multiplied by it. Without a
//     usable window (the event starts before 04:00, data missing, or a zero
//     baseline there), the factor is 1.
//
// Achieved shed per quarter hour = adjusted baseline - actual (negative when
// the home drew more); in energy, the sum times 0.25 h.
//
// Days are the home's local days and quarter hours its wall-clock quarter
// hours (local_days): "18:00" is the same slot on every day, daylight saving
// time or not. On the day the clocks go forward the four skipped quarter
// hours do not exist (`absent`: such a day is still complete, and each slot's
// mean is over the days that have it); on the day they go back the repeated
// hour's two quarter hours share their wall-clock slot (their average kW).

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/clock.hpp"

namespace hems::streams {

inline constexpr int dr_slots_per_day = 96;

/// One local day of a home: average kW per quarter hour (NaN where unknown).
struct baseline_day {
  std::int64_t day = 0; ///< local day number (days since 1970-01-01 local)
  bool weekend = false; ///< Saturday, Sunday or a holiday
  bool event_day = false; ///< the home was in a demand-response event
  std::vector<double> kw; ///< 96 values
  std::vector<bool> absent; ///< empty, or 96: quarter hours the day does not have (DST)
};

class local_zone;

/// One stored 15-minute window of a home.
struct quarter_energy {
  millis start = 0;
  double energy_wh = 0;
};

/// A home's 15-minute windows as its local days (by local day number), each
/// window in the slot of its local wall-clock start; `weekend` set from the
/// local weekday. Days without any window are left out.
std::map<std::int64_t, baseline_day> local_days(const std::vector<quarter_energy>& windows,
                                                const local_zone& zone);

/// The local day of `t` and its wall-clock quarter hour.
struct local_slot {
  std::int64_t day = 0;
  int slot = 0;
};
local_slot local_slot_of(millis t, const local_zone& zone);
/// The end slot (exclusive) on local day `day` of an event ending at `end`:
/// 96 when it ends on a later day.
int local_end_slot(std::int64_t day, millis end, const local_zone& zone);

struct baseline_method {
  int weekday_days = 10;
  int weekend_days = 4;
  int lookback_days = 45;
  double adjustment_cap = 0.20; ///< the factor stays within 1 +- cap
  int adjustment_from_h = 4;    ///< window from start - 4 h ...
  int adjustment_to_h = 1;      ///< ... to start - 1 h
};

struct baseline_result {
  std::vector<double> unadjusted_kw; ///< 96 values, the mean of the days used
  std::vector<double> kw;            ///< 96 values, adjusted
  double adjustment = 1;             ///< the factor applied
  double raw_adjustment = 1;         ///< before the cap
  std::vector<std::int64_t> days_used;
};

/// The baseline for an event on `event_day` (its quarter hours: event day's
/// `kw`, with NaN after now) starting at quarter hour `start_slot`. `history`
/// holds earlier days in any order. Nothing when no day is eligible.
std::optional<baseline_result> caiso_baseline(const std::vector<baseline_day>& history,
                                              const baseline_day& event_day, int start_slot,
                                              const baseline_method& method = {});

/// What the event achieved: per quarter hour of [start_slot, end_slot) the
/// baseline minus the actual (NaN actuals count as not yet known and are left
/// out of the sums).
struct shed_report {
  std::vector<double> shed_kw; ///< per quarter hour of the event
  double shed_kwh = 0;
  double baseline_kwh = 0;
  double actual_kwh = 0;
  double average_shed_kw = 0; ///< over the quarter hours known
  int slots_known = 0;
};

shed_report achieved_shed(const baseline_result& baseline, const std::vector<double>& actual_kw,
                          int start_slot, int end_slot);

/// The fleet's report: the sum of the homes' (slot by slot).
shed_report sum_reports(const std::vector<shed_report>& homes);

} // namespace hems::streams
