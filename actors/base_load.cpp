#include "actors/base_load.hpp"

#include <algorithm>

#include "streams/patterns.hpp"

namespace hems::actors {

void base_load_cache::trim(home_entry& e) const {
  if (e.quarters.empty())
    return;
  // What the forecast reads (its history days and one for the recent level).
  millis keep_from = e.quarters.rbegin()->first - (settings_.history_days + 2) * streams::day_ms;
  e.quarters.erase(e.quarters.begin(), e.quarters.lower_bound(keep_from));
}

void base_load_cache::reset(const std::string& home, const streams::local_zone& zone,
                            std::vector<streams::usage_window> quarters) {
  home_entry e;
  e.zone = zone;
  for (auto& q : quarters) {
    auto start = q.start;
    e.quarters.insert_or_assign(start, std::move(q));
  }
  trim(e);
  std::lock_guard lock{mutex_};
  homes_.insert_or_assign(home, std::move(e));
}

void base_load_cache::append(const std::string& home,
                             const std::vector<streams::usage_window>& quarters) {
  if (quarters.empty())
    return;
  std::lock_guard lock{mutex_};
  auto it = homes_.find(home);
  if (it == homes_.end())
    return; // not learned yet: the next reset reads them from storage
  for (const auto& q : quarters)
    it->second.quarters.insert_or_assign(q.start, q);
  it->second.last.reset();
  trim(it->second);
}

std::optional<streams::load_forecast> base_load_cache::base_load_forecast(const std::string& home,
                                                                          millis from_ms) const {
  millis start = streams::floor_to(from_ms, streams::quarter_ms);
  std::vector<streams::usage_window> history;
  streams::local_zone zone;
  {
    std::lock_guard lock{mutex_};
    auto it = homes_.find(home);
    if (it == homes_.end() || it->second.quarters.empty())
      return std::nullopt;
    const auto& e = it->second;
    if (e.last && e.last->start == start)
      return e.last;
    history.reserve(e.quarters.size());
    for (const auto& [t, q] : e.quarters)
      history.push_back(q);
    zone = e.zone;
  }
  auto f = streams::forecast_base_load(history, start, zone, settings_);
  std::lock_guard lock{mutex_};
  if (auto it = homes_.find(home); it != homes_.end())
    it->second.last = f;
  return f;
}

std::size_t base_load_cache::quarters(const std::string& home) const {
  std::lock_guard lock{mutex_};
  auto it = homes_.find(home);
  return it == homes_.end() ? 0 : it->second.quarters.size();
}

std::vector<streams::usage_window>
base_load_quarters(const std::vector<streams::usage_window>& closed,
                   const std::vector<std::string>& base_series) {
  std::vector<std::vector<streams::usage_window>> series(1);
  for (const auto& w : closed)
    if (w.res == streams::resolution::m15 &&
        std::find(base_series.begin(), base_series.end(), w.series) != base_series.end())
      series[0].push_back(w);
  if (series[0].empty())
    return {};
  return streams::sum_quarters(series, "base");
}

} // namespace hems::actors
