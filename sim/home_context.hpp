#pragma once
// What a device model may know about its surroundings: the home's local
// time, its household's schedule and the weather. One per home; devices get
// it by reference whenever they run, so they hold no pointers of their own.

#include "sim/household.hpp"
#include "sim/local_time.hpp"
#include "sim/weather.hpp"

namespace hems::sim {

class home_context {
public:
  home_context(local_zone zone, weather w, household_schedule household)
      : zone_(std::move(zone)), weather_(w), household_(std::move(household)),
        solar_offset_h_(zone_.standard_offset_hours()) {}

  const local_zone& zone() const { return zone_; }
  const household_schedule& household() const { return household_; }
  const weather& outdoors() const { return weather_; }

  local_moment local(millis utc) const { return zone_.moment(utc); }
  const day_plan& plan_at(millis utc) const { return household_.plan(local(utc).day); }
  bool occupied(millis utc) const;
  bool awake(millis utc) const;
  double outdoor_c(millis utc) const { return weather_.outdoor_c(local(utc)); }
  double sun_elevation_deg(millis utc) const;
  /// Dark enough indoors that someone awake wants a light on.
  bool dark(millis utc) const { return sun_elevation_deg(utc) < 6.0; }
  /// Clear-sky fraction of sunshine reaching the roof.
  double clearness(millis utc) const { return weather_.clearness(local(utc)); }

private:
  local_zone zone_;
  weather weather_;
  household_schedule household_;
  double solar_offset_h_; // the sun keeps standard time, not daylight saving time
};

} // namespace hems::sim
