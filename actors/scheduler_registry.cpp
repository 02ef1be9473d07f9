#include "actors/scheduler_registry.hpp"

#include <caf/all.hpp>

namespace hems::actors {

scheduler_registry::scheduler_registry(caf::actor_system& system, scheduler_context_ptr context)
    : system_(system), context_(std::move(context)) {}

scheduler_registry::~scheduler_registry() {
  stop();
}

void scheduler_registry::start() {
  if (!context_->book)
    return;
  for (const auto& home : context_->book->homes())
    scheduler_of(home);
}

home_scheduler_actor scheduler_registry::scheduler_of(const std::string& home) {
  std::lock_guard lock{mutex_};
  auto it = schedulers_.find(home);
  if (it == schedulers_.end())
    it = schedulers_.emplace(home, system_.spawn(home_scheduler_behavior, home, context_)).first;
  return it->second;
}

void scheduler_registry::schedules_changed(const std::string& home) {
  bool existed;
  {
    std::lock_guard lock{mutex_};
    existed = schedulers_.contains(home);
  }
  auto scheduler = scheduler_of(home); // a new one loads the schedules itself
  if (existed)
    caf::anon_send(scheduler, reload_atom::value);
}

void scheduler_registry::planned(const std::string& home, planned_starts starts) {
  caf::anon_send(scheduler_of(home), plan_atom::value, std::move(starts));
}

void scheduler_registry::samples(const std::vector<sample>& samples) {
  std::map<std::string, std::pair<home_scheduler_actor, sample_list>, std::less<>> batches;
  // Homes without a scheduler that may want one (peak warnings), asked
  // outside the lock and at most once per wants_recheck_ms each.
  std::vector<std::string> ask;
  {
    std::lock_guard lock{mutex_};
    millis now = context_->wants_scheduler ? context_->time->now_ms() : 0;
    for (const auto& s : samples) {
      if (auto it = schedulers_.find(s.home); it != schedulers_.end()) {
        batches.try_emplace(s.home, it->second, sample_list{}).first->second.second.push_back(s);
      } else if (context_->wants_scheduler) {
        auto [at, fresh] = asked_.try_emplace(s.home, now);
        if (fresh || at->second <= now) {
          at->second = now + context_->wants_recheck_ms;
          ask.push_back(s.home);
        }
      }
    }
  }
  for (const auto& home : ask) {
    if (!context_->wants_scheduler(home))
      continue;
    auto scheduler = scheduler_of(home);
    {
      std::lock_guard lock{mutex_};
      asked_.erase(home);
    }
    sample_list batch;
    for (const auto& s : samples)
      if (s.home == home)
        batch.push_back(s);
    batches.try_emplace(home, scheduler, std::move(batch));
  }
  for (auto& [home, batch] : batches)
    caf::anon_send(batch.first, ingest_atom::value, std::move(batch.second));
}

void scheduler_registry::stop() {
  std::lock_guard lock{mutex_};
  for (auto& [home, scheduler] : schedulers_)
    caf::anon_send_exit(scheduler, caf::exit_reason::user_shutdown);
  schedulers_.clear();
}

} // namespace hems::actors
