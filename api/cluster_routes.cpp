#include "api/cluster_routes.hpp"

#include <caf/scoped_actor.hpp>

#include "core/json_writer.hpp"

namespace hems::api {

namespace {

using services_ptr = std::shared_ptr<cluster_services>;

void write_values(json_writer& w, const std::map<std::string, double>& values) {
  for (const auto& [name, value] : values)
    w.field(name, value);
}

http_reply get_cluster_status(cluster_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  caf::scoped_actor self{s.system};
  std::optional<cluster::cluster_status> status;
  self->request(s.node, s.ask_timeout, cluster::members_atom::value)
      .receive([&](cluster::cluster_status& st) { status = std::move(st); }, [&](caf::error&) {});
  if (!status)
    return error_reply(503, "unavailable", "the cluster node did not answer in time");
  json_writer w;
  w.begin_object().field("self", status->self).key("members").begin_array();
  for (const auto& m : status->members) {
    w.begin_object()
        .field("id", m.id)
        .field("node", m.node)
        .field("hub", m.hub)
        .field("http", m.http)
        .field("self", m.self)
        .field("up", m.up)
        .field("share", m.share)
        .end_object();
  }
  w.end_array().end_object();
  return json_reply(200, w.take());
}

http_reply get_fleet_live(cluster_services& s, const http_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto answer = ask_fleet(s, scoped_fleet_query(req, "live"));
  if (!answer)
    return answer.error();
  return json_reply(200, fleet_answer_json(*answer));
}

} // namespace

cluster::fleet_query scoped_fleet_query(const http_request& req, std::string kind) {
  cluster::fleet_query q;
  q.kind = std::move(kind);
  if (req.caller && !req.caller->scope.all()) {
    q.all_homes = false;
    q.homes = req.caller->scope.homes();
  }
  return q;
}

std::expected<cluster::fleet_answer, http_reply> ask_fleet(cluster_services& s,
                                                           const cluster::fleet_query& q) {
  caf::scoped_actor self{s.system};
  std::expected<cluster::fleet_answer, http_reply> out =
      std::unexpected(error_reply(503, "unavailable", "the cluster node did not answer in time"));
  self->request(s.node, s.ask_timeout, cluster::fan_out_atom::value, q)
      .receive([&](cluster::fleet_answer& a) { out = std::move(a); }, [&](caf::error&) {});
  return out;
}

cluster::fleet_answer ask_fleet_or_missing(cluster_services& s, const cluster::fleet_query& q) {
  auto a = ask_fleet(s, q);
  if (a)
    return std::move(*a);
  cluster::fleet_answer failed;
  failed.kind = q.kind;
  cluster::missing_share m;
  m.node = "*";
  m.reason = "this node's cluster node did not answer in time";
  m.share = 1;
  m.homes = q.homes;
  failed.missing.push_back(std::move(m));
  return failed;
}

void write_missing_shares(json_writer& w, const std::vector<cluster::missing_share>& missing) {
  w.begin_array();
  for (const auto& m : missing) {
    w.begin_object()
        .field("node", m.node)
        .field("reason", m.reason)
        .field("share", m.share)
        .key("homes")
        .begin_array();
    for (const auto& h : m.homes)
      w.value(h);
    w.end_array().end_object();
  }
  w.end_array();
}

std::string fleet_answer_json(const cluster::fleet_answer& a) {
  json_writer w;
  w.begin_object();
  write_values(w, a.totals);
  w.key("nodes").begin_array();
  for (const auto& p : a.parts) {
    w.begin_object().field("node", p.node);
    write_values(w, p.totals);
    w.end_object();
  }
  w.end_array();
  if (!a.rows.empty()) {
    w.key("rows").begin_array();
    for (const auto& r : a.rows) {
      w.begin_object().field("key", r.key);
      write_values(w, r.values);
      w.end_object();
    }
    w.end_array();
  }
  w.key("missing");
  write_missing_shares(w, a.missing);
  w.field("complete", a.complete()).end_object();
  return w.take();
}

std::vector<route> cluster_routes(services_ptr services) {
  using security::permission;
  return {
      {"GET", "/cluster/status", needs(permission::metrics_read),
       [services](const http_request& req) { return get_cluster_status(*services, req); }},
      {"GET", "/fleet/live", needs(permission::fleet_read),
       [services](const http_request& req) { return get_fleet_live(*services, req); }},
  };
}

} // namespace hems::api
