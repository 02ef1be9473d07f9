#pragma once
// Playing a neighbourhood into a frame sink, two ways:
//  - real time: each home's samples when they are due at the configured
//    rate, timestamped with the clock's time, waiting in between;
//  - fast-forward: every step of [from, to) as fast as the sink takes it,
//    timestamped in that range, for history tests and benchmarks.
// Both stop when the stop flag is raised, the sink gives up, or a bound is
// reached. The clock and the wait are injected, so tests run real-time
// playback on a manual clock without sleeping.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "core/clock.hpp"
#include "sim/frame_sink.hpp"
#include "sim/neighbourhood.hpp"
#include "sim/sample_json.hpp"

namespace hems::sim {

struct playback_stats {
  std::uint64_t frames = 0;
  std::uint64_t samples = 0;
  std::uint64_t bytes = 0;
  std::optional<millis> first_ts, last_ts; ///< of the samples sent
  bool sink_gave_up = false;
};

using progress_fn = std::function<void(const playback_stats&)>;
/// Returns once the clock reads `until`, or earlier when stopped.
using wait_fn = std::function<void(millis until)>;

struct realtime_options {
  std::optional<millis> duration_ms;       ///< forever when absent
  std::optional<std::uint64_t> max_frames; ///< for tests
  frame_limits limits;
};

playback_stats play_realtime(neighbourhood& homes, frame_sink& sink, const clock& time,
                             const wait_fn& wait, const std::atomic<bool>& stop,
                             const realtime_options& options, const progress_fn& progress = {});

/// Sleeps on `time` in slices of at most 100 ms, so a raised stop flag is
/// noticed promptly.
wait_fn sleeping_wait(const clock& time, const std::atomic<bool>& stop);

struct fast_forward_options {
  millis from = 0;
  millis to = 0; ///< exclusive
  millis step_ms = 60'000;
  std::size_t samples_per_frame = 1000; ///< a frame holds consecutive steps of one home
  std::optional<std::uint64_t> max_frames;
  frame_limits limits;
};

playback_stats fast_forward(neighbourhood& homes, frame_sink& sink, const std::atomic<bool>& stop,
                            const fast_forward_options& options, const progress_fn& progress = {});

/// Generation alone, for in-process studies (forecasting, savings): calls
/// `each` with one home's samples for a run of consecutive steps, home by
/// home, chunk by chunk, until [from, to) is done or `each` returns false.
void generate(neighbourhood& homes, millis from, millis to, millis step_ms,
              std::size_t samples_per_chunk,
              const std::function<bool(const simulated_home&, std::span<const sample>)>& each);

} // namespace hems::sim
