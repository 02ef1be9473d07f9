#include "streams/fleet_usage.hpp"

#include <algorithm>

namespace hems::streams {

namespace {

std::vector<fleet_window> merge_windows(const std::vector<fleet_window>& a,
                                        const std::vector<fleet_window>& b) {
  std::vector<fleet_window> out;
  out.reserve(std::max(a.size(), b.size()));
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].start < b[j].start)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].start < a[i].start) {
      out.push_back(b[j++]);
    } else {
      fleet_window w = a[i++];
      const auto& o = b[j++];
      w.end = std::max(w.end, o.end);
      w.energy_wh += o.energy_wh;
      w.max_home_power_w = std::max(w.max_home_power_w, o.max_home_power_w);
      w.homes += o.homes;
      out.push_back(w);
    }
  }
  return out;
}

std::vector<std::string> unite(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

} // namespace

void add_home_windows(fleet_usage_part& part, const std::vector<fleet_window>& home_windows) {
  if (part.windows.empty()) {
    part.windows = home_windows;
    return;
  }
  // Most homes have a window at every start: add in place when they line up.
  if (home_windows.size() == part.windows.size()) {
    bool aligned = true;
    for (std::size_t k = 0; k < home_windows.size() && aligned; ++k)
      aligned = home_windows[k].start == part.windows[k].start;
    if (aligned) {
      for (std::size_t k = 0; k < home_windows.size(); ++k) {
        auto& w = part.windows[k];
        w.energy_wh += home_windows[k].energy_wh;
        w.max_home_power_w = std::max(w.max_home_power_w, home_windows[k].max_home_power_w);
        w.homes += home_windows[k].homes;
      }
      return;
    }
  }
  part.windows = merge_windows(part.windows, home_windows);
}

void merge(fleet_usage_part& into, const fleet_usage_part& other) {
  into.windows = merge_windows(into.windows, other.windows);
  into.answered = unite(into.answered, other.answered);
  into.missing = unite(into.missing, other.missing);
  into.live_power_w += other.live_power_w;
  into.homes_online += other.homes_online;
}

} // namespace hems::streams
