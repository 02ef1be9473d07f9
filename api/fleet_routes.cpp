#include "api/fleet_routes.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

#include "actors/home_view.hpp"
#include "actors/live_board.hpp"
#include "api/cluster_routes.hpp"
#include "api/json_body.hpp"
#include "core/json_writer.hpp"
#include "core/sample.hpp"
#include "security/home_scope.hpp"
#include "storage/history_store.hpp"
#include "streams/window_stats.hpp"

namespace hems::api {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t max_members = 100'000;
/// A fleet answer holds at most this many windows (as GET /usage).

class local_source final : public fleet_source {
public:
  local_source(std::shared_ptr<const actors::live_board> board, actors::live_settings settings,
               storage::history_store* history)
      : board_(std::move(board)), settings_(std::move(settings)), history_(history) {}

  std::vector<std::string> homes() override { return board_->homes(); }

  std::vector<fleet_home_status> statuses(const std::vector<std::string>& homes) override {
    std::vector<fleet_home_status> out;
    for (const auto& home : homes) {
      auto view = board_->view(home, settings_);
      if (!view.found)
        continue;
      fleet_home_status s;
      s.home = home;
      s.power_w = view.total_power_w;
      for (const auto& d : view.devices) {
        ++s.devices;
        s.devices_online += d.online;
        s.last_seen_ms = std::max(s.last_seen_ms, d.status.last_seen_ms);
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  streams::fleet_usage_part usage(const std::vector<std::string>& homes,
                                  const std::optional<fleet_window_query>& q) override {
    streams::fleet_usage_part part;
    std::vector<streams::fleet_window> rows;
    for (const auto& home : homes) {
      auto view = board_->view(home, settings_);
      if (!view.found)
        continue; // not a home of this node (or no device yet)
      bool online = std::any_of(view.devices.begin(), view.devices.end(),
                                [](const auto& d) { return d.online; });
      if (q && history_) {
        auto got = history_->read_windows(
            {home, std::string{streams::home_series}, q->res, q->from, q->to});
        if (!got) {
          part.missing.push_back(home);
          continue;
        }
        rows.clear();
        rows.reserve(got->size());
        for (const auto& r : *got)
          rows.push_back({r.start, r.end, r.stats.energy_wh, r.stats.max_power_w.value_or(0.0), 1});
        streams::add_home_windows(part, rows);
      }
      part.live_power_w += view.total_power_w;
      part.homes_online += online;
      part.answered.push_back(home);
    }
    std::sort(part.answered.begin(), part.answered.end());
    std::sort(part.missing.begin(), part.missing.end());
    return part;
  }

private:
  std::shared_ptr<const actors::live_board> board_;
  actors::live_settings settings_;
  storage::history_store* history_;
};

std::string group_json(const fleet_group& g) {
  json_writer w;
  w.begin_object().field("group", g.name).field("kind", g.kind).key("members").begin_array();
  for (const auto& m : g.members)
    w.value(m);
  w.end_array().key("limit_kw");
  if (g.limit_kw)
    w.value(*g.limit_kw);
  else
    w.null();
  w.field("updated_ms", g.updated_ms).end_object();
  return w.take();
}

std::optional<fleet_group> parse_stored_group(std::string_view name, std::string_view json) {
  if (json.empty())
    return std::nullopt; // deleted
  dom::parser parser;
  dom::object obj;
  if (parser.parse(json.data(), json.size()).get(obj))
    return std::nullopt;
  fleet_group g;
  g.name = name;
  std::string_view s;
  if (!obj["kind"].get(s))
    g.kind = s;
  dom::array members;
  if (!obj["members"].get(members))
    for (auto m : members)
      if (!m.get(s))
        g.members.emplace_back(s);
  double limit;
  if (!obj["limit_kw"].get(limit))
    g.limit_kw = limit;
  std::int64_t updated;
  if (!obj["updated_ms"].get(updated))
    g.updated_ms = updated;
  return g;
}

http_reply storage_failure(const error& e) {
  return error_reply(503, "unavailable", "storage: " + e.detail);
}

/// The homes a fleet question is about: the caller's (every home of the
/// fleet for an all-homes scope), narrowed to a group's members when one is
/// named. A group is resolved here, on the node asked, into its home ids.
std::expected<fleet_selection, http_reply> homes_asked(fleet_services& s, const http_request& req,
                                                       std::optional<fleet_group>* group_out) {
  const auto& scope = req.caller->scope;
  fleet_selection asked;
  if (auto name = req.query_value("group")) {
    if (!is_valid_id(*name))
      return std::unexpected(
          error_reply(400, "invalid", "group: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)"));
    auto g = read_group(s.db, *name);
    if (!g)
      return std::unexpected(storage_failure(g.error()));
    if (!*g)
      return std::unexpected(
          error_reply(404, "not_found", "no such group: '" + std::string{*name} + "'"));
    asked.all = false;
    for (const auto& m : (*g)->members)
      if (scope.covers(m))
        asked.homes.push_back(m);
    if (group_out)
      *group_out = std::move(*g);
  } else if (!scope.all()) {
    asked.all = false;
    asked.homes = scope.homes();
  }
  return asked;
}

http_reply get_fleet_homes(fleet_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"group"}))
    return *bad;
  auto asked = homes_asked(s, req, nullptr);
  if (!asked)
    return asked.error();
  auto groups = read_groups(s.db);
  if (!groups)
    return storage_failure(groups.error());
  std::map<std::string, std::vector<std::string>, std::less<>> groups_of;
  for (const auto& g : *groups)
    for (const auto& m : g.members)
      groups_of[m].push_back(g.name);
  auto statuses = s.source->statuses_of(*asked);
  if (!statuses)
    return statuses.error();
  json_writer w;
  w.begin_object().field("as_of_ms", s.time.now_ms()).key("homes").begin_array();
  for (const auto& h : statuses->homes) {
    w.begin_object()
        .field("home", h.home)
        .field("devices", static_cast<std::uint64_t>(h.devices))
        .field("devices_online", static_cast<std::uint64_t>(h.devices_online))
        .field("power_w", h.power_w)
        .field("last_seen_ms", h.last_seen_ms)
        .key("groups")
        .begin_array();
    if (auto it = groups_of.find(h.home); it != groups_of.end())
      for (const auto& g : it->second)
        w.value(g);
    w.end_array().end_object();
  }
  w.end_array().key("missing");
  write_missing_shares(w, statuses->missing);
  w.field("complete", statuses->missing.empty()).end_object();
  return json_reply(200, w.take());
}

http_reply get_fleet_usage(fleet_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"group", "from", "to", "resolution"}))
    return *bad;
  std::optional<fleet_window_query> q;
  if (auto res_text = req.query_value("resolution")) {
    auto res = streams::parse_resolution(*res_text);
    if (!res)
      return error_reply(400, "invalid", "resolution: expected 1m, 15m, 1h or 1d");
    auto range = window_range_param(req, *res);
    if (!range)
      return range.error();
    q = fleet_window_query{*res, range->from, range->to};
  } else if (req.query_value("from") || req.query_value("to")) {
    return error_reply(400, "invalid", "resolution: required with from and to");
  }
  std::optional<fleet_group> group;
  auto asked = homes_asked(s, req, &group);
  if (!asked)
    return asked.error();
  auto usage = s.source->usage_of(*asked, q);
  if (!usage)
    return usage.error();
  const auto& part = usage->part;
  json_writer w;
  w.begin_object().key("group");
  if (group)
    w.value(group->name);
  else
    w.null();
  w.field("as_of_ms", s.time.now_ms())
      .field("homes", static_cast<std::uint64_t>(usage->homes))
      .field("homes_answered", static_cast<std::uint64_t>(usage->homes_answered))
      .key("missing")
      .begin_array();
  for (const auto& m : part.missing)
    w.value(m);
  w.end_array().key("missing_nodes");
  write_missing_shares(w, usage->missing);
  w.field("complete", usage->missing.empty() && part.missing.empty())
      .key("live")
      .begin_object()
      .field("power_w", part.live_power_w)
      .field("homes_online", static_cast<std::uint64_t>(part.homes_online))
      .end_object();
  if (q) {
    w.field("resolution", streams::to_string(q->res))
        .field("from", q->from)
        .field("to", q->to)
        .key("windows")
        .begin_array();
    for (const auto& fw : part.windows) {
      double hours = static_cast<double>(fw.end - fw.start) / 3'600'000.0;
      w.begin_object()
          .field("start", fw.start)
          .field("end", fw.end)
          .field("energy_wh", fw.energy_wh)
          .field("avg_power_w", hours > 0 ? fw.energy_wh / hours : 0.0)
          .field("max_home_power_w", fw.max_home_power_w)
          .field("homes", static_cast<std::uint64_t>(fw.homes))
          .end_object();
    }
    w.end_array();
  }
  w.end_object();
  return json_reply(200, w.take());
}

// -- the cluster's fleet source and the handlers each node answers with -------

/// The homes of the selection this node owns (all: those it knows).
std::vector<std::string> owned_homes(fleet_source& local, const cluster::fleet_query& q,
                                     const cluster::home_predicate& counts) {
  std::vector<std::string> out;
  for (auto& h : q.all_homes ? local.homes() : q.homes)
    if (counts(h))
      out.push_back(h);
  return out;
}

std::optional<millis> number_param(const cluster::fleet_query& q, const std::string& name) {
  auto it = q.params.find(name);
  if (it == q.params.end())
    return std::nullopt;
  millis v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || end != it->second.data() + it->second.size())
    return std::nullopt;
  return v;
}

/// Row keys sort as their numbers: starts are zero-padded to 16 digits.
std::string window_key(millis start) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016lld", static_cast<long long>(start));
  return buf;
}

cluster::fleet_query query_of(std::string kind, const fleet_selection& asked) {
  cluster::fleet_query q;
  q.kind = std::move(kind);
  q.all_homes = asked.all;
  q.homes = asked.homes;
  return q;
}

/// The homes listed in the selection that a missing node owns are missing too.
void add_missing_homes(std::vector<std::string>& into,
                       const std::vector<cluster::missing_share>& missing) {
  for (const auto& m : missing)
    into.insert(into.end(), m.homes.begin(), m.homes.end());
  std::sort(into.begin(), into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

class cluster_source final : public fleet_source {
public:
  explicit cluster_source(std::shared_ptr<cluster_services> cluster)
      : cluster_(std::move(cluster)) {}

  std::vector<std::string> homes() override {
    std::vector<std::string> out;
    if (auto got = statuses_of(fleet_selection{}))
      for (const auto& s : got->homes)
        out.push_back(s.home);
    return out;
  }
  std::vector<fleet_home_status> statuses(const std::vector<std::string>& homes) override {
    auto got = statuses_of(fleet_selection{false, homes});
    return got ? std::move(got->homes) : std::vector<fleet_home_status>{};
  }
  streams::fleet_usage_part usage(const std::vector<std::string>& homes,
                                  const std::optional<fleet_window_query>& q) override {
    auto got = usage_of(fleet_selection{false, homes}, q);
    return got ? std::move(got->part) : streams::fleet_usage_part{};
  }

  std::expected<fleet_statuses, http_reply> statuses_of(const fleet_selection& asked) override {
    auto a = ask_fleet(*cluster_, query_of(fleet_homes_kind, asked));
    if (!a)
      return std::unexpected(a.error());
    fleet_statuses out;
    for (const auto& r : a->rows) {
      auto value = [&](const char* name) { return cluster::value_or_zero(r.values, name); };
      fleet_home_status st;
      st.home = r.key;
      st.devices = static_cast<std::uint32_t>(value("devices"));
      st.devices_online = static_cast<std::uint32_t>(value("devices_online"));
      st.power_w = value("power_w");
      st.last_seen_ms = static_cast<millis>(value("max_last_seen_ms"));
      out.homes.push_back(std::move(st));
    }
    out.missing = std::move(a->missing);
    return out;
  }

  std::expected<fleet_usage_answer, http_reply>
  usage_of(const fleet_selection& asked, const std::optional<fleet_window_query>& wq) override {
    auto q = query_of(fleet_usage_kind, asked);
    if (wq) {
      q.params["resolution"] = std::string{streams::to_string(wq->res)};
      q.params["from"] = std::to_string(wq->from);
      q.params["to"] = std::to_string(wq->to);
    }
    auto a = ask_fleet(*cluster_, q);
    if (!a)
      return std::unexpected(a.error());
    auto total = [&](const char* name) { return cluster::value_or_zero(a->totals, name); };
    fleet_usage_answer out;
    out.homes = asked.all ? static_cast<std::size_t>(total("homes")) : asked.homes.size();
    out.homes_answered = static_cast<std::size_t>(total("homes_answered"));
    out.part.live_power_w = total("power_w");
    out.part.homes_online = static_cast<std::uint32_t>(total("homes_online"));
    for (const auto& r : a->rows) {
      auto value = [&](const char* name) { return cluster::value_or_zero(r.values, name); };
      streams::fleet_window fw;
      fw.start = std::stoll(r.key);
      fw.end = static_cast<millis>(value("max_end"));
      fw.energy_wh = value("energy_wh");
      fw.max_home_power_w = value("max_home_power_w");
      fw.homes = static_cast<std::uint32_t>(value("homes"));
      out.part.windows.push_back(fw);
    }
    out.part.missing = std::move(a->missing_homes);
    add_missing_homes(out.part.missing, a->missing);
    out.missing = std::move(a->missing);
    return out;
  }

private:
  std::shared_ptr<cluster_services> cluster_;
};

std::expected<fleet_group, http_reply> parse_group(std::string_view name, const std::string& body,
                                                   millis now) {
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
  fleet_group g;
  g.name = name;
  g.updated_ms = now;
  bool has_members = false;
  for (auto [key, value] : obj) {
    std::string_view s;
    if (key == "kind") {
      if (value.get(s) || (s != "feeder" && s != "region" && s != "programme"))
        return bad("kind: expected feeder, region or programme");
      g.kind = s;
    } else if (key == "members") {
      dom::array members;
      if (value.get(members))
        return bad("members: expected an array of home ids");
      has_members = true;
      std::size_t i = 0;
      for (auto m : members) {
        if (m.get(s) || !is_valid_id(s))
          return bad("members[" + std::to_string(i) + "]: expected a home id");
        g.members.emplace_back(s);
        ++i;
      }
      if (g.members.empty() || g.members.size() > max_members)
        return bad("members: expected 1 to 100000 homes");
    } else if (key == "limit_kw") {
      double limit;
      if (value.get(limit) || !std::isfinite(limit) || limit <= 0)
        return bad("limit_kw: expected a positive number of kW");
      g.limit_kw = limit;
    } else {
      return bad("unknown field '" + std::string{key} + "'");
    }
  }
  if (g.kind.empty())
    return bad("kind: required (feeder, region or programme)");
  if (!has_members)
    return bad("members: required");
  std::sort(g.members.begin(), g.members.end());
  g.members.erase(std::unique(g.members.begin(), g.members.end()), g.members.end());
  return g;
}

/// Sends a group's definition (empty: deleted) to every member; nothing on a
/// single node. The answer lists the members that did not get it.
std::optional<cluster::fleet_answer> share_group(fleet_services& s, const std::string& name,
                                                 const std::string& json) {
  if (!s.cluster)
    return std::nullopt;
  return ask_fleet_or_missing(*s.cluster, fleet_group_query(name, json));
}

/// `json` (an object) with "delivery": which members did not get it (a cluster).
std::string with_delivery(std::string json, const std::optional<cluster::fleet_answer>& a) {
  if (!a || json.empty() || json.back() != '}')
    return json;
  json_writer w;
  w.begin_object().field("complete", a->complete()).key("missing");
  write_missing_shares(w, a->missing);
  w.end_object();
  json.pop_back();
  return json + ",\"delivery\":" + w.take() + "}";
}

std::string group_param(const http_request& req) {
  auto it = req.params.find("group");
  return it == req.params.end() ? std::string{} : it->second;
}

http_reply put_group(fleet_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto name = group_param(req);
  if (!is_valid_id(name))
    return error_reply(400, "invalid", "group: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  auto g = parse_group(name, req.body, s.time.now_ms());
  if (!g)
    return g.error();
  // Replacing a group needs the scope of its present members too, or an
  // operator could take homes out of another operator's group.
  auto old = read_group(s.db, name);
  if (!old)
    return storage_failure(old.error());
  if (*old)
    for (const auto& m : (*old)->members)
      if (!req.caller->scope.covers(m))
        return error_reply(404, "not_found", "no such object: '" + name + "'");
  if (auto ok = write_group(s.db, *g); !ok)
    return storage_failure(ok.error());
  auto json = group_json(*g);
  auto reply = json_reply(*old ? 200 : 201, with_delivery(json, share_group(s, name, json)));
  reply.audit = audit_note{name, {}, std::to_string(g->members.size()) + " members"};
  return reply;
}

http_reply get_group(fleet_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto g = read_group(s.db, group_param(req));
  if (!g)
    return storage_failure(g.error());
  if (!*g)
    return error_reply(404, "not_found", "no such object: '" + group_param(req) + "'");
  return json_reply(200, group_json(**g));
}

http_reply delete_group(fleet_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto name = group_param(req);
  if (auto ok = s.db.put_record(storage::collection::fleet_groups, name, ""); !ok)
    return storage_failure(ok.error());
  json_writer w;
  w.begin_object().field("group", name).field("deleted", true).end_object();
  auto reply = json_reply(200, with_delivery(w.take(), share_group(s, name, "")));
  reply.audit = audit_note{name, {}, "deleted"};
  return reply;
}

http_reply list_groups(fleet_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto groups = read_groups(s.db);
  if (!groups)
    return storage_failure(groups.error());
  json_writer w;
  w.begin_object().key("groups").begin_array();
  for (const auto& g : *groups)
    if (std::all_of(g.members.begin(), g.members.end(),
                    [&](const auto& m) { return req.caller->scope.covers(m); }))
      w.raw(group_json(g));
  w.end_array().end_object();
  return json_reply(200, w.take());
}

} // namespace

std::expected<fleet_statuses, http_reply> fleet_source::statuses_of(const fleet_selection& asked) {
  fleet_statuses out;
  out.homes = statuses(asked.all ? homes() : asked.homes);
  return out;
}

std::expected<fleet_usage_answer, http_reply>
fleet_source::usage_of(const fleet_selection& asked,
                       const std::optional<fleet_window_query>& windows) {
  fleet_usage_answer out;
  auto listed = asked.all ? homes() : asked.homes;
  out.part = usage(listed, windows);
  out.homes = listed.size();
  out.homes_answered = out.part.answered.size();
  return out;
}

std::shared_ptr<fleet_source> cluster_fleet_source(std::shared_ptr<cluster_services> cluster) {
  return std::make_shared<cluster_source>(std::move(cluster));
}

cluster::fleet_query fleet_group_query(const std::string& name, const std::string& json) {
  cluster::fleet_query q;
  q.kind = fleet_group_kind;
  q.params["group"] = name;
  q.params["json"] = json;
  return q;
}

std::vector<cluster::fleet_query> groups_to_resend(storage::store& db) {
  std::vector<cluster::fleet_query> out;
  if (auto groups = read_groups(db))
    for (const auto& g : *groups)
      out.push_back(fleet_group_query(g.name, group_json(g)));
  return out;
}

cluster::fleet_handler fleet_group_handler(storage::store& db) {
  return [&db](const cluster::fleet_query& q, const cluster::home_predicate&) {
    cluster::fleet_part part;
    auto name = q.params.find("group");
    auto json = q.params.find("json");
    if (name == q.params.end() || json == q.params.end() || !is_valid_id(name->second)) {
      part.error = "fleet_group: no group in the query";
      return part;
    }
    if (!json->second.empty()) {
      auto incoming = parse_stored_group(name->second, json->second);
      if (!incoming) {
        part.error = "fleet_group: not a group";
        return part;
      }
      auto stored = read_group(db, name->second);
      if (stored && *stored && (*stored)->updated_ms > incoming->updated_ms)
        return part; // it holds a newer version
    }
    if (auto ok = db.put_record(storage::collection::fleet_groups, name->second, json->second); !ok)
      part.error = "storage: " + ok.error().detail;
    return part;
  };
}

cluster::fleet_handler fleet_homes_handler(std::shared_ptr<fleet_source> local) {
  return [local](const cluster::fleet_query& q, const cluster::home_predicate& counts) {
    cluster::fleet_part part;
    for (const auto& st : local->statuses(owned_homes(*local, q, counts))) {
      cluster::fleet_row r;
      r.key = st.home;
      r.values["devices"] = st.devices;
      r.values["devices_online"] = st.devices_online;
      r.values["power_w"] = st.power_w;
      r.values["max_last_seen_ms"] = static_cast<double>(st.last_seen_ms);
      part.rows.push_back(std::move(r));
    }
    part.totals["homes"] = static_cast<double>(part.rows.size());
    return part;
  };
}

cluster::fleet_handler fleet_usage_handler(std::shared_ptr<fleet_source> local) {
  return [local](const cluster::fleet_query& q, const cluster::home_predicate& counts) {
    cluster::fleet_part part;
    std::optional<fleet_window_query> wq;
    if (auto it = q.params.find("resolution"); it != q.params.end()) {
      auto res = streams::parse_resolution(it->second);
      auto from = number_param(q, "from");
      auto to = number_param(q, "to");
      if (!res || !from || !to) {
        part.error = "fleet_usage: bad resolution, from or to";
        return part;
      }
      wq = fleet_window_query{*res, *from, *to};
    }
    auto homes = owned_homes(*local, q, counts);
    auto u = local->usage(homes, wq);
    part.totals["homes"] = static_cast<double>(homes.size());
    part.totals["homes_answered"] = static_cast<double>(u.answered.size());
    part.totals["power_w"] = u.live_power_w;
    part.totals["homes_online"] = u.homes_online;
    for (const auto& fw : u.windows) {
      cluster::fleet_row r;
      r.key = window_key(fw.start);
      r.values["max_end"] = static_cast<double>(fw.end);
      r.values["energy_wh"] = fw.energy_wh;
      r.values["max_home_power_w"] = fw.max_home_power_w;
      r.values["homes"] = fw.homes;
      part.rows.push_back(std::move(r));
    }
    part.missing_homes = std::move(u.missing);
    return part;
  };
}

std::shared_ptr<fleet_source> local_fleet_source(std::shared_ptr<const actors::live_board> board,
                                                 actors::live_settings settings,
                                                 storage::history_store* history) {
  return std::make_shared<local_source>(std::move(board), std::move(settings), history);
}

result<std::optional<fleet_group>> read_group(storage::store& db, std::string_view name) {
  auto got = db.get_record(storage::collection::fleet_groups, name);
  if (!got)
    return std::unexpected(got.error());
  if (!*got)
    return std::optional<fleet_group>{};
  return parse_stored_group(name, **got);
}

result<std::vector<fleet_group>> read_groups(storage::store& db) {
  std::vector<fleet_group> out;
  auto read = storage::for_each_record(db, storage::collection::fleet_groups,
                                       [&](std::string_view key, std::string_view value) {
                                         if (auto g = parse_stored_group(key, value))
                                           out.push_back(std::move(*g));
                                       });
  if (!read)
    return std::unexpected(read.error());
  return out;
}

result<void> write_group(storage::store& db, const fleet_group& g) {
  return db.put_record(storage::collection::fleet_groups, g.name, group_json(g));
}

owner_lookup group_owner(storage::store& db) {
  return [&db](std::string_view name) -> result<std::optional<std::vector<std::string>>> {
    auto g = read_group(db, name);
    if (!g)
      return std::unexpected(g.error());
    if (!*g)
      return std::optional<std::vector<std::string>>{};
    return std::optional<std::vector<std::string>>{(*g)->members};
  };
}

std::vector<route> fleet_routes(std::shared_ptr<fleet_services> s) {
  using security::permission;
  auto members = group_owner(s->db);
  return {
      {"GET", "/fleet/homes", needs(permission::fleet_read),
       [s](const http_request& req) { return get_fleet_homes(*s, req); }},
      {"GET", "/fleet/usage", needs(permission::fleet_read),
       [s](const http_request& req) { return get_fleet_usage(*s, req); }},
      {"GET", "/fleet/groups", needs(permission::fleet_read),
       [s](const http_request& req) { return list_groups(*s, req); }},
      {"PUT", "/fleet/groups/:group",
       needs(permission::demand_response, {home_in_body("/members")}),
       [s](const http_request& req) { return put_group(*s, req); }},
      {"GET", "/fleet/groups/:group", needs(permission::fleet_read, {home_of("group", members)}),
       [s](const http_request& req) { return get_group(*s, req); }},
      {"DELETE", "/fleet/groups/:group",
       needs(permission::demand_response, {home_of("group", members)}),
       [s](const http_request& req) { return delete_group(*s, req); }},
  };
}

} // namespace hems::api
