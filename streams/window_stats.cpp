#include "streams/window_stats.hpp"

#include <algorithm>

namespace hems::streams {

void window_stats::add(const window_stats& part) {
  energy_wh += part.energy_wh;
  if (part.max_power_w)
    max_power_w = max_power_w ? std::max(*max_power_w, *part.max_power_w) : *part.max_power_w;
  samples += part.samples;
  covered_ms += part.covered_ms;
  if (part.occupied_ms)
    occupied_ms = occupied_ms.value_or(0) + *part.occupied_ms;
}

double average_power_w(const window_stats& s, millis start, millis end) {
  if (end <= start)
    return 0;
  return s.energy_wh * 3'600'000.0 / static_cast<double>(end - start);
}

} // namespace hems::streams
