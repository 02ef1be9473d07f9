#pragma once
// The homes' schedulers (actors/home_scheduler.hpp), found by home: a home
// gets its scheduler when it first has a schedule or a plan, or when its
// samples arrive and the context's wants_scheduler says it needs one (peak
// hours to watch), and keeps it.
// The server hands it durable samples (only homes with a scheduler take
// them), schedule changes and the optimizer's planned starts. Thread-safe:
// the sample writer and REST threads call it.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/home_scheduler.hpp"

namespace hems::actors {

class scheduler_registry {
public:
  scheduler_registry(caf::actor_system& system, scheduler_context_ptr context);
  ~scheduler_registry();

  /// Starts the schedulers of every home with schedules in the book.
  void start();
  /// A home's schedules changed.
  void schedules_changed(const std::string& home);
  /// The optimizer's planned starts for a home (the optimizer's hook).
  void planned(const std::string& home, planned_starts starts);
  /// Durable samples of any homes.
  void samples(const std::vector<sample>& samples);
  /// The home's scheduler, started if it was not.
  home_scheduler_actor scheduler_of(const std::string& home);
  /// Stops every scheduler.
  void stop();

private:
  caf::actor_system& system_;
  scheduler_context_ptr context_;
  std::mutex mutex_;
  std::map<std::string, home_scheduler_actor, std::less<>> schedulers_;
  /// Homes without a scheduler: when wants_scheduler may be asked again.
  std::map<std::string, millis, std::less<>> asked_;
};

} // namespace hems::actors
