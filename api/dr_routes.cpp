#include "api/dr_routes.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <random>

#include <simdjson.h>

#include "actors/home_optimizer.hpp"
#include "api/cluster_routes.hpp"
#include "api/fleet_routes.hpp"
#include "api/json_body.hpp"
#include "core/json_writer.hpp"
#include "core/sample.hpp"
#include "core/time_format.hpp"
#include "security/home_scope.hpp"
#include "storage/history_store.hpp"
#include "streams/local_time.hpp"
#include "streams/window_stats.hpp"

namespace hems::api {

namespace {

// Stored events are read, changed and written again by REST threads (cancel,
// opt-out) and by the cluster handler (copies from other nodes): one lock
// keeps one change from overwriting another (events change rarely). It is
// not held while a change is shared: sharing asks this node's own handler.
std::mutex& event_writes() {
  static std::mutex m;
  return m;
}

namespace dom = simdjson::dom;
using streams::dr_event;

std::string new_event_id() {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock{mutex};
  char buf[24];
  std::snprintf(buf, sizeof buf, "dr-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

http_reply storage_failure(const error& e) {
  return error_reply(503, "unavailable", "storage: " + e.detail);
}

std::optional<dr_event> parse_stored_event(std::string_view json) {
  dom::parser parser;
  dom::object obj;
  if (parser.parse(json.data(), json.size()).get(obj))
    return std::nullopt;
  dr_event e;
  std::string_view s;
  std::int64_t i;
  double d;
  dom::array a;
  if (obj["id"].get(s))
    return std::nullopt;
  e.id = s;
  if (!obj["group"].get(s))
    e.group = s;
  if (!obj["homes"].get(a))
    for (auto h : a)
      if (!h.get(s))
        e.homes.emplace_back(s);
  if (!obj["start"].get(i))
    e.start_ms = i;
  if (!obj["duration_ms"].get(i))
    e.duration_ms = i;
  if (!obj["notification_ms"].get(i))
    e.notification_ms = i;
  if (!obj["level"].get(i))
    e.level = static_cast<int>(i);
  if (!obj["shed_kw"].get(d))
    e.shed_kw = d;
  if (!obj["created_ms"].get(i))
    e.created_ms = i;
  if (!obj["created_by"].get(s))
    e.created_by = s;
  if (!obj["cancelled_ms"].get(i))
    e.cancelled_ms = i;
  if (!obj["opted_out"].get(a))
    for (auto h : a)
      if (!h.get(s))
        e.opted_out.emplace_back(s);
  return e;
}

void write_event(json_writer& w, const dr_event& e, millis now,
                 const std::function<void(json_writer&)>& more = {}) {
  w.begin_object()
      .field("id", e.id)
      .field("state", streams::to_string(streams::state_at(e, now)))
      .key("group");
  if (e.group.empty())
    w.null();
  else
    w.value(e.group);
  w.key("homes").begin_array();
  for (const auto& h : e.homes)
    w.value(h);
  w.end_array()
      .field("start", e.start_ms)
      .field("end", e.end_ms())
      .field("duration_ms", e.duration_ms)
      .field("notification_ms", e.notification_ms)
      .field("level", e.level)
      .key("shed_kw");
  if (e.shed_kw)
    w.value(*e.shed_kw);
  else
    w.null();
  w.field("created_ms", e.created_ms).field("created_by", e.created_by).key("cancelled_ms");
  if (e.cancelled_ms)
    w.value(*e.cancelled_ms);
  else
    w.null();
  w.key("opted_out").begin_array();
  for (const auto& h : e.opted_out)
    w.value(h);
  w.end_array();
  if (more)
    more(w);
  w.end_object();
}

/// Sends an event (new or changed) to the owners of its homes; nothing on a
/// single node. The answer lists the share that did not get it.
std::optional<cluster::fleet_answer> share_event(dr_services& s, const dr_event& e) {
  if (!s.cluster)
    return std::nullopt;
  return ask_fleet_or_missing(*s.cluster, dr_event_query(e));
}

/// "delivery": which share of the homes got the event (a cluster only).
std::function<void(json_writer&)> delivery_of(const std::optional<cluster::fleet_answer>& a) {
  if (!a)
    return {};
  return [&a](json_writer& w) {
    w.key("delivery")
        .begin_object()
        .field("complete", a->complete())
        .field("homes_reached", cluster::value_or_zero(a->totals, "homes_reached"));
    w.key("missing");
    write_missing_shares(w, a->missing);
    w.end_object();
  };
}

std::expected<streams::dr_request, http_reply> parse_request(const std::string& body) {
  auto bad = [](std::string detail) {
    return std::unexpected(error_reply(400, "invalid", detail));
  };
  dom::parser parser;
  auto doc = parse_json_body(parser, body);
  if (!doc)
    return bad(doc.error());
  dom::object obj;
  if (doc->get(obj))
    return bad("body: expected a JSON object");
  streams::dr_request r;
  auto minutes = [](dom::element v) -> std::optional<millis> {
    double m;
    if (v.get(m) || !std::isfinite(m) || std::fabs(m) > 1e7)
      return std::nullopt;
    return static_cast<millis>(std::llround(m * 60'000));
  };
  for (auto [key, value] : obj) {
    std::string_view s;
    if (key == "group") {
      if (value.get(s) || !is_valid_id(s))
        return bad("group: expected a group id");
      r.group = s;
    } else if (key == "homes") {
      dom::array a;
      if (value.get(a))
        return bad("homes: expected an array of home ids");
      std::size_t i = 0;
      for (auto h : a) {
        if (h.get(s) || !is_valid_id(s))
          return bad("homes[" + std::to_string(i) + "]: expected a home id");
        r.homes.emplace_back(s);
        ++i;
      }
      if (r.homes.empty())
        return bad("homes: expected at least one home");
    } else if (key == "start") {
      std::int64_t ms;
      if (!value.get(ms)) {
        r.start_ms = ms;
      } else if (!value.get(s)) {
        auto t = parse_time(s);
        if (!t)
          return bad("start: expected ms since the epoch or an RFC 3339 time");
        r.start_ms = *t;
      } else {
        return bad("start: expected ms since the epoch or an RFC 3339 time");
      }
    } else if (key == "duration_min") {
      r.duration_ms = minutes(value);
      if (!r.duration_ms)
        return bad("duration_min: expected minutes");
    } else if (key == "notification_min") {
      r.notification_ms = minutes(value);
      if (!r.notification_ms)
        return bad("notification_min: expected minutes");
    } else if (key == "level") {
      std::int64_t level;
      if (value.get(level))
        return bad("level: expected a SIMPLE level 0-3");
      r.level = static_cast<int>(std::clamp<std::int64_t>(level, -1, 4));
    } else if (key == "shed_kw") {
      double kw;
      if (value.get(kw))
        return bad("shed_kw: expected a number of kW");
      r.shed_kw = kw;
    } else {
      return bad("unknown field '" + std::string{key} + "'");
    }
  }
  return r;
}

/// An optional body {"reason": "..."}: nothing else.
std::optional<http_reply> check_reason_body(const std::string& body) {
  if (body.empty())
    return std::nullopt;
  dom::parser parser;
  auto doc = parse_json_body(parser, body);
  if (!doc)
    return error_reply(400, "invalid", doc.error());
  dom::object obj;
  if (doc->get(obj))
    return error_reply(400, "invalid", "body: expected a JSON object");
  for (auto [key, value] : obj) {
    std::string_view s;
    if (key != "reason")
      return error_reply(400, "invalid", "unknown field '" + std::string{key} + "'");
    if (value.get(s) || s.size() > 200)
      return error_reply(400, "invalid", "reason: expected a string of at most 200 characters");
  }
  return std::nullopt;
}

std::string id_param(const http_request& req) {
  auto it = req.params.find("id");
  return it == req.params.end() ? std::string{} : it->second;
}

http_reply post_event(dr_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto r = parse_request(req.body);
  if (!r)
    return r.error();
  if (!r->group.empty()) {
    auto g = read_group(s.db, r->group);
    if (!g)
      return storage_failure(g.error());
    if (!*g)
      return error_reply(404, "not_found", "group: no such group '" + r->group + "'");
    // A group is named in the body by its name, so the authorization layer
    // cannot see its homes: the same rule is applied here.
    for (const auto& m : (*g)->members)
      if (!req.caller->scope.covers(m))
        return error_reply(403, "forbidden",
                           "group: home '" + m + "' is not in this token's scope");
  }
  auto now = s.time.now_ms();
  auto e = streams::make_dr_event(*r, now);
  if (!e)
    return error_reply(400, "invalid", e.error().field + ": " + e.error().detail);
  if (!r->group.empty())
    e->homes = (*read_group(s.db, r->group))->members;
  e->id = new_event_id();
  e->created_by = req.caller->token_id;
  if (auto ok = write_dr_event(s.db, *e); !ok)
    return storage_failure(ok.error());
  if (s.changed)
    s.changed(*e);
  auto delivery = share_event(s, *e);
  json_writer w;
  write_event(w, *e, now, delivery_of(delivery));
  auto reply = json_reply(201, w.take());
  reply.audit = audit_note{e->id, e->homes, std::to_string(e->homes.size()) + " homes"};
  return reply;
}

bool covers_all(const http_request& req, const dr_event& e) {
  return std::all_of(e.homes.begin(), e.homes.end(),
                     [&](const auto& h) { return req.caller->scope.covers(h); });
}

http_reply list_events(dr_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"state"}))
    return *bad;
  auto state = req.query_value("state");
  if (state && *state != "far" && *state != "near" && *state != "active" && *state != "completed" &&
      *state != "cancelled")
    return error_reply(400, "invalid", "state: expected far, near, active, completed or cancelled");
  auto events = read_dr_events(s.db);
  if (!events)
    return storage_failure(events.error());
  auto now = s.time.now_ms();
  json_writer w;
  w.begin_object().key("events").begin_array();
  for (const auto& e : *events)
    if (covers_all(req, e) && (!state || streams::to_string(streams::state_at(e, now)) == *state))
      write_event(w, e, now);
  w.end_array().end_object();
  return json_reply(200, w.take());
}

http_reply get_event(dr_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto e = read_dr_event(s.db, id_param(req));
  if (!e)
    return storage_failure(e.error());
  if (!*e)
    return error_reply(404, "not_found", "no such object: '" + id_param(req) + "'");
  auto now = s.time.now_ms();
  cluster::fleet_answer answer;
  if (s.cluster) {
    // Each owner reports its homes; the share of a node that is down is listed.
    cluster::fleet_query q;
    q.kind = dr_report_kind;
    q.all_homes = false;
    q.homes = (*e)->homes;
    q.params["id"] = (*e)->id;
    q.params["event"] = dr_event_json(**e, now);
    auto a = ask_fleet(*s.cluster, q);
    if (!a)
      return a.error();
    answer = std::move(*a);
  } else {
    auto part = dr_report_part(s.db, **e, now, s.default_time_zone, {});
    if (!part.error.empty())
      return error_reply(503, "unavailable", part.error);
    answer = cluster::merge_parts(dr_report_kind, {std::move(part)}, {});
  }
  // The kW targets are split over every participating home that answered.
  std::vector<double> baseline_avg;
  for (const auto& r : answer.rows)
    baseline_avg.push_back(cluster::value_or_zero(r.values, "participating") > 0
                               ? cluster::value_or_zero(r.values, "baseline_avg_kw")
                               : 0.0);
  auto targets = streams::shed_targets_kw(**e, baseline_avg);
  json_writer w;
  w.begin_object().key("event");
  write_event(w, **e, now);
  w.key("report").begin_object().field("baseline_method", "caiso_10_in_10_day_of_adjusted");
  double target = 0, shed_kwh = 0, baseline_kwh = 0, actual_kwh = 0;
  std::uint64_t participating = 0;
  w.key("homes").begin_array();
  for (std::size_t i = 0; i < answer.rows.size(); ++i) {
    const auto& v = answer.rows[i].values;
    bool takes_part = cluster::value_or_zero(v, "participating") > 0;
    bool has_baseline = cluster::value_or_zero(v, "has_baseline") > 0;
    double target_kw = takes_part ? targets[i] : 0.0;
    w.begin_object()
        .field("home", answer.rows[i].key)
        .field("participating", takes_part)
        .field("target_kw", target_kw)
        .key("baseline_avg_kw");
    if (has_baseline)
      w.value(cluster::value_or_zero(v, "baseline_avg_kw"));
    else
      w.null();
    w.key("adjustment");
    if (has_baseline)
      w.value(cluster::value_or_zero(v, "adjustment"));
    else
      w.null();
    w.field("shed_kwh", cluster::value_or_zero(v, "shed_kwh"))
        .field("average_shed_kw", cluster::value_or_zero(v, "average_shed_kw"))
        .field("quarters_known",
               static_cast<std::int64_t>(cluster::value_or_zero(v, "quarters_known")))
        .end_object();
    if (takes_part) {
      target += target_kw;
      shed_kwh += cluster::value_or_zero(v, "shed_kwh");
      baseline_kwh += cluster::value_or_zero(v, "baseline_kwh");
      actual_kwh += cluster::value_or_zero(v, "actual_kwh");
      ++participating;
    }
  }
  w.end_array();
  std::int64_t quarters_known = 0;
  for (const auto& [name, value] : answer.totals)
    quarters_known += name.starts_with("max_known_") && value > 0;
  w.key("total")
      .begin_object()
      .field("participating", participating)
      .field("target_kw", target)
      .field("baseline_kwh", baseline_kwh)
      .field("actual_kwh", actual_kwh)
      .field("shed_kwh", shed_kwh)
      .field("average_shed_kw", quarters_known ? shed_kwh / (quarters_known * 0.25) : 0.0)
      .end_object();
  w.key("missing");
  write_missing_shares(w, answer.missing);
  w.field("complete", answer.complete()).end_object().end_object();
  return json_reply(200, w.take());
}

http_reply cancel_event(dr_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  if (auto bad = check_reason_body(req.body))
    return *bad;
  std::unique_lock lock{event_writes()};
  auto e = read_dr_event(s.db, id_param(req));
  if (!e)
    return storage_failure(e.error());
  if (!*e)
    return error_reply(404, "not_found", "no such object: '" + id_param(req) + "'");
  auto now = s.time.now_ms();
  if (auto done = streams::cancel(**e, now); !done)
    return error_reply(409, "conflict", done.error());
  if (auto ok = write_dr_event(s.db, **e); !ok)
    return storage_failure(ok.error());
  lock.unlock();
  if (s.changed)
    s.changed(**e);
  auto delivery = share_event(s, **e);
  json_writer w;
  write_event(w, **e, now, delivery_of(delivery));
  auto reply = json_reply(200, w.take());
  reply.audit = audit_note{(*e)->id, (*e)->homes, "cancelled"};
  return reply;
}

http_reply opt_out_event(dr_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"home"}))
    return *bad;
  if (auto bad = check_reason_body(req.body))
    return *bad;
  auto home = home_param(req);
  if (!home)
    return home.error();
  std::unique_lock lock{event_writes()};
  auto e = read_dr_event(s.db, id_param(req));
  if (!e)
    return storage_failure(e.error());
  // An event that does not target the home is none of its business: 404 alike.
  if (!*e || !std::binary_search((*e)->homes.begin(), (*e)->homes.end(), *home))
    return error_reply(404, "not_found", "no such object: '" + id_param(req) + "'");
  auto now = s.time.now_ms();
  if (auto done = streams::opt_out(**e, *home, now); !done)
    return error_reply(409, "conflict", done.error());
  if (auto ok = write_dr_event(s.db, **e); !ok)
    return storage_failure(ok.error());
  lock.unlock();
  if (s.changed)
    s.changed(**e);
  share_event(s, **e); // the node that was asked for it keeps its copy in step
  json_writer w;
  w.begin_object()
      .field("event", (*e)->id)
      .field("home", *home)
      .field("opted_out", true)
      .field("state", streams::to_string(streams::state_at(**e, now)))
      .end_object();
  auto reply = json_reply(200, w.take());
  reply.audit = audit_note{(*e)->id, {}, "opt-out of " + *home};
  return reply;
}

std::string home_path_param(const http_request& req) {
  auto it = req.params.find("home");
  return it == req.params.end() ? std::string{} : it->second;
}

std::string standing_json(const std::string& home, bool opt_out) {
  json_writer w;
  w.begin_object().field("home", home).field("opt_out", opt_out).end_object();
  return w.take();
}

http_reply get_standing(dr_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto home = home_path_param(req);
  return json_reply(200, standing_json(home, !standing_opt_outs(s.db, {home}).empty()));
}

http_reply put_standing(dr_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto home = home_path_param(req);
  if (!s.db.history())
    return error_reply(503, "unavailable", "this server keeps no home values");
  dom::parser parser;
  auto doc = parse_json_body(parser, req.body);
  if (!doc)
    return error_reply(400, "invalid", doc.error());
  dom::object obj;
  if (doc->get(obj))
    return error_reply(400, "invalid", "body: expected a JSON object");
  std::optional<bool> opt_out;
  for (auto [key, value] : obj) {
    bool b;
    if (key != "opt_out")
      return error_reply(400, "invalid", "unknown field '" + std::string{key} + "'");
    if (value.get(b))
      return error_reply(400, "invalid", "opt_out: expected true or false");
    opt_out = b;
  }
  if (!opt_out)
    return error_reply(400, "invalid", "opt_out: required");
  if (auto ok = s.db.history()->put_home_value(home, "dr_opt_out", *opt_out ? "1" : "0"); !ok)
    return storage_failure(ok.error());
  auto reply = json_reply(200, standing_json(home, *opt_out));
  reply.audit = audit_note{home, {}, *opt_out ? "standing opt-out" : "standing opt-in"};
  return reply;
}

result<std::optional<std::vector<std::string>>> the_home(std::string_view home) {
  return std::optional<std::vector<std::string>>{std::vector<std::string>{std::string{home}}};
}

streams::local_zone zone_of(storage::history_store* history, const std::string& home,
                            const std::string& fallback) {
  std::string name = fallback.empty() ? std::string{"UTC"} : fallback;
  if (history)
    name = actors::stored_time_zone(*history, home, name);
  auto zone = streams::local_zone::from_name(name);
  return zone ? *zone : streams::local_zone{};
}

} // namespace

std::string dr_event_json(const dr_event& e, millis now) {
  json_writer w;
  write_event(w, e, now);
  return w.take();
}

result<std::optional<dr_event>> read_dr_event(storage::store& db, std::string_view id) {
  if (!is_valid_id(id))
    return std::optional<dr_event>{};
  auto got = db.get_record(storage::collection::dr_events, id);
  if (!got)
    return std::unexpected(got.error());
  if (!*got)
    return std::optional<dr_event>{};
  return parse_stored_event(**got);
}

result<std::vector<dr_event>> read_dr_events(storage::store& db) {
  std::vector<dr_event> out;
  auto read = storage::for_each_record(db, storage::collection::dr_events,
                                       [&](std::string_view, std::string_view value) {
                                         if (auto e = parse_stored_event(value))
                                           out.push_back(std::move(*e));
                                       });
  if (!read)
    return std::unexpected(read.error());
  std::sort(out.begin(), out.end(),
            [](const dr_event& a, const dr_event& b) { return a.start_ms > b.start_ms; });
  return out;
}

result<void> write_dr_event(storage::store& db, const dr_event& e) {
  return db.put_record(storage::collection::dr_events, e.id, dr_event_json(e, e.created_ms));
}

std::vector<std::string> standing_opt_outs(storage::store& db,
                                           const std::vector<std::string>& homes) {
  std::vector<std::string> out;
  auto* history = db.history();
  if (!history)
    return out;
  for (const auto& h : homes) {
    auto v = history->get_home_value(h, "dr_opt_out");
    if (v && *v && **v == "1")
      out.push_back(h);
  }
  return out;
}

std::vector<storage::notification_record>
dr_notifications(const std::vector<std::string>& homes, const dr_event& e, std::string_view what) {
  std::vector<storage::notification_record> out;
  const bool cancelled = what == "cancelled";
  const millis ts = cancelled && e.cancelled_ms ? *e.cancelled_ms : e.created_ms;
  std::string when = format_rfc3339(e.start_ms);
  std::string ask =
      e.shed_kw ? "to use less power" : "to use less power (level " + std::to_string(e.level) + ")";
  for (const auto& home : homes) {
    json_writer w;
    w.begin_object()
        .field("home", home)
        .field("ts", ts)
        .field("ts_ms", ts)
        .field("kind", "dr_event")
        .field("subject", e.id)
        .field("severity", cancelled ? "info" : "warning")
        .field("title", cancelled ? "Demand response event cancelled" : "Demand response event")
        .field("message", cancelled ? "The utility cancelled its request for " + when + "."
                                    : "The utility asks homes " + ask + " from " + when + " for " +
                                          std::to_string(e.duration_ms / 60'000) +
                                          " minutes. Automation shifts flexible loads; you can opt "
                                          "out.")
        .key("evidence")
        .begin_object()
        .field("event", e.id)
        .field("start_ms", e.start_ms)
        .field("end_ms", e.end_ms())
        .field("level", e.level)
        .key("shed_kw");
    if (e.shed_kw)
      w.value(*e.shed_kw);
    else
      w.null();
    w.field("what", what).end_object().end_object();
    storage::notification_record r;
    r.home = home;
    r.ts = ts;
    r.kind = "dr_event";
    r.subject = e.id + (cancelled ? ":cancelled" : "");
    r.json = w.take();
    out.push_back(std::move(r));
  }
  return out;
}

owner_lookup dr_event_owner(storage::store& db) {
  return [&db](std::string_view id) -> result<std::optional<std::vector<std::string>>> {
    auto e = read_dr_event(db, id);
    if (!e)
      return std::unexpected(e.error());
    if (!*e)
      return std::optional<std::vector<std::string>>{};
    return std::optional<std::vector<std::string>>{(*e)->homes};
  };
}

result<std::vector<dr_home_report>> dr_report(storage::store& db, const dr_event& e,
                                              const std::vector<dr_event>& all_events, millis now,
                                              const std::string& default_time_zone,
                                              const cluster::home_predicate& counts) {
  std::vector<std::string> homes;
  for (const auto& h : e.homes)
    if (!counts || counts(h))
      homes.push_back(h);
  std::vector<dr_home_report> out;
  auto standing = standing_opt_outs(db, homes);
  auto taking_part = streams::participants(e, standing);
  const auto state = streams::state_at(e, now);
  auto* history = db.history();
  for (const auto& home : homes) {
    dr_home_report r;
    r.home = home;
    r.participating = std::binary_search(taking_part.begin(), taking_part.end(), home);
    if (history) {
      // The home's own days and wall-clock quarter hours (docs/FLEET.md).
      auto zone = zone_of(history, home, default_time_zone);
      auto at = streams::local_slot_of(e.start_ms, zone);
      const std::int64_t event_day = at.day;
      const int start_slot = at.slot;
      // Events crossing local midnight are reported up to midnight.
      const int end_slot = streams::local_end_slot(event_day, e.end_ms(), zone);
      storage::window_query q;
      q.home = home;
      q.series = std::string{streams::home_series};
      q.res = streams::resolution::m15;
      q.from = zone.at(event_day - 45, 0);
      q.to = std::min(now, zone.at(event_day + 1, 0));
      auto rows = history->read_windows(q);
      if (!rows)
        return std::unexpected(rows.error());
      std::vector<streams::quarter_energy> quarters;
      quarters.reserve(rows->size());
      for (const auto& row : *rows)
        quarters.push_back({row.start, row.stats.energy_wh});
      auto days = streams::local_days(quarters, zone);
      std::vector<streams::baseline_day> past;
      streams::baseline_day today;
      today.day = event_day;
      today.weekend = streams::weekday_of(event_day) >= 5;
      today.kw.assign(streams::dr_slots_per_day, NAN);
      // The home's other event days (events it took part in, not cancelled
      // before they started), in its own calendar.
      std::vector<std::int64_t> event_days;
      for (const auto& other : all_events)
        if (other.id != e.id && std::binary_search(other.homes.begin(), other.homes.end(), home) &&
            !(other.cancelled_ms && *other.cancelled_ms <= other.start_ms))
          event_days.push_back(streams::local_slot_of(other.start_ms, zone).day);
      for (auto& [day, d] : days) {
        d.event_day = std::find(event_days.begin(), event_days.end(), day) != event_days.end();
        if (day == event_day)
          today = d;
        else
          past.push_back(std::move(d));
      }
      r.baseline = streams::caiso_baseline(past, today, start_slot);
      if (r.baseline) {
        double sum = 0;
        for (int t = start_slot; t < end_slot; ++t)
          sum += r.baseline->kw[t];
        r.baseline_avg_kw = end_slot > start_slot ? sum / (end_slot - start_slot) : 0.0;
        if (state != streams::dr_state::far && state != streams::dr_state::near)
          r.shed = streams::achieved_shed(*r.baseline, today.kw, start_slot, end_slot);
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

cluster::fleet_part dr_report_part(storage::store& db, const dr_event& e, millis now,
                                   const std::string& default_time_zone,
                                   const cluster::home_predicate& counts) {
  cluster::fleet_part part;
  auto all = read_dr_events(db);
  if (!all) {
    part.error = "storage: " + all.error().detail;
    return part;
  }
  auto report = dr_report(db, e, *all, now, default_time_zone, counts);
  if (!report) {
    part.error = "storage: " + report.error().detail;
    return part;
  }
  for (const auto& h : *report) {
    cluster::fleet_row r;
    r.key = h.home;
    auto& v = r.values;
    v["participating"] = h.participating ? 1 : 0;
    v["has_baseline"] = h.baseline ? 1 : 0;
    v["baseline_avg_kw"] = h.baseline_avg_kw;
    v["adjustment"] = h.baseline ? h.baseline->adjustment : 1.0;
    v["shed_kwh"] = h.shed.shed_kwh;
    v["baseline_kwh"] = h.shed.baseline_kwh;
    v["actual_kwh"] = h.shed.actual_kwh;
    v["average_shed_kw"] = h.shed.average_shed_kw;
    v["quarters_known"] = h.shed.slots_known;
    part.rows.push_back(std::move(r));
    if (h.participating)
      for (std::size_t t = 0; t < h.shed.shed_kw.size(); ++t)
        if (std::isfinite(h.shed.shed_kw[t]))
          part.totals["max_known_" + std::to_string(t)] = 1;
  }
  return part;
}

cluster::fleet_query dr_event_query(const dr_event& e) {
  cluster::fleet_query q;
  q.kind = dr_event_kind;
  q.all_homes = false;
  q.homes = e.homes;
  q.params["event"] = dr_event_json(e, e.created_ms);
  return q;
}

std::vector<cluster::fleet_query> dr_events_to_resend(storage::store& db, millis now) {
  std::vector<cluster::fleet_query> out;
  if (auto events = read_dr_events(db))
    for (const auto& e : *events)
      if (e.end_ms() > now)
        out.push_back(dr_event_query(e));
  return out;
}

std::optional<dr_event> parse_dr_event_json(std::string_view json) {
  return parse_stored_event(json);
}

dr_event merged_event(dr_event mine, const dr_event& theirs) {
  std::vector<std::string> opted;
  std::set_union(mine.opted_out.begin(), mine.opted_out.end(), theirs.opted_out.begin(),
                 theirs.opted_out.end(), std::back_inserter(opted));
  mine.opted_out = std::move(opted);
  if (theirs.cancelled_ms && (!mine.cancelled_ms || *theirs.cancelled_ms < *mine.cancelled_ms))
    mine.cancelled_ms = theirs.cancelled_ms;
  return mine;
}

cluster::fleet_handler dr_event_handler(storage::store& db,
                                        std::function<void(const dr_event&)> changed) {
  return [&db, changed](const cluster::fleet_query& q, const cluster::home_predicate& counts) {
    cluster::fleet_part part;
    auto it = q.params.find("event");
    auto e = it == q.params.end() ? std::nullopt : parse_dr_event_json(it->second);
    if (!e || !is_valid_id(e->id)) {
      part.error = "dr_event: no event in the query";
      return part;
    }
    std::size_t mine = 0;
    for (const auto& h : e->homes)
      mine += counts(h);
    std::unique_lock lock{event_writes()};
    auto stored = read_dr_event(db, e->id);
    if (!stored) {
      part.error = "storage: " + stored.error().detail;
      return part;
    }
    part.totals["homes_reached"] = static_cast<double>(mine);
    if (mine == 0 && !*stored)
      return part; // none of its business
    auto event = *stored ? merged_event(std::move(**stored), *e) : std::move(*e);
    if (auto ok = write_dr_event(db, event); !ok) {
      part.error = "storage: " + ok.error().detail;
      return part;
    }
    lock.unlock();
    if (changed)
      changed(event);
    return part;
  };
}

cluster::fleet_handler dr_report_handler(storage::store& db, const clock& time,
                                         std::string default_time_zone) {
  return [&db, &time, default_time_zone](const cluster::fleet_query& q,
                                         const cluster::home_predicate& counts) {
    std::optional<dr_event> e;
    if (auto it = q.params.find("event"); it != q.params.end())
      e = parse_dr_event_json(it->second);
    if (auto it = q.params.find("id"); it != q.params.end())
      if (auto stored = read_dr_event(db, it->second); stored && *stored)
        e = e ? merged_event(std::move(**stored), *e) : std::move(**stored);
    if (!e) {
      cluster::fleet_part part;
      part.error = "dr_report: no such event";
      return part;
    }
    return dr_report_part(db, *e, time.now_ms(), default_time_zone, counts);
  };
}

std::vector<route> dr_routes(std::shared_ptr<dr_services> s) {
  using security::permission;
  auto homes_of_event = dr_event_owner(s->db);
  return {
      {"POST", "/dr/events", needs(permission::demand_response, {home_in_body("/homes")}),
       [s](const http_request& req) { return post_event(*s, req); }},
      {"GET", "/dr/events", needs(permission::fleet_read),
       [s](const http_request& req) { return list_events(*s, req); }},
      {"GET", "/dr/events/:id", needs(permission::fleet_read, {home_of("id", homes_of_event)}),
       [s](const http_request& req) { return get_event(*s, req); }},
      {"POST", "/dr/events/:id/cancel",
       needs(permission::demand_response, {home_of("id", homes_of_event)}),
       [s](const http_request& req) { return cancel_event(*s, req); }},
      // A resident opts their home out of an event that may span many homes:
      // the home is checked, and the handler answers 404 unless the event
      // targets it.
      {"POST", "/dr/events/:id/opt_out", needs(permission::preferences_write, {home_query()}),
       [s](const http_request& req) { return opt_out_event(*s, req); }},
      {"GET", "/homes/:home/dr_opt_out",
       needs(permission::preferences_read, {home_of("home", the_home)}),
       [s](const http_request& req) { return get_standing(*s, req); }},
      {"PUT", "/homes/:home/dr_opt_out",
       needs(permission::preferences_write, {home_of("home", the_home)}),
       [s](const http_request& req) { return put_standing(*s, req); }},
  };
}

} // namespace hems::api
