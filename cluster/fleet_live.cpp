#include "cluster/fleet_live.hpp"

namespace hems::cluster {

fleet_handler live_fleet_handler(actors::live_context_ptr live) {
  return [live](const fleet_query&, const home_predicate& counts) {
    fleet_part part;
    auto& t = part.totals;
    t["homes"] = 0;
    t["devices"] = 0;
    t["devices_online"] = 0;
    t["power_w"] = 0;
    if (!live || !live->board)
      return part;
    for (const auto& home : live->board->homes()) {
      if (!counts(home))
        continue;
      auto view = live->board->view(home, live->settings);
      if (!view.found)
        continue;
      t["homes"] += 1;
      t["devices"] += static_cast<double>(view.devices.size());
      for (const auto& d : view.devices)
        t["devices_online"] += d.online ? 1 : 0;
      t["power_w"] += view.total_power_w;
      merge_value(t, "max_home_power_w", view.total_power_w);
    }
    return part;
  };
}

} // namespace hems::cluster
