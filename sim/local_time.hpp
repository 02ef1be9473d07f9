#pragma once
// The simulator's local time is the homes' local time (streams/local_time.hpp),
// shared with the usage windows and patterns so both read one calendar.

#include "streams/local_time.hpp"

namespace hems::sim {

using streams::day_ms;
using streams::floor_div;
using streams::hour_ms;
using streams::local_moment;
using streams::local_zone;
using streams::minute_ms;
using streams::next_tick;
using streams::second_ms;
using streams::weekday_of;

} // namespace hems::sim
