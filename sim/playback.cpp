#include "sim/playback.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <queue>
#include <thread>
#include <vector>

namespace hems::sim {

namespace {

// Encodes one home's samples and sends them; false when playback must end.
bool send_samples(std::span<const sample> samples, frame_sink& sink, const frame_limits& limits,
                  std::vector<encoded_frame>& frames, playback_stats& stats,
                  const std::optional<std::uint64_t>& max_frames) {
  frames.clear();
  encode_frames(samples, frames, limits);
  for (auto& f : frames) {
    if (max_frames && stats.frames >= *max_frames)
      return false;
    std::size_t bytes = f.json.size();
    if (!sink.send(std::move(f.json), f.samples, samples.front().home)) {
      stats.sink_gave_up = true;
      return false;
    }
    ++stats.frames;
    stats.samples += f.samples;
    stats.bytes += bytes;
  }
  if (!samples.empty()) {
    if (!stats.first_ts)
      stats.first_ts = samples.front().ts_ms;
    stats.last_ts = std::max(stats.last_ts.value_or(samples.back().ts_ms), samples.back().ts_ms);
  }
  return !(max_frames && stats.frames >= *max_frames);
}

} // namespace

playback_stats play_realtime(neighbourhood& homes, frame_sink& sink, const clock& time,
                             const wait_fn& wait, const std::atomic<bool>& stop,
                             const realtime_options& options, const progress_fn& progress) {
  playback_stats stats;
  const millis start = time.now_ms();
  const millis end =
      options.duration_ms ? start + *options.duration_ms : std::numeric_limits<millis>::max();
  std::vector<sample> samples;
  std::vector<encoded_frame> frames;
  auto step = [&](simulated_home& home, millis now) {
    samples.clear();
    home.step(now, samples);
    return send_samples(samples, sink, options.limits, frames, stats, options.max_frames);
  };

  // Homes by when they are next due, soonest first: each wake-up touches only
  // the homes that are due, so thousands of homes spread over the interval
  // cost a heap operation each, not a pass over all of them.
  using due_home = std::pair<millis, std::size_t>;
  std::priority_queue<due_home, std::vector<due_home>, std::greater<>> queue;
  for (std::size_t i = 0; i < homes.homes().size(); ++i) {
    if (!step(homes.homes()[i], start))
      return stats;
    queue.emplace(homes.homes()[i].next_due(), i);
  }
  if (progress)
    progress(stats);

  while (!queue.empty() && !stop.load(std::memory_order_relaxed)) {
    const millis next = std::min(queue.top().first, end);
    if (next >= end && end == std::numeric_limits<millis>::max())
      break; // nothing will ever be due
    wait(next);
    const millis now = time.now_ms();
    if (now >= end)
      break;
    while (!queue.empty() && queue.top().first <= now) {
      std::size_t i = queue.top().second;
      queue.pop();
      if (!step(homes.homes()[i], now))
        return stats;
      queue.emplace(homes.homes()[i].next_due(), i);
    }
    if (progress)
      progress(stats);
  }
  return stats;
}

wait_fn sleeping_wait(const clock& time, const std::atomic<bool>& stop) {
  return [&time, &stop](millis until) {
    for (millis now = time.now_ms(); now < until && !stop.load(std::memory_order_relaxed);
         now = time.now_ms())
      std::this_thread::sleep_for(std::chrono::milliseconds{std::min<millis>(100, until - now)});
  };
}

void generate(neighbourhood& homes, millis from, millis to, millis step_ms,
              std::size_t samples_per_chunk,
              const std::function<bool(const simulated_home&, std::span<const sample>)>& each) {
  if (step_ms <= 0 || from >= to)
    return;
  std::vector<sample> samples;
  std::size_t most_devices = 1;
  for (const auto& h : homes.homes())
    most_devices = std::max(most_devices, h.devices().size());
  const millis steps_per_chunk =
      std::max<millis>(1, static_cast<millis>(samples_per_chunk / most_devices));
  for (millis t0 = from; t0 < to; t0 += steps_per_chunk * step_ms) {
    const millis t1 = std::min(to, t0 + steps_per_chunk * step_ms);
    for (auto& home : homes.homes()) {
      samples.clear();
      for (millis t = t0; t < t1; t += step_ms)
        home.sample_all(t, samples);
      if (!each(home, samples))
        return;
    }
  }
}

playback_stats fast_forward(neighbourhood& homes, frame_sink& sink, const std::atomic<bool>& stop,
                            const fast_forward_options& options, const progress_fn& progress) {
  playback_stats stats;
  std::vector<encoded_frame> frames;
  generate(homes, options.from, options.to, options.step_ms, options.samples_per_frame,
           [&](const simulated_home&, std::span<const sample> samples) {
             if (stop.load(std::memory_order_relaxed))
               return false;
             if (!send_samples(samples, sink, options.limits, frames, stats, options.max_frames))
               return false;
             if (progress)
               progress(stats);
             return true;
           });
  return stats;
}

} // namespace hems::sim
