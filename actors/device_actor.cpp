#include "actors/device_actor.hpp"

namespace hems::actors {

namespace {

void apply_samples(device_actor_state& st, const sample_list& samples) {
  for (const auto& s : samples) {
    if (s.kind != device_kind::unknown)
      st.kind = s.kind;
    st.live.add(s);
  }
  st.context->metrics->samples_applied.inc(samples.size());
  st.last_seen_ms = st.context->settings.time->now_ms();
}

// Built when asked for, not kept: the live state itself is the only copy.
device_status status_of(const device_actor_state& st) {
  device_status s;
  s.device = st.device;
  s.kind = st.kind;
  s.memo = st.live.memo();
  s.last_seen_ms = st.last_seen_ms;
  return s;
}

} // namespace

device_actor::behavior_type
device_behavior(device_actor::stateful_pointer<device_actor_state> self, home_actor home,
                device_status initial, live_context_ptr context) {
  auto& st = self->state;
  st.home = home.address();
  st.context = std::move(context);
  st.live = streams::live_device{st.context->settings.day_start, std::move(initial.memo)};
  st.device = std::move(initial.device);
  st.kind = initial.kind;
  st.last_seen_ms = initial.last_seen_ms;
  return {
    [=](ingest_atom, const sample_list& samples) {
      apply_samples(self->state, samples);
      if (auto home = caf::actor_cast<home_actor>(self->state.home))
        self->send(home, status_atom::value, status_of(self->state));
    },
    [=](get_atom) { return status_of(self->state); },
  };
}

} // namespace hems::actors
