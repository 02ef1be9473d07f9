#include "actors/aggregator_actor.hpp"

#include "actors/home_insight.hpp"
#include "actors/window_recovery.hpp"

namespace hems::actors {

namespace {

using aggregator_ptr = aggregator_actor::stateful_pointer<aggregator_state>;

void look_for_insights(aggregator_ptr self, const std::vector<streams::usage_window>& closed) {
  auto& st = self->state;
  if (!st.insights)
    return;
  insight_step(*st.context->history, st.home, *st.insights, *st.windows, closed,
               st.context->settings.time->now_ms(), st.context->settings.offline_after_ms);
}

// Closes what is due, writes it with the new close point, tells the feed,
// and chunks the raw samples of hours that closed; then the insight step.
// False: the write failed.
bool close_and_write(aggregator_ptr self) {
  auto& st = self->state;
  const auto& history = *st.context->history;
  auto& db = *history.db->history();
  millis now = st.context->settings.time->now_ms();
  auto closed = st.windows->close_due(now);
  auto c = st.windows->closed_until();
  if (!c || *c == st.checkpoint.closed_until) {
    look_for_insights(self, {});
    return true;
  }
  auto next = st.checkpoint;
  next.closed_until = *c;
  if (!db.commit_windows(st.home, closed, next))
    return false;
  st.checkpoint = next;
  history.metrics->windows_closed.inc(closed.size());
  if (history.on_windows && !closed.empty())
    history.on_windows(st.home, closed);
  if (history.settings.chunk_samples) {
    std::vector<std::string> ids;
    for (const auto& [id, kind] : st.windows->devices())
      ids.push_back(id);
    // Hours before the close point: their samples can only be late now. The
    // new chunked_until is written with the next windows (if lost, chunking
    // again finds nothing to move).
    auto moved = chunk_closed_hours(db, st.home, ids, st.checkpoint);
    if (!moved)
      return false;
    history.metrics->samples_chunked.inc(*moved);
  }
  look_for_insights(self, closed);
  return true;
}

void stop_for_restart(aggregator_ptr self, std::string_view what) {
  // The home restarts the aggregator, which resumes from storage.
  self->quit(caf::make_error(caf::sec::runtime_error, std::string{what}));
}

} // namespace

aggregator_actor::behavior_type aggregator_behavior(aggregator_ptr self, std::string home,
                                                    known_devices devices,
                                                    live_context_ptr context) {
  auto& st = self->state;
  st.home = std::move(home);
  st.context = std::move(context);
  const auto& history = *st.context->history;
  auto calendar =
      home_calendar(*history.db->history(), st.home, history.settings.default_time_zone);
  auto recovered =
      recover_windows(history, st.home, devices, calendar, st.context->settings.time->now_ms());
  if (!recovered) {
    stop_for_restart(self,
                     "cannot recover windows of " + st.home + ": " + recovered.error().detail);
    return aggregator_actor::behavior_type::make_empty_behavior();
  }
  st.windows.emplace(std::move(recovered->windows));
  st.checkpoint = recovered->checkpoint;
  history.metrics->windows_closed.inc(recovered->closed);
  if (history.settings.patterns)
    st.insights.emplace(
        start_insights(history, st.home, devices, st.context->settings.time->now_ms()));
  return {
      [=](ingest_atom, const window_batch& batch) {
        auto& st = self->state;
        millis now = st.context->settings.time->now_ms();
        if (st.insights)
          insight_readings(*st.context->history, st.home, *st.insights, batch, now);
        for (const auto& part : batch) {
          auto outcome = st.windows->add(part, now);
          st.context->history->metrics->late_samples.inc(outcome.late);
          st.context->history->metrics->future_samples.inc(outcome.future);
        }
        if (!close_and_write(self))
          stop_for_restart(self, "cannot write the windows of " + st.home);
      },
      [=](tick_atom) {
        if (!close_and_write(self))
          stop_for_restart(self, "cannot write the windows of " + self->state.home);
      },
      [=](zone_atom, const std::string& zone) {
        if (auto z = streams::local_zone::from_name(zone))
          self->state.windows->set_calendar(streams::window_calendar{*z});
      },
      [=](get_atom) {
        const auto& w = *self->state.windows;
        return aggregator_status{self->state.home, w.closed_until(), w.event_time(),
                                 w.held_readings(), w.calendar().zone().name()};
      },
  };
}

} // namespace hems::actors
