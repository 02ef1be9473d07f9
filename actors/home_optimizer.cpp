#include "actors/home_optimizer.hpp"

#include <algorithm>

#include "core/json_writer.hpp"

namespace hems::actors {

namespace {

using self_ptr = home_optimizer_actor::stateful_pointer<home_optimizer_state>;

storage::notification_record moved_notification(const std::string& home, millis now,
                                                const streams::planned_load& l,
                                                const std::string& currency) {
  json_writer w;
  w.begin_object()
      .field("home", home)
      .field("ts_ms", now)
      .field("kind", "automation")
      .field("subject", l.run.device)
      .field("severity", "info")
      .field("title", l.run.device + " planned")
      .field("message", l.explanation)
      .key("evidence")
      .begin_object()
      .field("schedule_id", l.run.schedule_id)
      .field("start_ms", l.start_ms)
      .field("end_ms", l.end_ms)
      .field("cost", l.cost)
      .field("saving", l.saving)
      .field("currency", currency)
      .end_object()
      .end_object();
  storage::notification_record n;
  n.home = home;
  n.ts = now;
  n.kind = "automation";
  n.subject = l.run.device;
  n.json = w.take();
  return n;
}

// Whether two plans start the same loads at the same times (their
// explanations' savings drift as "now" moves on: not a new plan).
bool same_times(const planned_starts& a, const planned_starts& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const streams::planned_start& x, const streams::planned_start& y) {
                      return x.schedule_id == y.schedule_id && x.device == y.device &&
                             x.start_ms == y.start_ms && x.end_ms == y.end_ms;
                    });
}

// What the builder needs: storage's settings and the actor's messages.
streams::home_plan_inputs gather_inputs(const home_optimizer_state& st) {
  const auto& s = *st.settings;
  auto in = stored_plan_inputs(*s.db->history(), st.home, s.time->now_ms(), s.default_time_zone);
  in.forecast = st.forecast;
  if (!in.forecast && s.base_load)
    in.forecast = s.base_load->base_load_forecast(st.home, s.time->now_ms());
  in.automation = st.inputs;
  in.dr_events = st.dr;
  in.standby_kw = s.standby_kw;
  in.time_budget_ms = s.time_budget_ms;
  return in;
}

void replan(self_ptr self) {
  auto& st = self->state;
  const auto& s = *st.settings;
  auto& db = *s.db->history();
  auto in = gather_inputs(st);
  auto plan = streams::plan_home(in);
  // A failed write keeps the plan in memory; the next re-plan writes again.
  (void)db.put_home_value(st.home, plan_value, streams::home_plan_json(plan));
  if (in.preferences.notifications.automation) {
    std::vector<storage::notification_record> notes;
    for (const auto& l : streams::moved_loads(plan, st.issued))
      notes.push_back(moved_notification(st.home, plan.computed_ms, l, plan.currency));
    if (!notes.empty() && db.put_notifications(notes) && s.on_notification)
      for (const auto& n : notes)
        s.on_notification(st.home, n);
  }
  auto starts = streams::planned_starts(plan);
  if (!same_times(starts, st.issued)) {
    st.issued = starts;
    if (st.listener)
      self->send(st.listener, planned_atom::value, st.home, std::move(starts));
  }
  st.plan = std::move(plan);
  if (s.on_plan)
    s.on_plan(st.home, st.plan);
}

// A change: re-plan once the changes stop for the debounce time.
void changed(self_ptr self) {
  auto gen = ++self->state.generation;
  self->delayed_send(self, std::chrono::milliseconds{self->state.settings->debounce_ms},
                     replan_atom::value, gen);
}

} // namespace

result<streams::home_preferences> stored_preferences(storage::history_store& db,
                                                     const std::string& home) {
  auto raw = db.get_home_value(home, preferences_value);
  if (!raw)
    return std::unexpected(raw.error());
  if (!*raw)
    return streams::home_preferences{};
  auto doc = streams::read_preferences(**raw, home);
  if (!doc)
    return fail(errc::corruption,
                "stored preferences: " + doc.error().field + ": " + doc.error().detail);
  return std::move(doc->preferences);
}

result<streams::home_tariff> stored_tariff(storage::history_store& db, const std::string& home) {
  auto raw = db.get_home_value(home, tariff_value);
  if (!raw)
    return std::unexpected(raw.error());
  if (!*raw)
    return streams::home_tariff{};
  auto t = streams::read_stored_tariff(**raw);
  if (!t)
    return fail(errc::corruption, "stored tariff: " + t.error().field + ": " + t.error().detail);
  return std::move(*t);
}

streams::home_plan_inputs stored_plan_inputs(storage::history_store& db, const std::string& home,
                                             millis now, const std::string& default_time_zone) {
  streams::home_plan_inputs in;
  in.home = home;
  in.now = now;
  auto zone = streams::local_zone::from_name(stored_time_zone(db, home, default_time_zone));
  in.zone = zone ? *zone : streams::local_zone{};
  // Unreadable settings plan as if absent: a plan on defaults beats none.
  if (auto p = stored_preferences(db, home))
    in.preferences = std::move(*p);
  if (auto t = stored_tariff(db, home))
    in.tariff = std::move(*t);
  return in;
}

std::string stored_time_zone(storage::history_store& db, const std::string& home,
                             const std::string& fallback) {
  auto own = db.get_home_value(home, time_zone_value);
  return own && *own ? **own : fallback;
}

home_optimizer_actor::behavior_type home_optimizer_behavior(self_ptr self, std::string home,
                                                            optimizer_settings_ptr settings,
                                                            plan_listener_actor listener) {
  auto& st = self->state;
  st.home = std::move(home);
  st.settings = std::move(settings);
  st.listener = std::move(listener);
  changed(self); // a first plan soon after start
  if (auto every = st.settings->interval_ms; every > 0)
    self->delayed_send(self, std::chrono::milliseconds{every}, tick_atom::value);
  return {
      [=](inputs_atom, streams::automation_inputs& in) {
        if (in == self->state.inputs)
          return;
        self->state.inputs = std::move(in);
        changed(self);
      },
      [=](reload_atom) { changed(self); },
      [=](forecast_atom, streams::load_forecast& f) {
        self->state.forecast = std::move(f);
        changed(self);
      },
      [=](dr_atom, dr_events& events) {
        if (events == self->state.dr)
          return;
        self->state.dr = std::move(events);
        changed(self);
      },
      [=](replan_atom, std::uint64_t gen) {
        if (gen == self->state.generation)
          replan(self);
      },
      [=](tick_atom) {
        replan(self);
        // Its own timer re-arms; a tick sent from outside (tests) does not add one.
        auto every = self->state.settings->interval_ms;
        if (every > 0 && self->current_sender() == self->address())
          self->delayed_send(self, std::chrono::milliseconds{every}, tick_atom::value);
      },
      [=](get_atom) { return self->state.plan; },
  };
}

home_optimizers::home_optimizers(caf::actor_system& system, optimizer_settings_ptr settings,
                                 plan_listener_actor listener)
    : system_(system), settings_(std::move(settings)), listener_(std::move(listener)) {}

home_optimizers::~home_optimizers() {
  stop();
}

home_optimizer_actor home_optimizers::of(const std::string& home) {
  std::lock_guard lock{mutex_};
  auto& a = actors_[home];
  if (!a)
    a = system_.spawn(home_optimizer_behavior, home, settings_, listener_);
  return a;
}

void home_optimizers::changed(const std::string& home) {
  caf::anon_send(of(home), reload_atom::value);
}

void home_optimizers::stop() {
  std::lock_guard lock{mutex_};
  for (auto& [home, a] : actors_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  actors_.clear();
}

} // namespace hems::actors
