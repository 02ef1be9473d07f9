#include "actors/home_scheduler.hpp"

#include <algorithm>
#include <chrono>

namespace hems::actors {

namespace {

using self_ptr = home_scheduler_actor::stateful_pointer<home_scheduler_state>;

streams::local_zone zone_of(const scheduler_context& c, const std::string& home) {
  auto zone = streams::local_zone::from_name(c.time_zone ? c.time_zone(home) : "UTC");
  return zone ? *zone : streams::local_zone{};
}

// Sends what a step decided and says so.
void deliver(const scheduler_context& c, streams::runner_output& out) {
  for (auto& cmd : out.commands)
    c.send(std::move(cmd));
  if (c.notifier)
    for (const auto& n : out.notices)
      c.notifier->notify(n);
}

// One live timer: a new one replaces the earlier (whose message is then
// ignored) only when it must wake sooner; a timer that wakes early just
// looks again.
void arm_timer(self_ptr self) {
  const auto& c = *self->state.context;
  auto& st = self->state;
  millis now = c.time->now_ms();
  millis wake = now + c.max_sleep_ms;
  if (auto due = st.runner->next_due(now))
    wake = std::min(wake, *due);
  if (st.wake_ms && *st.wake_ms <= wake)
    return;
  st.wake_ms = wake;
  self->delayed_send(self, std::chrono::milliseconds{std::max<millis>(0, wake - now)},
                     fire_atom::value, ++st.timer);
}

void run_due(self_ptr self, const streams::safety_settings& safety) {
  const auto& c = *self->state.context;
  auto& runner = *self->state.runner;
  streams::runner_output out;
  runner.run_due(c.time->now_ms(), safety, out);
  deliver(c, out);
}

void run_due(self_ptr self) {
  run_due(self, self->state.context->safety(self->state.runner->home()));
}

void reload(self_ptr self) {
  const auto& c = *self->state.context;
  auto& runner = *self->state.runner;
  runner.set_zone(zone_of(c, runner.home()));
  runner.set_schedules(c.book ? c.book->of_home(runner.home()) : std::vector<streams::schedule>{});
  if (c.on_inputs)
    c.on_inputs(runner.home(), runner.inputs(c.time->now_ms(), c.inputs_horizon_ms));
}

void observe(self_ptr self, const sample_list& samples, const streams::safety_settings& safety) {
  const auto& c = *self->state.context;
  auto& runner = *self->state.runner;
  streams::runner_output out;
  for (const auto& s : samples)
    runner.observe(s, safety, out);
  // Peak warnings: the home's live power against its peak hours.
  auto& peaks = *self->state.peaks;
  for (const auto& s : samples)
    peaks.observe(s);
  if (c.preferences)
    if (auto prefs = c.preferences(runner.home()); prefs && !prefs->peak_hours.empty())
      if (auto n = peaks.check(c.time->now_ms(), *prefs, runner.zone()))
        out.notices.push_back(std::move(*n));
  deliver(c, out);
}

} // namespace

home_scheduler_actor::behavior_type home_scheduler_behavior(self_ptr self, std::string home,
                                                            scheduler_context_ptr context) {
  self->state.context = std::move(context);
  const auto& c = *self->state.context;
  self->state.runner.emplace(home, zone_of(c, home), c.time->now_ms(), c.runner);
  self->state.peaks.emplace(home, c.peak);
  reload(self);
  arm_timer(self);
  return {
      [self](reload_atom) {
        reload(self);
        arm_timer(self);
      },
      [self](ingest_atom, const sample_list& samples) {
        // One read of the home's safety rules for both (a stored record).
        auto safety = self->state.context->safety(self->state.runner->home());
        observe(self, samples, safety);
        run_due(self, safety); // presence may have made away_off due
        arm_timer(self);
      },
      [self](plan_atom, planned_starts& starts) {
        self->state.runner->set_planned(std::move(starts));
        run_due(self);
        arm_timer(self);
      },
      [self](fire_atom, std::uint64_t generation) {
        if (generation != self->state.timer)
          return; // replaced by a newer timer
        self->state.wake_ms.reset();
        run_due(self);
        arm_timer(self);
      },
      [self](inputs_atom) {
        const auto& c = *self->state.context;
        return self->state.runner->inputs(c.time->now_ms(), c.inputs_horizon_ms);
      },
  };
}

} // namespace hems::actors
