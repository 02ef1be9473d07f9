#include "cluster/cluster_node.hpp"

#include <algorithm>
#include <set>

#include <caf/io/middleman.hpp>

namespace hems::cluster {

namespace {

using node_pointer = cluster_node_actor::stateful_pointer<cluster_node_state>;

/// One fan-out: the parts gathered so far and who is still to answer.
struct gathering {
  caf::typed_response_promise<fleet_answer> promise;
  fleet_query query;
  std::size_t pending = 0;
  std::vector<fleet_part> parts;
  std::vector<missing_share> missing;
};

missing_share missing_of(const cluster_node_state& st, std::size_t member, std::string reason,
                         const fleet_query& q) {
  missing_share m;
  m.node = st.context->config.members[member].id;
  m.reason = std::move(reason);
  m.share = st.owners->share();
  if (!q.all_homes)
    for (const auto& h : q.homes)
      if (st.owners->owner_index(h) == member)
        m.homes.push_back(h);
  return m;
}

void add_part(const cluster_node_state& st, gathering& g, std::size_t member, fleet_part part) {
  if (!part.error.empty())
    g.missing.push_back(missing_of(st, member, std::move(part.error), g.query));
  else
    g.parts.push_back(std::move(part));
}

void finish_if_done(gathering& g) {
  if (g.pending > 0)
    return;
  g.promise.deliver(merge_parts(g.query.kind, std::move(g.parts), std::move(g.missing)));
}

caf::result<fleet_answer> fan_out(node_pointer self, const fleet_query& q) {
  auto& st = self->state;
  auto g = std::make_shared<gathering>();
  g->promise = self->make_response_promise<fleet_answer>();
  g->query = q;
  auto timeout = st.context->timeout;
  for (std::size_t i = 0; i < st.peers.size(); ++i) {
    if (i == st.self_index) {
      add_part(st, *g, i, answer_locally(*st.context, *st.owners, q));
      continue;
    }
    if (!st.peers[i]) {
      g->missing.push_back(missing_of(st, i, "down", q));
      continue;
    }
    ++g->pending;
    self->request(st.peers[i], timeout, fleet_atom::value, q)
        .then(
            [self, g, i](fleet_part& part) {
              part.node = self->state.context->config.members[i].id; // the member answering
              add_part(self->state, *g, i, std::move(part));
              --g->pending;
              finish_if_done(*g);
            },
            [self, g, i, timeout](caf::error& e) {
              auto reason = e == caf::sec::request_timeout
                                ? "no answer within " + std::to_string(timeout.count()) + " ms"
                                : "lost: " + self->system().render(e);
              g->missing.push_back(missing_of(self->state, i, std::move(reason), g->query));
              --g->pending;
              finish_if_done(*g);
            });
  }
  finish_if_done(*g);
  return g->promise;
}

cluster_status status_of(const cluster_node_state& st) {
  cluster_status s;
  s.self = st.context->self_id;
  for (std::size_t i = 0; i < st.peers.size(); ++i) {
    const auto& m = st.context->config.members[i];
    member_state ms;
    ms.id = m.id;
    ms.node = m.host + ":" + std::to_string(m.port);
    ms.hub = m.hub;
    ms.http = m.http;
    ms.self = i == st.self_index;
    ms.up = ms.self || static_cast<bool>(st.peers[i]);
    ms.share = st.owners->share();
    s.members.push_back(std::move(ms));
  }
  return s;
}

// Asks the middleman (asynchronously: it does the blocking connect on its own
// thread) for each peer that is down and not being connected to already.
void connect_to_peers(node_pointer self) {
  auto& st = self->state;
  auto mm = self->system().middleman().actor_handle();
  for (std::size_t i = 0; i < st.peers.size(); ++i) {
    if (i == st.self_index || st.peers[i] || st.connecting[i])
      continue;
    st.connecting[i] = true;
    const auto& m = st.context->config.members[i];
    self->request(mm, st.context->timeout + st.context->reconnect_every, caf::connect_atom::value,
                  m.host, m.port)
        .then(
            [self, i](const caf::node_id&, caf::strong_actor_ptr& peer,
                      const std::set<std::string>&) {
              auto& st = self->state;
              st.connecting[i] = false;
              if (!peer)
                return; // the port answers, but nothing is published there
              st.peers[i] = caf::actor_cast<cluster_node_actor>(std::move(peer));
              self->monitor(st.peers[i]);
              if (st.context->resend_on_member_up)
                for (const auto& q : st.context->resend_on_member_up())
                  self->request(st.peers[i], st.context->timeout, fleet_atom::value, q)
                      .then([](const fleet_part&) {}, [](const caf::error&) {});
            },
            [self, i](caf::error&) { self->state.connecting[i] = false; });
  }
}

void on_peer_down(node_pointer self, const caf::down_msg& down) {
  for (auto& peer : self->state.peers)
    if (peer && peer.address() == down.source)
      peer = nullptr;
}

} // namespace

cluster_config single_node_config(const std::string& id) {
  cluster_config c;
  member m;
  m.id = id;
  m.host = "127.0.0.1";
  m.port = 0;
  c.members.push_back(std::move(m));
  return c;
}

fleet_part answer_locally(const node_context& context, const assignment& owners,
                          const fleet_query& q) {
  fleet_part part;
  part.node = context.self_id;
  auto handler = context.handlers.find(q.kind);
  if (handler == context.handlers.end()) {
    part.error = "unknown fleet query kind '" + q.kind + "'";
    return part;
  }
  std::set<std::string_view> scope;
  if (!q.all_homes)
    scope.insert(q.homes.begin(), q.homes.end());
  const auto& ids = owners.members();
  auto me =
      static_cast<std::size_t>(std::find(ids.begin(), ids.end(), context.self_id) - ids.begin());
  home_predicate counts = [&](std::string_view home) {
    return owners.owner_index(home) == me && (q.all_homes || scope.contains(home));
  };
  part = handler->second(q, counts);
  part.node = context.self_id;
  return part;
}

cluster_node_actor::behavior_type cluster_node_behavior(node_pointer self,
                                                        node_context_ptr context) {
  auto& st = self->state;
  st.context = context;
  st.owners = std::make_unique<assignment>(context->config);
  st.peers.resize(context->config.members.size());
  st.connecting.assign(context->config.members.size(), false);
  for (std::size_t i = 0; i < context->config.members.size(); ++i)
    if (context->config.members[i].id == context->self_id)
      st.self_index = i;
  // peers[self_index] stays invalid: this node answers itself, locally (a
  // handle to itself would keep it alive forever).
  self->set_down_handler([self](caf::down_msg& down) { on_peer_down(self, down); });
  if (context->networked)
    self->send(self, reconnect_atom::value);
  return {
      [self](fleet_atom, const fleet_query& q) -> fleet_part {
        return answer_locally(*self->state.context, *self->state.owners, q);
      },
      [self](fan_out_atom, const fleet_query& q) -> caf::result<fleet_answer> {
        return fan_out(self, q);
      },
      [self](members_atom) -> cluster_status { return status_of(self->state); },
      [self](reconnect_atom) {
        connect_to_peers(self);
        self->delayed_send(self, self->state.context->reconnect_every, reconnect_atom::value);
      },
  };
}

void add_cluster_message_types(caf::actor_system_config& config) {
  config.add_message_type<fleet_query>("hems::cluster::fleet_query")
      .add_message_type<fleet_row>("hems::cluster::fleet_row")
      .add_message_type<fleet_part>("hems::cluster::fleet_part")
      .add_message_type<missing_share>("hems::cluster::missing_share")
      .add_message_type<fleet_answer>("hems::cluster::fleet_answer")
      .add_message_type<member_state>("hems::cluster::member_state")
      .add_message_type<cluster_status>("hems::cluster::cluster_status")
      .add_message_type<cluster_node_actor>("hems::cluster::cluster_node_actor");
}

} // namespace hems::cluster
