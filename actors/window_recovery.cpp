#include "actors/window_recovery.hpp"

#include <algorithm>

namespace hems::actors {

namespace {

constexpr millis hour_ms = 3'600'000;
constexpr millis day_ms = 24 * hour_ms;

result<std::vector<streams::window_reading>> read_readings(storage::sample_view& db,
                                                           const std::string& home,
                                                           const std::string& device, millis from,
                                                           millis to) {
  std::vector<streams::window_reading> out;
  storage::sample_query q{
      .home = home, .device = device, .from = from, .to = to, .after = {}, .limit = 10'000};
  for (;;) {
    auto page = db.read_samples(q);
    if (!page)
      return std::unexpected(page.error());
    for (const auto& s : page->samples)
      out.push_back(streams::window_reading::of(s));
    if (!page->more)
      return out;
    const auto& last = page->samples.back();
    q.after = {{last.ts_ms, last.seq.value_or(0)}};
  }
}

} // namespace

streams::window_calendar home_calendar(storage::history_store& db, const std::string& home,
                                       const std::string& fallback) {
  std::string name = fallback;
  if (auto own = db.get_home_value(home, "time_zone"); own && *own)
    name = **own;
  auto zone = streams::local_zone::from_name(name);
  return zone ? streams::window_calendar{*zone} : streams::window_calendar{};
}

result<recovered_windows> recover_windows(const history_context& ctx, const std::string& home,
                                          const known_devices& devices,
                                          streams::window_calendar calendar, millis now) {
  auto& raw = *ctx.db;
  auto& db = *raw.history();
  // Every device is replayed as of one moment. Read one by one, a device read
  // later would include samples committed meanwhile, whose event time can be
  // hours ahead (a hub catching up): the samples of the devices read earlier
  // that arrive next would then be late. Samples committed after this moment
  // reach the aggregator's mailbox, spawned before it.
  auto committed = raw.samples_now();
  auto stored = db.read_checkpoint(home);
  if (!stored)
    return std::unexpected(stored.error());
  storage::windows_checkpoint checkpoint = stored->value_or(storage::windows_checkpoint{});

  std::optional<streams::windows_resume> resume;
  millis replay_from = 0;
  if (*stored) {
    resume.emplace();
    resume->closed_until = checkpoint.closed_until;
    std::vector<std::string> series;
    for (const auto& d : devices) {
      streams::windows_resume::device r{d.id, d.kind, {}};
      auto anchor = db.latest_sample_before(home, d.id, checkpoint.closed_until);
      if (!anchor)
        return std::unexpected(anchor.error());
      if (*anchor)
        r.readings.push_back(streams::window_reading::of(**anchor));
      resume->devices.push_back(std::move(r));
      series.push_back(d.id);
    }
    for (auto s : {streams::home_series, streams::tracked_series, streams::untracked_series})
      series.emplace_back(s);
    std::optional<error> failed;
    resume->partials = streams::resume_partials(
        calendar, checkpoint.closed_until, series,
        [&](const std::string& id, streams::resolution r, millis from, millis to) {
          std::vector<streams::usage_window> out;
          auto rows = db.read_windows({home, id, r, from, to});
          if (!rows) {
            failed = rows.error();
            return out;
          }
          for (const auto& row : *rows)
            out.push_back({id, r, row.start, row.end, row.stats});
          return out;
        });
    if (failed)
      return std::unexpected(*failed);
    replay_from = checkpoint.closed_until;
  } else {
    // Never windowed: from the oldest stored sample on.
    std::optional<millis> oldest;
    for (const auto& d : devices) {
      auto first = committed->read_samples({.home = home,
                                            .device = d.id,
                                            .from = 0,
                                            .to = std::numeric_limits<millis>::max() / 2,
                                            .after = {},
                                            .limit = 1});
      if (!first)
        return std::unexpected(first.error());
      if (!first->samples.empty())
        oldest = std::min(oldest.value_or(first->samples[0].ts_ms), first->samples[0].ts_ms);
    }
    replay_from = oldest.value_or(now);
  }

  recovered_windows out{
      streams::home_windows{calendar, ctx.settings.windows, std::move(resume), now}, checkpoint};
  // Up to the newest sample there can be (a restarted aggregator's home may
  // not know the very newest yet).
  millis newest = now + ctx.settings.windows.max_future_ms;
  for (const auto& d : devices)
    newest = std::max(newest, d.newest_ts);
  // A day at a time, so memory holds a day of readings at most.
  for (millis from = replay_from; from <= newest; from += day_ms) {
    for (const auto& d : devices) {
      auto readings =
          read_readings(*committed, home, d.id, from, std::min(from + day_ms, newest + 1));
      if (!readings)
        return std::unexpected(readings.error());
      out.replayed += readings->size();
      out.windows.add({d.id, d.kind, std::move(*readings)}, now);
    }
    auto closed = out.windows.close_due(now);
    if (out.windows.closed_until() && *out.windows.closed_until() != out.checkpoint.closed_until) {
      out.checkpoint.closed_until = *out.windows.closed_until();
      if (auto ok = db.commit_windows(home, closed, out.checkpoint); !ok)
        return std::unexpected(ok.error());
      out.closed += closed.size();
    }
  }
  return out;
}

result<std::size_t> chunk_closed_hours(storage::history_store& db, const std::string& home,
                                       const std::vector<std::string>& devices,
                                       storage::windows_checkpoint& checkpoint) {
  millis until = checkpoint.closed_until - checkpoint.closed_until % hour_ms;
  if (until <= checkpoint.chunked_until)
    return 0;
  std::size_t moved = 0;
  for (const auto& d : devices) {
    for (;;) {
      auto n = db.chunk_samples(home, d, until);
      if (!n)
        return std::unexpected(n.error());
      moved += *n;
      if (*n == 0)
        break;
    }
  }
  checkpoint.chunked_until = until;
  return moved;
}

} // namespace hems::actors
