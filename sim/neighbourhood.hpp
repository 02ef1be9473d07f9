#pragma once
// A neighbourhood: N simulated homes under one sky (one weather, one time
// zone), each drawn from the neighbourhood's seed and its number, so home 7
// is the same home whatever N is.

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/simulated_home.hpp"

namespace hems::sim {

struct neighbourhood_config {
  int homes = 20;
  int devices_per_home = 10;
  std::uint64_t seed = 1;
  local_zone zone;
  bool meters = false;
  double rate_hz = 1.0;
  climate conditions;
};

class neighbourhood {
public:
  explicit neighbourhood(const neighbourhood_config& config);

  std::vector<simulated_home>& homes() { return homes_; }
  const std::vector<simulated_home>& homes() const { return homes_; }
  simulated_home* find(std::string_view home_id);
  std::size_t device_count() const;
  /// Routes a command to the home's device.
  command_outcome apply(std::string_view home_id, const command& c, millis now);

private:
  std::vector<simulated_home> homes_;
};

} // namespace hems::sim
