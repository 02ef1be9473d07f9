#define BOOST_TEST_MODULE cluster_e2e
#include <boost/test/unit_test.hpp>

// Three `hems serve` processes on loopback form a cluster (one cluster file,
// CAF's middleman between them): hubs that connect to the wrong node are
// redirected to the owner of their home, fleet queries (live, usage, homes)
// through any node sum every home, a demand-response event created on one
// node reaches the owners of its homes (stored there, residents notified,
// homes told) and its report merges every owner's homes, groups are known on
// every node, with one node killed the others keep serving and name the
// missing share, and the node restarted learns what it missed.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sys/wait.h>

#include <simdjson.h>
#include <zmq.hpp>

#include "adapters/hub_client.hpp"
#include "cluster/assignment.hpp"
#include "core/json_writer.hpp"
#include "core/sample_json.hpp"
#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/openapi_check.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::test;
using namespace std::chrono_literals;

namespace {

struct node_ports {
  std::string id;
  std::uint16_t middleman = 0, hub = 0, http = 0;
  std::string hub_endpoint() const { return "tcp://127.0.0.1:" + std::to_string(hub); }
};

std::string cluster_file_json(const std::vector<node_ports>& nodes) {
  json_writer w;
  w.begin_object().key("members").begin_array();
  for (const auto& n : nodes)
    w.begin_object()
        .field("id", n.id)
        .field("node", "127.0.0.1:" + std::to_string(n.middleman))
        .field("hub", n.hub_endpoint())
        .field("http", "http://127.0.0.1:" + std::to_string(n.http))
        .end_object();
  w.end_array().end_object();
  return w.take();
}

std::string one_sample(const std::string& home, double power_w) {
  sample s;
  s.home = home;
  s.device = "meter";
  s.ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  s.power_w = power_w;
  s.seq = 1;
  s.kind = device_kind::meter;
  json_writer w;
  w.begin_array();
  write_sample(w, s);
  w.end_array();
  return w.take();
}

adapters::hub_command_ack obey(const command& c) {
  return {c.id, command_status::done, ""};
}

struct fleet_live {
  int status = 0;
  double homes = 0, power_w = 0;
  bool complete = false;
  std::vector<std::string> missing_nodes;
  std::vector<double> missing_shares;
  std::vector<std::string> missing_homes;
};

fleet_live get_fleet_live(std::uint16_t port) {
  fleet_live out;
  auto r = http_get(port, "/fleet/live");
  out.status = r.status;
  if (r.status != 200)
    return out;
  simdjson::dom::parser p;
  auto doc = p.parse(r.body).value();
  out.homes = doc["homes"].get_double().value();
  out.power_w = doc["power_w"].get_double().value();
  out.complete = doc["complete"].get_bool().value();
  for (auto m : doc["missing"].get_array()) {
    out.missing_nodes.emplace_back(m["node"].get_string().value());
    out.missing_shares.push_back(m["share"].get_double().value());
    for (auto h : m["homes"].get_array())
      out.missing_homes.emplace_back(h.get_string().value());
  }
  return out;
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
  return p.parse(body).value();
}

std::vector<std::string> missing_nodes(simdjson::dom::element list) {
  std::vector<std::string> out;
  for (auto m : list.get_array())
    out.emplace_back(m["node"].get_string().value());
  return out;
}

std::vector<std::string> missing_homes(simdjson::dom::element list) {
  std::vector<std::string> out;
  for (auto m : list.get_array())
    for (auto h : m["homes"].get_array())
      out.emplace_back(h.get_string().value());
  std::sort(out.begin(), out.end());
  return out;
}

std::string all_homes_event(int homes, int start_in_min) {
  auto start = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count() +
               start_in_min * 60'000LL;
  json_writer w;
  w.begin_object().key("homes").begin_array();
  for (int i = 0; i < homes; ++i)
    w.value("h-" + std::to_string(i));
  w.end_array()
      .field("start", static_cast<std::int64_t>(start))
      .field("duration_min", 60)
      .field("notification_min", 120)
      .field("level", 2)
      .end_object();
  return w.take();
}

double metric(std::uint16_t port, const std::string& name) {
  auto r = http_get(port, "/metrics");
  auto at = r.body.find("\n" + name + " ");
  if (at == std::string::npos)
    return -1;
  return std::stod(r.body.substr(at + name.size() + 2));
}

} // namespace

BOOST_AUTO_TEST_CASE(a_three_node_cluster_redirects_hubs_sums_the_fleet_and_survives_a_kill) {
  temp_dir dir;
  std::vector<node_ports> nodes;
  for (const char* id : {"n1", "n2", "n3"})
    nodes.push_back({id, free_tcp_port(), free_tcp_port(), free_tcp_port()});
  auto cluster_file = dir.path() / "cluster.json";
  std::ofstream{cluster_file} << cluster_file_json(nodes);

  std::vector<std::unique_ptr<hems_process>> servers;
  for (const auto& n : nodes)
    servers.push_back(std::make_unique<hems_process>(
        dir.path() / n.id,
        std::vector<std::string>{"--cluster", cluster_file.string(), "--node-id", n.id, "--hub",
                                 n.hub_endpoint(), "--http", "127.0.0.1:" + std::to_string(n.http),
                                 "--rate-limit", "0", "--cluster-timeout", "1000"}));
  // Every node reaches every other one.
  for (const auto& s : servers)
    BOOST_REQUIRE(eventually([&] {
      auto r = http_get(s->http_port(), "/cluster/status");
      return r.status == 200 && r.body.find("\"up\":false") == std::string::npos;
    }));

  // Twelve hubs of one home each, all pointed at n1: those whose home
  // another node owns are redirected there.
  cluster::assignment owners{{"n1", "n2", "n3"}};
  zmq::context_t ctx{1};
  system_clock time;
  std::vector<std::unique_ptr<adapters::hub_client>> hubs;
  std::map<std::string, double> power_of_node;
  std::map<std::string, std::vector<std::string>> homes_of_node;
  double total_power = 0;
  constexpr int home_count = 12;
  for (int i = 0; i < home_count; ++i) {
    auto home = "h-" + std::to_string(i);
    adapters::hub_client_options o;
    o.endpoint = nodes[0].hub_endpoint();
    o.hub = "hub-" + std::to_string(i);
    o.homes = {home};
    o.ack_timeout_ms = 2000;
    hubs.push_back(std::make_unique<adapters::hub_client>(ctx, o, time));
    double power = 100.0 * (i + 1);
    hubs.back()->send(one_sample(home, power), 1);
    power_of_node[owners.owner(home)] += power;
    homes_of_node[owners.owner(home)].push_back(home);
    total_power += power;
  }
  BOOST_REQUIRE(eventually([&] {
    bool done = true;
    for (auto& h : hubs) {
      h->poll(2ms, obey);
      done = done && h->unacknowledged() == 0;
    }
    return done;
  }));
  int redirected = 0;
  for (int i = 0; i < home_count; ++i) {
    auto owner = owners.owner_index("h-" + std::to_string(i));
    BOOST_TEST_CONTEXT("hub-" << i) {
      BOOST_TEST(hubs[i]->endpoint() == nodes[owner].hub_endpoint());
      BOOST_TEST(hubs[i]->stats().redirects == (owner == 0 ? 0u : 1u));
      BOOST_TEST(hubs[i]->stats().samples_accepted == 1u);
    }
    redirected += owner != 0;
  }
  BOOST_TEST(redirected > 0);
  BOOST_TEST_MESSAGE(redirected << " of " << home_count << " hubs redirected from n1");
  // Each home's data is on its owner only.
  for (int i = 0; i < home_count; ++i) {
    auto owner = owners.owner_index("h-" + std::to_string(i));
    for (std::size_t n = 0; n < nodes.size(); ++n)
      BOOST_TEST(http_get(servers[n]->http_port(), "/devices?home=h-" + std::to_string(i)).status ==
                 (n == owner ? 200 : 404));
  }

  // A fleet query through any node sums every home.
  for (const auto& s : servers) {
    fleet_live live;
    BOOST_REQUIRE(eventually([&] {
      live = get_fleet_live(s->http_port());
      return live.status == 200 && live.homes == home_count;
    }));
    BOOST_TEST(live.power_w == total_power);
    BOOST_TEST(live.complete);
    BOOST_TEST(live.missing_nodes.empty());
  }

  // Fleet usage and the fleet's homes through any node cover every home.
  openapi_checker api{http_get(servers[0]->http_port(), "/openapi.json").body};
  for (const auto& s : servers) {
    simdjson::dom::parser p;
    auto usage = http_get(s->http_port(), "/fleet/usage");
    BOOST_REQUIRE_EQUAL(usage.status, 200);
    BOOST_TEST(api.check_response("/fleet/usage", "get", 200, usage.body) == "");
    auto u = parse(p, usage.body);
    BOOST_TEST(u["homes"].get_int64().value() == home_count);
    BOOST_TEST(u["homes_answered"].get_int64().value() == home_count);
    BOOST_TEST(u["live"]["power_w"].get_double().value() == total_power);
    BOOST_TEST(u["complete"].get_bool().value());
    auto homes = http_get(s->http_port(), "/fleet/homes");
    BOOST_REQUIRE_EQUAL(homes.status, 200);
    auto h = parse(p, homes.body);
    BOOST_TEST(h["homes"].get_array().size() == static_cast<std::size_t>(home_count));
    double power = 0;
    for (auto row : h["homes"].get_array())
      power += row["power_w"].get_double().value();
    BOOST_TEST(power == total_power);
    BOOST_TEST(h["complete"].get_bool().value());
  }

  // A group written on n1 is known on every node: its usage through n2, an
  // event for it created on n3 (told to each owner's homes: once each, far).
  std::map<std::string, double> told;
  for (int i = 0; i < 6; ++i)
    told[owners.owner("h-" + std::to_string(i))] += 1;
  {
    auto put = http_request(servers[0]->http_port(), "PUT", "/fleet/groups/feeder-1",
                            R"({"kind":"feeder","members":["h-0","h-1","h-2","h-3","h-4","h-5"]})");
    BOOST_REQUIRE_EQUAL(put.status, 201);
    BOOST_TEST(put.body.find(R"("delivery":{"complete":true)") != std::string::npos);
    double group_power = 0;
    for (int i = 0; i < 6; ++i)
      group_power += 100.0 * (i + 1);
    simdjson::dom::parser p;
    auto usage = http_get(servers[1]->http_port(), "/fleet/usage?group=feeder-1");
    BOOST_REQUIRE_EQUAL(usage.status, 200);
    auto u = parse(p, usage.body);
    BOOST_TEST(u["homes"].get_int64().value() == 6);
    BOOST_TEST(u["live"]["power_w"].get_double().value() == group_power);
    BOOST_TEST(u["complete"].get_bool().value());
    auto created =
        http_request(servers[2]->http_port(), "POST", "/dr/events",
                     R"({"group":"feeder-1","start":")" + std::string{"2099-01-01T17:00:00Z"} +
                         R"(","duration_min":60,"level":1})");
    BOOST_REQUIRE_EQUAL(created.status, 201);
    auto e = parse(p, created.body);
    BOOST_TEST(e["homes"].get_array().size() == 6u);
    BOOST_TEST(e["delivery"]["homes_reached"].get_double().value() == 6);
  }

  // A demand-response event created on n1 for every home reaches each owner:
  // stored there, its residents notified, its homes' optimizers told.
  std::string event_id;
  {
    auto created = http_request(servers[0]->http_port(), "POST", "/dr/events",
                                all_homes_event(home_count, 30));
    BOOST_REQUIRE_EQUAL(created.status, 201);
    BOOST_TEST(api.check_response("/dr/events", "post", 201, created.body) == "");
    simdjson::dom::parser p;
    auto e = parse(p, created.body);
    event_id = std::string{e["id"].get_string().value()};
    BOOST_TEST(e["state"].get_string().value() == "near");
    BOOST_TEST(e["delivery"]["complete"].get_bool().value());
    BOOST_TEST(e["delivery"]["homes_reached"].get_double().value() == home_count);
  }
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    BOOST_TEST_CONTEXT("owner " << nodes[n].id) {
      auto listed = http_get(servers[n]->http_port(), "/dr/events");
      BOOST_TEST(listed.body.find(event_id) != std::string::npos);
      for (const auto& home : homes_of_node[nodes[n].id]) {
        BOOST_TEST(eventually([&] {
          auto r = http_get(servers[n]->http_port(), "/notifications?home=" + home);
          return r.status == 200 && r.body.find(event_id) != std::string::npos;
        }));
      }
      // Each owner tells only its own homes (state "near": once each).
      BOOST_TEST(eventually([&] {
        return metric(servers[n]->http_port(), "hems_dr_notices_total") ==
               told[nodes[n].id] + static_cast<double>(homes_of_node[nodes[n].id].size());
      }));
    }
  }
  // The report through any node that has the event lists every home.
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    auto r = http_get(servers[n]->http_port(), "/dr/events/" + event_id);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    simdjson::dom::parser p;
    auto report = parse(p, r.body)["report"];
    BOOST_TEST(report["homes"].get_array().size() == static_cast<std::size_t>(home_count));
    BOOST_TEST(report["complete"].get_bool().value());
    BOOST_TEST(report["total"]["participating"].get_int64().value() == home_count);
  }

  // n3 dies: n1 and n2 keep answering, listing n3's share as missing.
  servers[2]->kill_hard();
  for (std::size_t n : {0u, 1u}) {
    auto started = std::chrono::steady_clock::now();
    auto live = get_fleet_live(servers[n]->http_port());
    auto took = std::chrono::steady_clock::now() - started;
    BOOST_TEST_CONTEXT("asked " << nodes[n].id) {
      BOOST_REQUIRE_EQUAL(live.status, 200);
      // Bounded by the cluster timeout (1 s) whether the loss is seen yet or not.
      BOOST_TEST(took < 10s);
      BOOST_TEST(!live.complete);
      BOOST_REQUIRE_EQUAL(live.missing_nodes.size(), 1u);
      BOOST_TEST(live.missing_nodes[0] == "n3");
      BOOST_TEST(std::abs(live.missing_shares[0] - 1.0 / 3) < 1e-9);
      BOOST_TEST(live.homes == home_count - static_cast<double>(homes_of_node["n3"].size()));
      BOOST_TEST(live.power_w == total_power - power_of_node["n3"]);
    }
  }
  // Fleet usage, the fleet's homes, a new event and a report name n3's share.
  std::vector<std::string> n3_homes = homes_of_node["n3"];
  std::sort(n3_homes.begin(), n3_homes.end());
  {
    simdjson::dom::parser p;
    auto started = std::chrono::steady_clock::now();
    auto usage = http_get(servers[1]->http_port(), "/fleet/usage");
    auto took = std::chrono::steady_clock::now() - started;
    BOOST_TEST(took < 10s);
    BOOST_REQUIRE_EQUAL(usage.status, 200);
    BOOST_TEST(api.check_response("/fleet/usage", "get", 200, usage.body) == "");
    auto u = parse(p, usage.body);
    BOOST_TEST(!u["complete"].get_bool().value());
    BOOST_TEST((missing_nodes(u["missing_nodes"]) == std::vector<std::string>{"n3"}));
    BOOST_TEST(u["live"]["power_w"].get_double().value() == total_power - power_of_node["n3"]);
    auto homes = http_get(servers[0]->http_port(), "/fleet/homes");
    BOOST_REQUIRE_EQUAL(homes.status, 200);
    BOOST_TEST(api.check_response("/fleet/homes", "get", 200, homes.body) == "");
    auto h = parse(p, homes.body);
    BOOST_TEST(!h["complete"].get_bool().value());
    BOOST_TEST((missing_nodes(h["missing"]) == std::vector<std::string>{"n3"}));
    BOOST_TEST(h["homes"].get_array().size() == home_count - n3_homes.size());
  }
  std::string missed_id;
  {
    auto created = http_request(servers[0]->http_port(), "POST", "/dr/events",
                                all_homes_event(home_count, 40));
    BOOST_REQUIRE_EQUAL(created.status, 201);
    simdjson::dom::parser p;
    missed_id = std::string{parse(p, created.body)["id"].get_string().value()};
    auto delivery = parse(p, created.body)["delivery"];
    BOOST_TEST(!delivery["complete"].get_bool().value());
    BOOST_TEST((missing_nodes(delivery["missing"]) == std::vector<std::string>{"n3"}));
    BOOST_TEST(missing_homes(delivery["missing"]) == n3_homes);
    BOOST_TEST(delivery["homes_reached"].get_double().value() == home_count - n3_homes.size());
  }
  {
    auto r = http_get(servers[0]->http_port(), "/dr/events/" + event_id);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    BOOST_TEST(api.check_response("/dr/events/{id}", "get", 200, r.body) == "");
    simdjson::dom::parser p;
    auto report = parse(p, r.body)["report"];
    BOOST_TEST(!report["complete"].get_bool().value());
    BOOST_TEST(missing_homes(report["missing"]) == n3_homes);
    BOOST_TEST(report["homes"].get_array().size() == home_count - n3_homes.size());
  }
  // A group written while n3 is down says n3 did not get it.
  {
    auto put = http_request(servers[0]->http_port(), "PUT", "/fleet/groups/feeder-2",
                            R"({"kind":"feeder","members":["h-0"]})");
    BOOST_REQUIRE_EQUAL(put.status, 201);
    simdjson::dom::parser p;
    auto delivery = parse(p, put.body)["delivery"];
    BOOST_TEST(!delivery["complete"].get_bool().value());
    BOOST_TEST((missing_nodes(delivery["missing"]) == std::vector<std::string>{"n3"}));
  }
  // Cancelled through n2 (an owner): n1's copy learns it, n3's share is named.
  {
    auto cancelled =
        http_request(servers[1]->http_port(), "POST", "/dr/events/" + event_id + "/cancel", "");
    BOOST_REQUIRE_EQUAL(cancelled.status, 200);
    simdjson::dom::parser p;
    auto e = parse(p, cancelled.body);
    BOOST_TEST(e["state"].get_string().value() == "cancelled");
    BOOST_TEST(missing_homes(e["delivery"]["missing"]) == n3_homes);
    auto on_n1 = http_get(servers[0]->http_port(), "/dr/events/" + event_id);
    BOOST_TEST(on_n1.body.find(R"("state":"cancelled")") != std::string::npos);
  }

  BOOST_TEST(eventually([&] {
    auto r = http_get(servers[0]->http_port(), "/cluster/status");
    return r.body.find(R"("id":"n3","node")") != std::string::npos &&
           r.body.find(R"("self":false,"up":false)") != std::string::npos;
  }));
  // A token scoped to listed homes learns which of its homes are missing.
  auto scoped = http_request(servers[0]->http_port(), "POST", "/tokens",
                             R"({"role":"operator","homes":["h-0","h-1","h-2","h-3","h-4","h-5",)"
                             R"("h-6","h-7","h-8","h-9","h-10","h-11"]})");
  BOOST_REQUIRE_EQUAL(scoped.status, 201);
  simdjson::dom::parser p;
  std::string token{p.parse(scoped.body)["token"].get_string().value()};
  auto r = http_get_as(servers[0]->http_port(), token, "/fleet/live");
  BOOST_REQUIRE_EQUAL(r.status, 200);
  for (const auto& home : homes_of_node["n3"])
    BOOST_TEST(r.body.find("\"" + home + "\"") != std::string::npos);

  // Hubs of the surviving nodes still deliver.
  for (int i = 0; i < home_count; ++i)
    if (owners.owner_index("h-" + std::to_string(i)) != 2)
      hubs[i]->send(one_sample("h-" + std::to_string(i), 1), 1);
  BOOST_TEST(eventually([&] {
    bool done = true;
    for (int i = 0; i < home_count; ++i) {
      hubs[i]->poll(1ms, obey);
      if (owners.owner_index("h-" + std::to_string(i)) != 2)
        done = done && hubs[i]->unacknowledged() == 0;
    }
    return done;
  }));

  // n3 comes back: it is sent what it missed (the event created and the
  // cancellation and group made while it was down), and its residents hear of
  // the new event.
  servers[2] = std::make_unique<hems_process>(
      dir.path() / "n3",
      std::vector<std::string>{"--cluster", cluster_file.string(), "--node-id", "n3", "--hub",
                               nodes[2].hub_endpoint(), "--http",
                               "127.0.0.1:" + std::to_string(nodes[2].http), "--rate-limit", "0",
                               "--cluster-timeout", "1000"});
  BOOST_TEST(eventually([&] {
    auto r = http_get(servers[2]->http_port(), "/dr/events");
    return r.body.find(missed_id) != std::string::npos;
  }));
  BOOST_TEST(eventually([&] {
    auto r = http_get(servers[2]->http_port(), "/dr/events/" + event_id);
    return r.body.find(R"("state":"cancelled")") != std::string::npos;
  }));
  BOOST_TEST(http_get(servers[2]->http_port(), "/fleet/groups/feeder-2").status == 200);
  BOOST_TEST(eventually([&] {
    auto r = http_get(servers[2]->http_port(), "/notifications?home=" + n3_homes.front());
    return r.status == 200 && r.body.find(missed_id) != std::string::npos;
  }));
}

BOOST_AUTO_TEST_CASE(a_bad_cluster_configuration_is_refused_naming_the_option) {
  temp_dir dir;
  auto file = dir.path() / "cluster.json";
  std::ofstream{file}
      << R"({"members": [{"id": "n1", "node": "10.1.2.3:4301", "hub": "tcp://127.0.0.1:2"},)"
         R"( {"id": "n2", "node": "127.0.0.1:4302", "hub": "tcp://127.0.0.1:3"}]})";
  auto refusal = [&](const std::string& args) {
    std::string command = hems_process::binary() + " serve --data " + (dir.path() / "d").string() +
                          " " + args + " 2>&1";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_REQUIRE(pipe);
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe))
      out.append(buffer, n);
    int status = ::pclose(pipe);
    BOOST_TEST(WEXITSTATUS(status) == 2);
    return out;
  };
  auto f = file.string();
  BOOST_TEST(refusal("--cluster " + f).find("--cluster needs --node-id") != std::string::npos);
  BOOST_TEST(refusal("--node-id n1").find("--node-id needs --cluster FILE") != std::string::npos);
  BOOST_TEST(refusal("--cluster " + f + " --node-id n9").find("'n9' is not a member") !=
             std::string::npos);
  BOOST_TEST(refusal("--cluster " + f + " --node-id n1").find("--cluster-private-network") !=
             std::string::npos);
  BOOST_TEST(refusal("--cluster " + dir.path().string() + "/none.json --node-id n1")
                 .find("cannot read the cluster file") != std::string::npos);
}
