#pragma once
// Peak warnings (docs/AUTOMATION.md, kind `peak_warning`): a home whose live
// power stays high during its peak hours (preferences `peak_hours`) hears it
// once per peak period. High means above the home's import cap
// (`import_cap_w`), or above a threshold when it has none; it must last
// `sustain_ms` (a kettle's minute is not worth a warning). The home's power
// is what GET /devices says it is: its meters' sum when a meter reports,
// else the sum of its devices, each counted while it reports. Plain C++,
// time passed in; the home's scheduler feeds it the durable samples.

#include <map>
#include <optional>
#include <string>

#include "core/sample.hpp"
#include "streams/local_time.hpp"
#include "streams/preferences.hpp"
#include "streams/schedule_runner.hpp"

namespace hems::streams {

struct peak_warning_settings {
  double threshold_w = 4000;             ///< "high" for a home without an import cap
  millis sustain_ms = 60'000;            ///< how long it must stay high
  millis stale_after_ms = 5 * minute_ms; ///< a device not heard for this long counts 0
};

class peak_watch {
public:
  explicit peak_watch(std::string home, peak_warning_settings settings = {});

  /// A durable sample of one of the home's devices.
  void observe(const sample& s);
  /// The home's power at `now` (see above).
  double power_w(millis now) const;
  /// Looks at the power at `now`: the warning when one is due (high for
  /// sustain_ms inside a peak period not yet warned about, and the residents
  /// want peak warnings).
  std::optional<automation_notice> check(millis now, const home_preferences& prefs,
                                         const local_zone& zone);

private:
  struct reading {
    device_kind kind = device_kind::unknown;
    double power_w = 0;
    millis ts_ms = 0;
  };
  /// The start (UTC) of the peak period containing `now`, and its text.
  struct period_hit {
    millis start_ms = 0;
    std::string text; ///< "17:00-21:00"
  };
  static std::optional<period_hit> peak_at(millis now, const home_preferences& prefs,
                                           const local_zone& zone);

  std::string home_;
  peak_warning_settings settings_;
  std::map<std::string, reading, std::less<>> devices_;
  std::optional<millis> high_since_ms_;
  std::optional<millis> last_check_ms_;
  std::optional<millis> warned_period_ms_; ///< the start of the last period warned about
};

} // namespace hems::streams
