#include "actors/home_view.hpp"

#include <algorithm>

namespace hems::actors {

home_view make_home_view(const std::string& home, const std::vector<device_status>& devices,
                         const live_settings& settings) {
  home_view view;
  view.home = home;
  view.as_of_ms = settings.time->now_ms();
  std::optional<double> meter;
  view.devices.reserve(devices.size());
  for (const auto& status : devices) {
    // A device spawned for a sample it has not applied yet has nothing to show.
    if (!status.memo.last)
      continue;
    home_view::device d;
    d.status = status;
    d.online = status.memo.last && view.as_of_ms - status.last_seen_ms <= settings.offline_after_ms;
    d.power_w = d.online ? status.memo.last->power_w : 0;
    d.energy_today_wh = status.memo.last ? streams::live_device{settings.day_start, status.memo}
                                             .energy_today_wh(view.as_of_ms)
                                         : 0;
    if (status.kind == device_kind::meter) {
      if (d.online)
        meter = meter.value_or(0) + d.power_w;
    } else {
      view.tracked_power_w += d.power_w;
    }
    view.devices.push_back(std::move(d));
  }
  view.found = !view.devices.empty();
  std::sort(view.devices.begin(), view.devices.end(),
            [](const auto& a, const auto& b) { return a.status.device < b.status.device; });
  view.total_power_w = meter.value_or(view.tracked_power_w);
  if (meter)
    view.untracked_power_w = *meter - view.tracked_power_w;
  return view;
}

} // namespace hems::actors
