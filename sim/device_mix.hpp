#pragma once
// Which devices a home has, and in what order they are picked when a home
// gets K of them. The first few are what every home has (presence, fridge,
// a light, the router); then the big appliances; then what this home has of
// heating, car and roof; then more lights and plugs, numbered without end.
// Ids are readable: `fridge`, `light-kitchen`, `dishwasher`, `ev-charger`.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sim/device_model.hpp"
#include "sim/space_heating.hpp"

namespace hems::sim {

/// The equipment that varies between homes.
struct home_features {
  std::optional<heating_type> heating; ///< nullopt: gas or district heating
  bool ev = false;
  double ev_charger_w = 7400;
  bool pv = false;
  double pv_peak_w = 5000;

  /// Shares roughly like a neighbourhood of early adopters: about half with
  /// a heat pump or electric heating, 45% with an EV, a third with PV.
  static home_features draw(std::uint64_t home_seed);
};

/// The first `count` devices of the home's mix, each seeded from `home_seed`
/// and its id.
std::vector<std::unique_ptr<device_model>> make_device_mix(const home_features& features, int count,
                                                           std::uint64_t home_seed);

} // namespace hems::sim
