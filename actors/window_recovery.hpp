#pragma once
// A home aggregator's start: rebuild its windows from storage. Plain
// functions over the store, called from the actor's start and tested alone.
//
// With a checkpoint: the close point, each device's anchor (its newest
// sample before it) and the partial coarse windows (sums of the stored finer
// ones), then every stored sample after the close point replayed a day at a
// time, closing and writing what is due. Without one (a new home, or data
// stored before windows existed): every stored sample replayed from the
// oldest. Either way the result is what an aggregator that never stopped
// would hold, so a crash loses and doubles nothing (streams/home_windows.hpp).

#include <string>
#include <vector>

#include "actors/history_context.hpp"
#include "actors/messages.hpp"

namespace hems::actors {

struct recovered_windows {
  streams::home_windows windows;
  storage::windows_checkpoint checkpoint;
  std::size_t replayed = 0; ///< samples replayed from storage
  std::size_t closed = 0;   ///< windows closed and written while replaying
};

/// The zone the home's days follow: its own ("time_zone" home value) or the default.
streams::window_calendar home_calendar(storage::history_store& db, const std::string& home,
                                       const std::string& fallback);

result<recovered_windows> recover_windows(const history_context& ctx, const std::string& home,
                                          const known_devices& devices,
                                          streams::window_calendar calendar, millis now);

/// Moves the raw samples of every device before the close point's hour into
/// chunks (when the hour moved on); returns the samples moved.
result<std::size_t> chunk_closed_hours(storage::history_store& db, const std::string& home,
                                       const std::vector<std::string>& devices,
                                       storage::windows_checkpoint& checkpoint);

} // namespace hems::actors
