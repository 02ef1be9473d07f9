#pragma once
// CPU time of the calling thread: what one core spent, whatever else the
// machine runs. Time budgets (the planner's) and benchmarks count it, since
// the cores are shared.

#include <ctime>
#include <limits>

namespace hems {

/// CPU time the calling thread has used, in ms (CLOCK_THREAD_CPUTIME_ID).
inline double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

/// Whether the calling thread's CPU time reached `deadline_ms` (infinity:
/// never, and the clock is not read).
inline bool past_cpu_deadline(double deadline_ms) {
  return deadline_ms < std::numeric_limits<double>::infinity() && thread_cpu_ms() >= deadline_ms;
}

} // namespace hems
