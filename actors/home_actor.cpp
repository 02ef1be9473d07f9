#include "actors/home_actor.hpp"

#include "actors/aggregator_actor.hpp"
#include "actors/device_actor.hpp"
#include "actors/home_view.hpp"
#include "actors/live_board.hpp"

namespace hems::actors {

namespace {

using home_ptr = home_actor::stateful_pointer<home_actor_state>;

// Every change of a device's status goes to the board REST reads from.
void publish(home_ptr self, const device_status& status) {
  if (const auto& board = self->state.context->board)
    board->put(self->state.home, status);
}

void spawn_device(home_ptr self, supervised_device& d) {
  auto& st = self->state;
  d.actor = self->spawn<caf::monitored>(device_behavior, caf::actor_cast<home_actor>(self),
                                        d.status, st.context);
  st.device_by_addr.emplace(d.actor.address(), d.status.device);
  st.context->metrics->device_actors.add(1);
  publish(self, d.status);
}

supervised_device& device_for(home_ptr self, const sample& s) {
  auto& devices = self->state.devices;
  auto it = devices.find(s.device);
  if (it != devices.end())
    return it->second;
  supervised_device d;
  d.status.device = s.device;
  d.status.kind = s.kind;
  auto& added = devices.emplace(s.device, std::move(d)).first->second;
  spawn_device(self, added);
  return added;
}

known_devices devices_for_windows(home_ptr self) {
  known_devices out;
  for (const auto& [id, d] : self->state.devices)
    out.push_back({id, d.status.kind, d.status.memo.last ? d.status.memo.last->ts_ms : 0});
  return out;
}

void spawn_aggregator(home_ptr self) {
  auto& st = self->state;
  if (!st.context->history)
    return;
  st.aggregator = self->spawn<caf::monitored>(aggregator_behavior, st.home,
                                              devices_for_windows(self), st.context);
}

// The windows take every sample, quarantined devices' too (they are stored).
streams::device_readings readings_of(const sample_list& samples, std::size_t begin,
                                     std::size_t end) {
  streams::device_readings out{samples[begin].device, device_kind::unknown, {}};
  out.readings.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    if (samples[i].kind != device_kind::unknown)
      out.kind = samples[i].kind;
    out.readings.push_back(streams::window_reading::of(samples[i]));
  }
  return out;
}

void route_samples(home_ptr self, sample_list& samples) {
  window_batch for_windows;
  // Samples of one device are usually adjacent: cut the list into runs.
  std::size_t begin = 0;
  while (begin < samples.size()) {
    std::size_t end = begin + 1;
    while (end < samples.size() && samples[end].device == samples[begin].device)
      ++end;
    if (self->state.aggregator)
      for_windows.push_back(readings_of(samples, begin, end));
    auto& d = device_for(self, samples[begin]);
    if (d.status.quarantined) {
      self->state.context->metrics->quarantined_samples.inc(end - begin);
    } else {
      sample_list run(std::make_move_iterator(samples.begin() + begin),
                      std::make_move_iterator(samples.begin() + end));
      self->send(d.actor, ingest_atom::value, std::move(run));
    }
    begin = end;
  }
  if (!for_windows.empty())
    self->send(self->state.aggregator, ingest_atom::value, std::move(for_windows));
}

// The aggregator resumes from storage: restart it, unless it keeps failing.
void on_aggregator_down(home_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  st.aggregator = nullptr;
  if (msg.reason == caf::exit_reason::normal || msg.reason == caf::exit_reason::user_shutdown)
    return;
  const auto& settings = st.context->settings;
  millis now = settings.time->now_ms();
  st.aggregator_failures.push_back(now);
  std::erase_if(st.aggregator_failures,
                [&](millis t) { return now - t > settings.restart_window_ms; });
  if (st.aggregator_failures.size() > settings.max_restarts)
    return; // history of this home paused; the samples are still stored
  st.context->history->metrics->aggregator_restarts.inc();
  spawn_aggregator(self);
}

// Restart intensity: too many failures within the window means quarantine.
void on_device_down(home_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (st.aggregator && msg.source == st.aggregator.address()) {
    on_aggregator_down(self, msg);
    return;
  }
  auto it = st.device_by_addr.find(msg.source);
  if (it == st.device_by_addr.end())
    return;
  auto& d = st.devices.at(it->second);
  st.device_by_addr.erase(it);
  st.context->metrics->device_actors.add(-1);
  d.actor = nullptr;
  if (msg.reason == caf::exit_reason::normal)
    return;
  const auto& settings = st.context->settings;
  millis now = settings.time->now_ms();
  d.failures.push_back(now);
  std::erase_if(d.failures, [&](millis t) { return now - t > settings.restart_window_ms; });
  d.status.restarts = static_cast<std::uint32_t>(d.failures.size());
  if (d.failures.size() > settings.max_restarts) {
    d.status.quarantined = true;
    st.context->metrics->device_quarantines.inc();
    publish(self, d.status);
    return;
  }
  st.context->metrics->device_restarts.inc();
  spawn_device(self, d);
}

bool release_device(home_ptr self, const std::string& device) {
  auto it = self->state.devices.find(device);
  if (it == self->state.devices.end() || !it->second.status.quarantined)
    return false;
  auto& d = it->second;
  d.failures.clear();
  d.status.quarantined = false;
  d.status.restarts = 0;
  spawn_device(self, d);
  return true;
}

home_view current_view(home_ptr self) {
  std::vector<device_status> statuses;
  statuses.reserve(self->state.devices.size());
  for (const auto& [id, d] : self->state.devices)
    statuses.push_back(d.status);
  return make_home_view(self->state.home, statuses, self->state.context->settings);
}

} // namespace

home_actor::behavior_type home_behavior(home_ptr self, std::string home,
                                        std::vector<device_status> initial,
                                        live_context_ptr context) {
  auto& st = self->state;
  st.home = std::move(home);
  st.context = std::move(context);
  st.context->metrics->homes.add(1);
  self->attach_functor([metrics = st.context->metrics, board = st.context->board,
                        home = st.home] {
    metrics->homes.add(-1);
    if (board)
      board->forget(home);
  });
  for (auto& status : initial) {
    supervised_device d;
    d.status = std::move(status);
    auto& added = st.devices.emplace(d.status.device, std::move(d)).first->second;
    spawn_device(self, added);
  }
  self->set_down_handler([=](caf::down_msg& msg) { on_device_down(self, msg); });
  spawn_aggregator(self);
  return {
    [=](ingest_atom, sample_list& samples) { route_samples(self, samples); },
    [=](status_atom, device_status& status) {
      auto it = self->state.devices.find(status.device);
      if (it == self->state.devices.end())
        return;
      auto& held = it->second.status;
      held.kind = status.kind;
      held.memo = std::move(status.memo);
      held.last_seen_ms = status.last_seen_ms;
      publish(self, held);
    },
    [=](release_atom, const std::string& device) { return release_device(self, device); },
    [=](device_atom, const std::string& device) {
      auto it = self->state.devices.find(device);
      return it == self->state.devices.end() ? device_actor{} : it->second.actor;
    },
    [=](get_atom) { return current_view(self); },
    [=](tick_atom) {
      if (self->state.aggregator)
        self->send(self->state.aggregator, tick_atom::value);
    },
    [=](zone_atom, const std::string& zone) {
      if (self->state.aggregator)
        self->send(self->state.aggregator, zone_atom::value, zone);
    },
    [=](aggregator_atom) { return self->state.aggregator; },
  };
}

} // namespace hems::actors
