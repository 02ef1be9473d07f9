#include "actors/dr_coordinator.hpp"

#include <algorithm>
#include <chrono>

namespace hems::actors {

namespace {

using streams::dr_event;
using streams::dr_state;

bool over(dr_state s) { return s == dr_state::completed || s == dr_state::cancelled; }

streams::dr_notice notice_for(const dr_event& e, const std::string& home, dr_state s,
                              std::size_t participants) {
  streams::dr_notice n;
  n.home = home;
  n.event_id = e.id;
  n.state = s;
  n.start_ms = e.start_ms;
  n.end_ms = e.end_ms();
  n.level = e.shed_kw ? 0 : e.level;
  n.target_kw = e.shed_kw && participants ? *e.shed_kw / static_cast<double>(participants) : 0.0;
  return n;
}

std::vector<std::string> taking_part(const dr_book& book, const dr_event& e) {
  auto standing = book.settings.standing_opt_outs ? book.settings.standing_opt_outs(e.homes)
                                                  : std::vector<std::string>{};
  return streams::participants(e, standing);
}

bool owned(const dr_book& book, const std::string& home) {
  return !book.settings.owns || book.settings.owns(home);
}

std::vector<std::string> owned_homes(const dr_book& book, const std::vector<std::string>& homes) {
  if (!book.settings.owns)
    return homes;
  std::vector<std::string> out;
  for (const auto& h : homes)
    if (book.settings.owns(h))
      out.push_back(h);
  return out;
}

void notify(const dr_book& book, const dr_event& e, std::string_view what) {
  if (!book.settings.notify_residents)
    return;
  auto homes = owned_homes(book, e.homes);
  if (!homes.empty())
    book.settings.notify_residents(homes, e, what);
}

} // namespace

void dr_upsert(dr_book& book, const dr_event& e) {
  const auto& s = book.settings;
  auto it = book.events.find(e.id);
  if (it == book.events.end()) {
    notify(book, e, "announced");
    book.events.emplace(e.id, dr_tracked{e, std::nullopt});
  } else {
    auto& old = it->second.event;
    // Homes that opted out since: their optimizers plan as usual again.
    if (s.tell_home && it->second.published && !over(*it->second.published))
      for (const auto& home : e.opted_out)
        if (!std::binary_search(old.opted_out.begin(), old.opted_out.end(), home) &&
            owned(book, home)) {
          auto n = notice_for(e, home, *it->second.published, 0);
          n.opted_out = true;
          s.tell_home(n);
        }
    if (e.cancelled_ms && !old.cancelled_ms)
      notify(book, e, "cancelled");
    old = e;
  }
  dr_advance(book);
}

void dr_advance(dr_book& book) {
  const auto& s = book.settings;
  const millis now = s.time->now_ms();
  for (auto& [id, t] : book.events) {
    auto state = streams::state_at(t.event, now);
    if (t.published == state)
      continue;
    t.published = state;
    if (s.publish)
      s.publish(t.event, state);
    if (s.tell_home) {
      auto homes = taking_part(book, t.event);
      for (const auto& home : homes)
        if (owned(book, home))
          s.tell_home(notice_for(t.event, home, state, homes.size()));
    }
  }
  // Events over for a day are dropped (storage keeps them for reports).
  std::erase_if(book.events, [now](const auto& kv) {
    return kv.second.published && over(*kv.second.published) &&
           now > kv.second.event.end_ms() + 86'400'000;
  });
}

dr_coordinator_actor::behavior_type
dr_coordinator_behavior(dr_coordinator_actor::stateful_pointer<dr_coordinator_state> self,
                        std::vector<dr_event> stored, dr_coordinator_settings settings) {
  auto& book = self->state.book;
  book.settings = std::move(settings);
  const millis now = book.settings.time->now_ms();
  // Events already over stay over; the others resume where they are (their
  // homes are told the current state again: an optimizer may have restarted).
  for (auto& e : stored) {
    auto state = streams::state_at(e, now);
    if (over(state))
      continue;
    std::string id = e.id;
    book.events.emplace(std::move(id), dr_tracked{std::move(e), std::nullopt});
  }
  dr_advance(book);
  if (book.settings.tick_interval_ms > 0)
    self->delayed_send(self, std::chrono::milliseconds{book.settings.tick_interval_ms},
                       tick_atom::value);
  return {
    [self](dr_atom, const dr_event& e) { dr_upsert(self->state.book, e); },
    [self](tick_atom) {
      dr_advance(self->state.book);
      if (auto every = self->state.book.settings.tick_interval_ms; every > 0)
        self->delayed_send(self, std::chrono::milliseconds{every}, tick_atom::value);
    },
    [self](get_atom, const std::string& id) -> std::string {
      auto& events = self->state.book.events;
      auto it = events.find(id);
      if (it == events.end() || !it->second.published)
        return "";
      return std::string{streams::to_string(*it->second.published)};
    },
  };
}

} // namespace hems::actors
