#include "sim/neighbourhood.hpp"

#include <algorithm>
#include <string>

#include "sim/random.hpp"

namespace hems::sim {

neighbourhood::neighbourhood(const neighbourhood_config& config) {
  weather outdoors{derive_seed(config.seed, "weather"), config.conditions};
  homes_.reserve(static_cast<std::size_t>(std::max(0, config.homes)));
  for (int i = 1; i <= config.homes; ++i) {
    home_config h;
    h.id = home_id(i);
    h.seed = derive_seed(config.seed, static_cast<std::uint64_t>(i));
    h.devices = config.devices_per_home;
    h.zone = config.zone;
    h.meter = config.meters;
    h.rate_hz = config.rate_hz;
    homes_.emplace_back(std::move(h), outdoors);
  }
}

simulated_home* neighbourhood::find(std::string_view home_id) {
  for (auto& h : homes_)
    if (h.id() == home_id)
      return &h;
  return nullptr;
}

std::size_t neighbourhood::device_count() const {
  std::size_t n = 0;
  for (const auto& h : homes_)
    n += h.devices().size();
  return n;
}

command_outcome neighbourhood::apply(std::string_view home_id, const command& c, millis now) {
  simulated_home* h = find(home_id);
  if (!h)
    return command_outcome::failed("no home '" + std::string{home_id} + "'");
  return h->apply(c, now);
}

} // namespace hems::sim
