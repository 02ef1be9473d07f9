#include "api/preference_routes.hpp"

#include <mutex>

#include "core/json_writer.hpp"
#include "streams/home_plan_builder.hpp"
#include "streams/preferences.hpp"
#include "streams/tariff.hpp"

namespace hems::api {

namespace {

using services_ptr = std::shared_ptr<automation_services>;

/// GET /prices answers at most this many 15-minute slots (31 days).
constexpr millis max_price_slots = 31 * 96;
constexpr millis slot_ms = 15 * streams::minute_ms;
/// Pushed series that ended this long ago are dropped when a new one arrives.
constexpr millis keep_series_ms = 400 * streams::day_ms;

/// What a plan made on request (none stored yet) says in its notes.
constexpr std::string_view on_request_note =
    "planned on request: the home's optimizer has not stored a plan yet";

// A tariff change reads, adds to and writes back one home value: two
// concurrent PUTs must not lose one of them.
std::mutex tariff_write_mutex;

http_reply storage_failure(const error& e) {
  return error_reply(503, "unavailable", "storage: " + e.detail);
}

http_reply invalid(const streams::invalid_field& f) {
  return error_reply(400, "invalid", f.field + ": " + f.detail);
}

void tell_optimizer(const automation_services& s, const std::string& home) {
  if (s.optimizers)
    s.optimizers->changed(home);
}

std::expected<std::string, http_reply> home_only(const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home"}))
    return std::unexpected(*bad);
  return home_param(req);
}

http_reply get_preferences(const automation_services& s, const http_request& req) {
  auto home = home_only(req);
  if (!home)
    return home.error();
  auto& db = *s.db.history();
  auto prefs = actors::stored_preferences(db, *home);
  if (!prefs)
    return storage_failure(prefs.error());
  auto zone = actors::stored_time_zone(db, *home, s.default_time_zone);
  return json_reply(200, streams::preferences_json(*home, *prefs, zone));
}

http_reply put_preferences(const automation_services& s, const http_request& req) {
  auto home = home_only(req);
  if (!home)
    return home.error();
  auto doc = streams::read_preferences(req.body, *home);
  if (!doc)
    return invalid(doc.error());
  auto& db = *s.db.history();
  // The zone has one home: the "time_zone" value (PUT /homes/{home}/time_zone).
  if (doc->time_zone) {
    if (auto ok = db.put_home_value(*home, actors::time_zone_value, *doc->time_zone); !ok)
      return storage_failure(ok.error());
    caf::anon_send(s.directory, actors::zone_atom::value, *home, *doc->time_zone);
  }
  if (auto ok = db.put_home_value(*home, actors::preferences_value,
                                  streams::preferences_json(*home, doc->preferences, ""));
      !ok)
    return storage_failure(ok.error());
  tell_optimizer(s, *home);
  auto zone = actors::stored_time_zone(db, *home, s.default_time_zone);
  auto reply = json_reply(200, streams::preferences_json(*home, doc->preferences, zone));
  reply.audit = audit_note{*home, {}, "preferences replaced"};
  return reply;
}

http_reply get_tariff(const automation_services& s, const http_request& req) {
  auto home = home_only(req);
  if (!home)
    return home.error();
  auto t = actors::stored_tariff(*s.db.history(), *home);
  if (!t)
    return storage_failure(t.error());
  return json_reply(200, streams::tariff_json(*home, *t));
}

http_reply put_tariff(const automation_services& s, const http_request& req) {
  auto home = home_only(req);
  if (!home)
    return home.error();
  auto v = streams::read_tariff_version(req.body, s.time.now_ms());
  if (!v)
    return invalid(v.error());
  {
    std::lock_guard lock{tariff_write_mutex};
    auto& db = *s.db.history();
    auto t = actors::stored_tariff(db, *home);
    if (!t)
      return storage_failure(t.error());
    streams::add_version(*t, *v);
    if (auto ok = db.put_home_value(*home, actors::tariff_value, streams::tariff_json(*home, *t));
        !ok)
      return storage_failure(ok.error());
  }
  tell_optimizer(s, *home);
  json_writer w;
  w.begin_object().field("home", *home).key("version").raw(streams::tariff_version_json(*v));
  w.end_object();
  auto reply = json_reply(200, w.take());
  reply.audit = audit_note{*home, {}, "tariff version from " + std::to_string(v->valid_from)};
  return reply;
}

http_reply post_prices(const automation_services& s, const http_request& req) {
  auto home = home_only(req);
  if (!home)
    return home.error();
  millis now = s.time.now_ms();
  auto series = streams::read_price_series(req.body, now);
  if (!series)
    return invalid(series.error());
  std::size_t intervals = series->import_prices.size() + series->export_prices.size();
  {
    std::lock_guard lock{tariff_write_mutex};
    auto& db = *s.db.history();
    auto t = actors::stored_tariff(db, *home);
    if (!t)
      return storage_failure(t.error());
    streams::add_series(*t, *series, now - keep_series_ms);
    if (auto ok = db.put_home_value(*home, actors::tariff_value, streams::tariff_json(*home, *t));
        !ok)
      return storage_failure(ok.error());
  }
  tell_optimizer(s, *home);
  json_writer w;
  w.begin_object()
      .field("home", *home)
      .field("source", series->source)
      .field("received_ms", now)
      .field("intervals", static_cast<std::uint64_t>(intervals))
      .end_object();
  auto reply = json_reply(200, w.take());
  reply.audit = audit_note{*home, {}, "price series from " + series->source};
  return reply;
}

http_reply get_prices(const automation_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home", "from", "to"}))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  millis now = s.time.now_ms();
  auto from = time_param(req, "from", streams::plan_start(now, slot_ms));
  if (!from)
    return from.error();
  millis start = streams::plan_start(*from, slot_ms);
  auto to = time_param(req, "to", start + 48 * streams::hour_ms);
  if (!to)
    return to.error();
  if (*to <= *from)
    return error_reply(400, "invalid", "to: must be after from");
  millis slots = (*to - start + slot_ms - 1) / slot_ms;
  if (slots > max_price_slots)
    return error_reply(400, "invalid", "to: at most 31 days after from");
  auto& db = *s.db.history();
  auto t = actors::stored_tariff(db, *home);
  if (!t)
    return storage_failure(t.error());
  auto zone =
      streams::local_zone::from_name(actors::stored_time_zone(db, *home, s.default_time_zone));
  auto curve = streams::price_curve_at(*t, zone ? *zone : streams::local_zone{}, start,
                                       static_cast<int>(slots), slot_ms);
  return json_reply(200, streams::price_curve_json(*home, curve, streams::currency_at(*t, start)));
}

http_reply get_plan(const automation_services& s, const http_request& req) {
  auto home = home_only(req);
  if (!home)
    return home.error();
  auto stored = s.db.history()->get_home_value(*home, actors::plan_value);
  if (!stored)
    return storage_failure(stored.error());
  if (!*stored) {
    // No optimizer has planned the home yet: what it would plan from its
    // stored settings alone (not stored; the optimizer's plan replaces it).
    auto in =
        actors::stored_plan_inputs(*s.db.history(), *home, s.time.now_ms(), s.default_time_zone);
    auto plan = streams::plan_home(in);
    plan.notes.push_back(std::string{on_request_note});
    return json_reply(200, streams::home_plan_json(plan));
  }
  return json_reply(200, std::move(**stored));
}

} // namespace

std::vector<route> preference_routes(services_ptr s) {
  using security::permission;
  return {
      {"GET", "/preferences", needs(permission::preferences_read, {home_query()}),
       [s](const http_request& req) { return get_preferences(*s, req); }},
      {"PUT", "/preferences", needs(permission::preferences_write, {home_query()}),
       [s](const http_request& req) { return put_preferences(*s, req); }},
      {"GET", "/tariff", needs(permission::live_read, {home_query()}),
       [s](const http_request& req) { return get_tariff(*s, req); }},
      {"PUT", "/tariff", needs(permission::tariffs_write, {home_query()}),
       [s](const http_request& req) { return put_tariff(*s, req); }},
      {"POST", "/prices", needs(permission::prices_write, {home_query()}),
       [s](const http_request& req) { return post_prices(*s, req); }},
      {"GET", "/prices", needs(permission::live_read, {home_query()}),
       [s](const http_request& req) { return get_prices(*s, req); }},
      {"GET", "/plan", needs(permission::live_read, {home_query()}),
       [s](const http_request& req) { return get_plan(*s, req); }},
  };
}

} // namespace hems::api
