#include "app/recovery.hpp"

namespace hems::app {

result<std::vector<actors::recovered_device>>
recover_devices(storage::store& db, const std::vector<storage::device_record>& records,
                millis now, const streams::day_start_fn& day_start) {
  std::vector<actors::recovered_device> out;
  out.reserve(records.size());
  for (const auto& r : records) {
    // Replay from just before midnight: the power held across it counts today.
    streams::live_device live{day_start};
    storage::sample_query q{.home = r.home, .device = r.device,
                            .from = day_start(now) - streams::max_hold_ms, .to = now + 1,
                            .after = {}, .limit = 10'000};
    for (;;) {
      auto page = db.read_samples(q);
      if (!page)
        return std::unexpected(page.error());
      for (const auto& s : page->samples)
        live.add(s);
      if (!page->more)
        break;
      const auto& last = page->samples.back();
      q.after = {{last.ts_ms, last.seq.value_or(0)}};
    }
    // The newest sample may be newer than now (a fast clock) or not from today.
    if (!live.last() || live.last()->ts_ms < r.last.ts_ms)
      live.add(r.last);
    actors::device_status status{.device = r.device, .kind = r.kind, .memo = live.memo(),
                                 .last_seen_ms = r.last_seen_ms};
    out.push_back({r.home, std::move(status)});
  }
  return out;
}

} // namespace hems::app
