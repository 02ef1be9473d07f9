#pragma once
// A load that residents use in sessions: lights, the TV, a computer, the
// cooker. Every few minutes the model looks at the home: if someone is
// awake, the time of day fits one of the device's windows (and, for lights,
// it is dark), a session may start; it lasts a drawn while and ends early
// when the room is left for bed, the day or the house. Sometimes a light is
// forgotten when everybody leaves: it burns until they are back.
//
// Commands: `off` switches it off and the residents leave it off for a
// while; `on` switches it on; lights take `set` with `brightness_pct`.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/device_model.hpp"
#include "sim/random.hpp"

namespace hems::sim {

/// A time of day when a session may start.
struct activity_window {
  enum class days : std::uint8_t { all, weekdays, weekends };
  double from_h = 0, to_h = 24; ///< local hours
  days on = days::all;
  double start_chance = 0.3; ///< per look (every look_period)
  double min_minutes = 10, max_minutes = 60;
  bool once_a_day = false; ///< at most one session per day (meals)
};

struct activity_profile {
  device_kind kind = device_kind::light;
  double on_w_lo = 10, on_w_hi = 40; ///< rated power, drawn once per device
  double standby_w = 0;              ///< when not in use; 0 means really off
  double ripple = 0;                 ///< +- fraction of rated power, redrawn at each look
  bool needs_dark = false;
  double forget_chance = 0; ///< left on when everybody leaves
  bool dimmable = false;
  bool has_meter = true;
  std::vector<activity_window> windows;
};

/// The profiles the device mix uses, by name ("light-living", "tv", "cooker", ...).
activity_profile light_profile(std::string_view room);
activity_profile tv_profile();
activity_profile office_profile();
activity_profile cooker_profile();
activity_profile kettle_profile();
activity_profile generic_plug_profile();

class activity_load final : public device_model {
public:
  activity_load(std::string id, std::uint64_t seed, activity_profile profile);

  bool in_use() const { return in_use_; }

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override;
  void on_change(millis t, const home_context& ctx) override;
  double drawn_power_w() const override;
  device_state current_state() const override;
  command_outcome on_command(const command& c, millis t, const home_context& ctx) override;

private:
  static constexpr millis look_period = 5 * minute_ms;
  static constexpr millis command_hold = 30 * minute_ms; // residents respect a command this long

  void look(millis t, const home_context& ctx);
  void begin_session(millis t, millis until);
  void end_session();
  const activity_window* open_window(const local_moment& m) const;

  activity_profile profile_;
  rng rng_;
  double rated_w_;
  millis phase_;
  double level_ = 1.0;      // ripple factor of the current look
  double brightness_ = 1.0; // set by command
  bool in_use_ = false;
  bool forgotten_ = false;
  bool switched_off_ = false; // by command: not even standby power
  bool was_occupied_ = true;
  millis session_end_ = never;
  millis next_look_ = never;
  millis hold_until_ = 0;
  std::vector<std::int64_t> used_on_day_; // per window: the local day of its last session
};

} // namespace hems::sim
