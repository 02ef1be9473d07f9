#include "sim/device_mix.hpp"

#include <cmath>
#include <functional>
#include <string>

#include "sim/activity_load.hpp"
#include "sim/appliance_cycle.hpp"
#include "sim/ev_charger.hpp"
#include "sim/fridge.hpp"
#include "sim/presence_sensor.hpp"
#include "sim/pv_array.hpp"
#include "sim/random.hpp"
#include "sim/steady_load.hpp"
#include "sim/water_heater.hpp"

namespace hems::sim {

home_features home_features::draw(std::uint64_t home_seed) {
  rng r{derive_seed(home_seed, "features")};
  home_features f;
  double h = r.uniform();
  if (h < 0.45)
    f.heating = heating_type::heat_pump;
  else if (h < 0.65)
    f.heating = heating_type::electric;
  f.ev = r.chance(0.45);
  f.ev_charger_w = r.chance(0.65) ? 7400 : 3700;
  f.pv = r.chance(0.35);
  f.pv_peak_w = std::round(r.uniform(3000, 9000) / 100.0) * 100.0;
  return f;
}

namespace {

using device_ptr = std::unique_ptr<device_model>;
using maker = std::function<device_ptr(std::uint64_t seed)>;

struct entry {
  std::string id;
  maker make;
};

entry light(std::string room) {
  std::string id = "light-" + room;
  return {id, [id, room](std::uint64_t s) {
            return std::make_unique<activity_load>(id, s, light_profile(room));
          }};
}

template <class Model, class... Args> entry model(std::string id, Args... args) {
  return {id, [id, args...](std::uint64_t s) { return std::make_unique<Model>(id, s, args...); }};
}

std::vector<entry> named_mix(const home_features& f, std::uint64_t home_seed) {
  std::vector<entry> mix;
  mix.push_back(
      {"presence", [](std::uint64_t) { return std::make_unique<presence_sensor>("presence"); }});
  mix.push_back(model<fridge_model>("fridge", fridge_profile::fridge()));
  mix.push_back(light("living"));
  mix.push_back(model<steady_load>("router", 6.0, 14.0, device_state::on));
  mix.push_back(model<appliance_cycle>("dishwasher", appliance_profile::dishwasher()));
  mix.push_back(model<appliance_cycle>("washing-machine", appliance_profile::washing_machine()));
  if (f.heating) {
    rng r{derive_seed(home_seed, "heating")};
    auto profile = heating_profile::typical(*f.heating, r);
    bool pump = *f.heating == heating_type::heat_pump;
    mix.push_back(model<space_heating>(pump ? "heat-pump" : "electric-heating", profile));
  } else {
    mix.push_back(model<water_heater>("water-heater"));
  }
  if (f.ev) {
    rng r{derive_seed(home_seed, "ev")};
    ev_profile ev;
    ev.charger_w = f.ev_charger_w;
    ev.capacity_kwh = std::round(r.uniform(40, 80));
    ev.commute_km = r.uniform(15, 70);
    mix.push_back(model<ev_charger>("ev-charger", ev));
  }
  mix.push_back(model<activity_load>("cooker", cooker_profile()));
  mix.push_back(model<activity_load>("tv", tv_profile()));
  mix.push_back(light("kitchen"));
  if (f.heating == heating_type::electric)
    mix.push_back(model<water_heater>("water-heater"));
  if (f.pv) {
    double peak = f.pv_peak_w;
    mix.push_back({"pv", [peak](std::uint64_t) { return std::make_unique<pv_array>("pv", peak); }});
  }
  mix.push_back(model<appliance_cycle>("dryer", appliance_profile::dryer()));
  mix.push_back(light("bedroom"));
  mix.push_back(model<activity_load>("plug-office", office_profile()));
  mix.push_back(model<fridge_model>("freezer", fridge_profile::freezer()));
  mix.push_back(light("hall"));
  mix.push_back(light("bathroom"));
  mix.push_back(light("dining"));
  mix.push_back(light("garden"));
  return mix;
}

} // namespace

std::vector<device_ptr> make_device_mix(const home_features& features, int count,
                                        std::uint64_t home_seed) {
  std::vector<device_ptr> devices;
  if (count <= 0)
    return devices;
  devices.reserve(static_cast<std::size_t>(count));
  auto mix = named_mix(features, home_seed);
  for (auto& e : mix) {
    if (static_cast<int>(devices.size()) == count)
      return devices;
    devices.push_back(e.make(derive_seed(home_seed, e.id)));
  }
  // Beyond the named ones: more lights and plugs, numbered by position.
  for (int n = static_cast<int>(devices.size()) + 1; static_cast<int>(devices.size()) < count;
       ++n) {
    bool is_light = n % 2 == 0;
    std::string id = (is_light ? "light-" : "plug-") + std::to_string(n);
    auto seed = derive_seed(home_seed, id);
    if (is_light)
      devices.push_back(std::make_unique<activity_load>(id, seed, light_profile("other")));
    else
      devices.push_back(std::make_unique<activity_load>(id, seed, generic_plug_profile()));
  }
  return devices;
}

} // namespace hems::sim
