#include "actors/device_actor.hpp"

namespace hems::actors {

namespace {

void apply_samples(device_actor_state& st, const sample_list& samples) {
  for (const auto& s : samples) {
    if (s.kind != device_kind::unknown)
      st.status.kind = s.kind;
    st.live->add(s);
  }
  st.status.memo = st.live->memo();
  st.status.last_seen_ms = st.context->settings.time->now_ms();
}

} // namespace

device_actor::behavior_type
device_behavior(device_actor::stateful_pointer<device_actor_state> self, home_actor home,
                device_status initial, live_context_ptr context) {
  auto& st = self->state;
  st.home = home.address();
  st.context = std::move(context);
  st.live = std::make_unique<streams::live_device>(st.context->settings.day_start, initial.memo);
  st.status = std::move(initial);
  return {
    [=](ingest_atom, const sample_list& samples) {
      apply_samples(self->state, samples);
      if (auto home = caf::actor_cast<home_actor>(self->state.home))
        self->send(home, status_atom::value, self->state.status);
    },
    [=](get_atom) { return self->state.status; },
  };
}

} // namespace hems::actors
