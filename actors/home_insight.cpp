#include "actors/home_insight.hpp"

#include <algorithm>

#include "actors/base_load.hpp"
#include "streams/patterns.hpp"

namespace hems::actors {

namespace {

/// Patterns look at the last four weeks (as GET /patterns); the forecast at
/// one day more (its profile looks 28 days back from yesterday's quarters).
constexpr millis pattern_period = 28 * streams::day_ms;
constexpr millis forecast_history = 29 * streams::day_ms;

void store(const history_context& ctx, const std::string& home,
           std::vector<streams::insight> found) {
  if (found.empty())
    return;
  std::vector<storage::notification_record> records;
  records.reserve(found.size());
  for (const auto& i : found)
    records.push_back({home, i.ts, i.kind, i.subject, streams::insight_json(home, i)});
  // The windows are the truth; a notification that cannot be written is
  // dropped (it is not worth restarting the aggregator for).
  if (!ctx.db->history()->put_notifications(records))
    return;
  ctx.metrics->notifications.inc(records.size());
  for (const auto& r : records) {
    ctx.metrics->insight(r.kind).inc();
    if (ctx.on_notification)
      ctx.on_notification(home, r);
  }
}

std::vector<std::string> base_series(const streams::home_windows& windows) {
  std::vector<std::string> out;
  for (const auto& [id, kind] : windows.devices())
    if (streams::in_base_load(kind))
      out.push_back(id);
  out.emplace_back(streams::untracked_series);
  return out;
}

// Reads the devices' quarters before `to`, relearns their profiles and
// reloads the home's base-load quarters; returns the standby findings.
std::vector<streams::insight> relearn(const history_context& ctx, const std::string& home,
                                      insight_state& st, const streams::home_windows& windows,
                                      millis to) {
  auto& db = *ctx.db->history();
  const auto& zone = windows.calendar().zone();
  auto read = [&](const std::string& series) {
    std::vector<streams::usage_window> out;
    auto rows =
        db.read_windows({home, series, streams::resolution::m15, to - forecast_history, to});
    if (!rows)
      return out;
    out.reserve(rows->size());
    for (auto& r : *rows)
      out.push_back({series, streams::resolution::m15, r.start, r.end, r.stats});
    return out;
  };
  std::vector<streams::series_input> devices;
  std::vector<streams::usage_window> base;
  for (const auto& [id, kind] : windows.devices()) {
    auto quarters = read(id);
    if (streams::in_base_load(kind))
      base.insert(base.end(), quarters.begin(), quarters.end());
    std::erase_if(quarters,
                  [&](const streams::usage_window& q) { return q.start < to - pattern_period; });
    devices.push_back({id, kind, std::move(quarters)});
  }
  auto untracked = read(std::string{streams::untracked_series});
  base.insert(base.end(), untracked.begin(), untracked.end());
  if (ctx.base_load)
    ctx.base_load->reset(home, zone,
                         streams::sum_quarters(std::span{&base, 1}, "base"));
  return st.insights.relearn(devices, zone, to);
}

/// The last sample an offline notification names (its time, if absent).
millis last_sample_of(const storage::notification_record& n) {
  constexpr std::string_view key = R"("last_sample_ms":)";
  auto at = n.json.find(key);
  if (at == std::string::npos)
    return n.ts;
  try {
    return std::stoll(n.json.substr(at + key.size(), 20));
  } catch (const std::exception&) {
    return n.ts;
  }
}

} // namespace

insight_state start_insights(const history_context& ctx, const std::string& home,
                             const known_devices& devices, millis now) {
  insight_state st{streams::home_insights{ctx.settings.anomalies}, now};
  for (const auto& d : devices)
    if (d.newest_ts > 0)
      st.insights.reporting().seen(d.id, d.newest_ts, now);
  auto notified = ctx.db->history()->read_notifications(
      home, now - 8 * streams::day_ms, std::numeric_limits<millis>::max() / 2, 1000);
  if (!notified)
    return st;
  for (const auto& n : *notified) {
    st.insights.dedup().remember(n.kind, n.subject, n.ts);
    // The newest word on a device's reporting: still offline?
    if (n.kind == "offline" && n.json.find(R"("online":false)") != std::string::npos)
      st.insights.reporting().mark_offline(n.subject, last_sample_of(n));
  }
  return st;
}

void insight_readings(const history_context& ctx, const std::string& home, insight_state& st,
                      const window_batch& batch, millis now) {
  st.last_arrival = now;
  std::vector<streams::insight> found;
  for (const auto& part : batch)
    for (const auto& r : part.readings)
      for (auto& i : st.insights.on_sample(part.device, r.ts, now))
        found.push_back(std::move(i));
  store(ctx, home, std::move(found));
}

void insight_step(const history_context& ctx, const std::string& home, insight_state& st,
                  const streams::home_windows& windows,
                  const std::vector<streams::usage_window>& closed, millis now,
                  millis offline_after) {
  std::vector<streams::insight> found;
  auto add = [&](std::vector<streams::insight> more) {
    for (auto& i : more)
      found.push_back(std::move(i));
  };
  // As a server running live would have: each closed hour is checked against
  // the patterns learned before its day, and each day's close relearns them
  // (a backfill of weeks closes many days at once). An hour is never part of
  // its own yardstick.
  const auto& zone = windows.calendar().zone();
  std::vector<streams::usage_window> hours;
  for (const auto& w : closed) {
    if (w.res == streams::resolution::h1) {
      if (!st.insights.learned())
        add(relearn(ctx, home, st, windows, streams::floor_to(w.start, streams::quarter_ms)));
      hours.push_back(w);
    } else if (w.res == streams::resolution::d1 && w.series == streams::home_series) {
      add(st.insights.on_closed(hours, zone));
      hours.clear();
      add(relearn(ctx, home, st, windows, streams::floor_to(w.end, streams::quarter_ms)));
    }
  }
  add(st.insights.on_closed(hours, zone));
  if (ctx.base_load)
    ctx.base_load->append(home, base_load_quarters(closed, base_series(windows)));
  if (auto newest = st.insights.reporting().newest()) {
    // A silent home's event time moves on with the server's clock.
    millis reference = *newest + std::max<millis>(0, now - st.last_arrival);
    add(st.insights.check_offline(reference, now, offline_after));
  }
  store(ctx, home, std::move(found));
}

} // namespace hems::actors
