#pragma once
// The home plan problem of the contract (`shared/contracts/plan-problem.md`),
// as plain data, and its reader. Reading checks every rule of the contract and
// names the offending field; nothing is clamped or guessed.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace hems::streams {

enum class load_kind { shiftable, energy };

/// One flexible load. A shiftable load is one uninterruptible cycle that draws
/// profile_kw[k] in slot start+k; an energy load draws any power in
/// [0, max_kw] inside its window, energy_kwh in total.
struct plan_load {
  std::string id;
  load_kind kind = load_kind::shiftable;
  std::vector<double> profile_kw; ///< shiftable only
  double energy_kwh = 0;          ///< energy only
  double max_kw = 0;              ///< energy only
  int earliest_start = 0;
  int latest_finish = 0; ///< exclusive: the load draws nothing from this slot on

  int length() const { return static_cast<int>(profile_kw.size()); }
  /// Start slots a shiftable load may take: earliest_start .. last_start().
  int last_start() const { return latest_finish - length(); }
};

struct plan_battery {
  double capacity_kwh = 0;
  double soc_kwh = 0;
  double min_soc_kwh = 0;
  double max_charge_kw = 0;
  double max_discharge_kw = 0;
  double charge_efficiency = 1;
  double discharge_efficiency = 1;
};

struct plan_problem {
  int slot_minutes = 15;
  int horizon = 0;
  std::vector<double> import_price; ///< currency per kWh, one per slot
  std::vector<double> export_price; ///< zero when the problem has none
  std::vector<double> base_load_kw;
  std::vector<double> pv_kw; ///< zero when the problem has none
  std::optional<double> max_import_kw;
  std::vector<plan_load> loads;
  std::optional<plan_battery> battery;

  double slot_hours() const { return slot_minutes / 60.0; }
};

/// The largest horizon accepted (31 days of 15-minute slots), so that one
/// request cannot ask for unbounded work.
inline constexpr int max_horizon = 31 * 96;

/// A malformed problem: which field, and what is wrong with it.
struct invalid_field {
  std::string field; ///< e.g. "export_price", "loads[1].energy_kwh", "battery.soc_kwh"
  std::string detail;
};

/// Reads and checks a problem. Fails with the first offending field.
std::expected<plan_problem, invalid_field> read_plan_problem(std::string_view json);

/// Checks a problem built in code (the reader calls it too).
std::optional<invalid_field> check_plan_problem(const plan_problem& p);

} // namespace hems::streams
