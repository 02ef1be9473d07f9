#include "actors/fleet_directory.hpp"

#include <algorithm>

#include "actors/home_actor.hpp"

namespace hems::actors {

namespace {

using directory_ptr = fleet_directory_actor::stateful_pointer<fleet_directory_state>;

home_actor& home_for(directory_ptr self, const std::string& home,
                     std::vector<device_status> initial = {}) {
  auto& homes = self->state.homes;
  auto it = homes.find(home);
  if (it == homes.end())
    it = homes.emplace(home, self->spawn(home_behavior, home, std::move(initial),
                                         self->state.context))
           .first;
  return it->second;
}

void route_samples(directory_ptr self, sample_list& samples) {
  // Stable partition by home keeps each device's samples in commit order.
  std::stable_sort(samples.begin(), samples.end(), [](const sample& a, const sample& b) {
    return a.home != b.home ? a.home < b.home : a.device < b.device;
  });
  std::size_t begin = 0;
  while (begin < samples.size()) {
    std::size_t end = begin + 1;
    while (end < samples.size() && samples[end].home == samples[begin].home)
      ++end;
    auto& home = home_for(self, samples[begin].home);
    sample_list part(std::make_move_iterator(samples.begin() + begin),
                     std::make_move_iterator(samples.begin() + end));
    self->send(home, ingest_atom::value, std::move(part));
    begin = end;
  }
}

} // namespace

fleet_directory_actor::behavior_type
fleet_directory_behavior(directory_ptr self, std::vector<recovered_device> recovered,
                         live_context_ptr context) {
  self->state.context = std::move(context);
  std::unordered_map<std::string, std::vector<device_status>> by_home;
  for (auto& r : recovered)
    by_home[r.home].push_back(std::move(r.status));
  for (auto& [home, devices] : by_home)
    home_for(self, home, std::move(devices));
  // One timer for the fleet: homes' aggregators close idle windows on it.
  if (auto every = self->state.context->settings.tick_interval_ms; every > 0)
    self->delayed_send(self, std::chrono::milliseconds{every}, tick_atom::value);
  return {
    [=](ingest_atom, sample_list& samples) { route_samples(self, samples); },
    [=](get_atom, const std::string& home) -> caf::result<home_view> {
      auto it = self->state.homes.find(home);
      if (it == self->state.homes.end()) {
        home_view unknown;
        unknown.home = home;
        return unknown;
      }
      return self->delegate(it->second, get_atom::value);
    },
    [=](home_atom, const std::string& home) {
      auto it = self->state.homes.find(home);
      return it == self->state.homes.end() ? home_actor{} : it->second;
    },
    [=](release_atom, const std::string& home, const std::string& device) -> caf::result<bool> {
      auto it = self->state.homes.find(home);
      if (it == self->state.homes.end())
        return false;
      return self->delegate(it->second, release_atom::value, device);
    },
    [=](tick_atom) {
      for (const auto& [id, home] : self->state.homes)
        self->send(home, tick_atom::value);
      // Its own timer re-arms; a tick sent from outside (tests) does not add one.
      auto every = self->state.context->settings.tick_interval_ms;
      if (every > 0 && self->current_sender() == self->address())
        self->delayed_send(self, std::chrono::milliseconds{every}, tick_atom::value);
    },
    [=](zone_atom, const std::string& home, const std::string& zone) {
      auto it = self->state.homes.find(home);
      if (it != self->state.homes.end())
        self->send(it->second, zone_atom::value, zone);
    },
    [=](aggregator_atom, const std::string& home) -> caf::result<aggregator_actor> {
      auto it = self->state.homes.find(home);
      if (it == self->state.homes.end())
        return aggregator_actor{};
      return self->delegate(it->second, aggregator_atom::value);
    },
    [=](list_atom) {
      home_list ids;
      ids.reserve(self->state.homes.size());
      for (const auto& [id, actor] : self->state.homes)
        ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      return ids;
    },
  };
}

} // namespace hems::actors
