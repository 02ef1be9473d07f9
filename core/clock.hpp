#pragma once
// Time as the rest of hems sees it: milliseconds since the Unix epoch, UTC.
// Everything that asks "what time is it" gets a clock injected, so tests can
// drive time by hand instead of sleeping.

#include <atomic>
#include <cstdint>

namespace hems {

using millis = std::int64_t;

class clock {
public:
  virtual ~clock() = default;
  virtual millis now_ms() const = 0;
};

/// Wall-clock time, optionally shifted by a fixed offset (`hems serve
/// --clock-offset`: rehearse a future hour, or let an end-to-end test reach a
/// quarter-hour boundary without waiting for it).
class system_clock final : public clock {
public:
  explicit system_clock(millis offset_ms = 0) : offset_ms_(offset_ms) {}
  millis now_ms() const override;

private:
  millis offset_ms_;
};

/// A clock that only moves when told to (tests, simulations, replays).
class manual_clock final : public clock {
public:
  explicit manual_clock(millis start = 0) : now_(start) {}
  millis now_ms() const override { return now_.load(std::memory_order_relaxed); }
  void set(millis t) { now_.store(t, std::memory_order_relaxed); }
  void advance(millis dt) { now_.fetch_add(dt, std::memory_order_relaxed); }

private:
  std::atomic<millis> now_;
};

} // namespace hems
