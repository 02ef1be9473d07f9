#pragma once
// The base-load forecast: what no automation controls (see in_base_load in
// patterns.hpp), for the next 48 hours at 15 minutes, the `base_load_kw` of a
// plan problem. Plain C++ over a home's stored 15-minute windows.
//
// The model, per quarter t ahead (local time: residents live by the clock):
//  - a weekly profile: the same local weekday and quarter over the last weeks,
//    and the same kind of day (weekday or weekend) over the last days, each
//    smoothed over the neighbouring quarters and weighted to the recent days
//    (a home that has not seen that kind of day yet: any recent day);
//  - plus the recent level: how far the last hours ran above or below that
//    profile, fading with the distance ahead.
// Two naive peers (same time yesterday, same time last week) are here too, so
// the benchmark and the tests measure the model against them.

#include <span>
#include <vector>

#include "streams/local_time.hpp"
#include "streams/window_stats.hpp"

namespace hems::streams {

struct forecast_settings {
  int horizon = 192;          ///< quarters ahead (48 h)
  int history_days = 28;      ///< days of history used
  double same_weekday_weight = 0.35; ///< against the same kind of day
  double day_half_life = 10;  ///< days: weight of a day 10 days back is half of yesterday's
  int smooth_quarters = 2;    ///< neighbours each side averaged in (triangular weights)
  double level_window_h = 3;  ///< hours of recent level measured against the profile
  double level_fade_h = 2;    ///< the level's weight falls by e every this many hours ahead
};

/// One forecast: kW per quarter from `start`.
struct load_forecast {
  millis start = 0;
  std::vector<double> kw;
};

/// The base-load forecast from `start` (on the quarter grid) given a series'
/// 15-minute windows before it (any order; gaps allowed; later ones ignored).
/// Never negative; with no usable history, zeros.
load_forecast forecast_base_load(std::span<const usage_window> history, millis start,
                                 const local_zone& zone, const forecast_settings& s = {});

/// The naive peers: the value at t minus `period` (one day or one week),
/// stepped back by further periods until it lies before `start`; NaN where
/// that quarter is missing.
load_forecast naive_forecast(std::span<const usage_window> history, millis start, int horizon,
                             millis period);

/// Forecast errors accumulated over many forecasts, in kW.
struct forecast_error {
  double abs_sum = 0;
  double sq_sum = 0;
  std::size_t n = 0;
  void add(double forecast_kw, double actual_kw);
  double mae() const { return n ? abs_sum / n : 0; }
  double rmse() const;
};

} // namespace hems::streams
