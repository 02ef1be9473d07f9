#define BOOST_TEST_MODULE cluster_test
#include <boost/test/unit_test.hpp>

// The cluster's plain parts: the cluster file, which member owns a home, and
// how fleet answers merge.

#include <map>
#include <optional>

#include "cluster/assignment.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/cluster_node.hpp"
#include "cluster/fleet_query.hpp"
#include "cluster/messages.hpp"

using namespace hems;
using namespace hems::cluster;

namespace {

std::vector<std::string> homes(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back("h-" + std::to_string(i));
  return out;
}

constexpr const char* three_members = R"({"members": [
  {"id": "n1", "node": "127.0.0.1:4301", "hub": "tcp://127.0.0.1:5557", "http": "http://127.0.0.1:8080"},
  {"id": "n2", "node": "127.0.0.1:4302", "hub": "tcp://127.0.0.1:5567"},
  {"id": "n3", "node": "node-3.hems:4301", "hub": "tcp://node-3.hems:5557"}]})";

} // namespace

BOOST_AUTO_TEST_CASE(a_cluster_file_lists_its_members) {
  auto c = parse_cluster_config(three_members);
  BOOST_REQUIRE(c);
  BOOST_REQUIRE_EQUAL(c->members.size(), 3u);
  BOOST_TEST(c->members[2].host == "node-3.hems");
  BOOST_TEST(c->members[2].port == 4301);
  BOOST_TEST(c->members[0].http == "http://127.0.0.1:8080");
  BOOST_TEST(c->find("n2")->hub == "tcp://127.0.0.1:5567");
  BOOST_TEST(c->find("n4") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_bad_cluster_file_is_refused_naming_the_field) {
  auto detail = [](const char* json) {
    auto c = parse_cluster_config(json);
    BOOST_REQUIRE(!c);
    return c.error().detail;
  };
  BOOST_TEST(detail("[]") == "cluster file: expected a JSON object");
  BOOST_TEST(detail(R"({"members": []})") == "members: expected 1 to 1024 members");
  BOOST_TEST(detail(R"({"members": [{"id": "a b", "node": "h:1", "hub": "tcp://h:2"}]})")
                 .starts_with("members[0].id:"));
  BOOST_TEST(detail(R"({"members": [{"id": "a", "node": "h", "hub": "tcp://h:2"}]})") ==
             "members[0].node: expected HOST:PORT");
  BOOST_TEST(detail(R"({"members": [{"id": "a", "node": "h:99999", "hub": "tcp://h:2"}]})") ==
             "members[0].node: the port must be a number from 1 to 65535");
  BOOST_TEST(detail(R"({"members": [{"id": "a", "node": "h:1", "hub": "h:2"}]})") ==
             "members[0].hub: required endpoint tcp://HOST:PORT");
  BOOST_TEST(
      detail(R"({"members": [{"id": "a", "node": "h:1", "hub": "tcp://h:2", "http": 3}]})") ==
      "members[0].http: expected a string");
  BOOST_TEST(detail(R"({"members": [{"id": "a", "node": "h:1", "hub": "tcp://h:2"},
                                    {"id": "a", "node": "h:2", "hub": "tcp://h:3"}]})") ==
             "members[1].id: 'a' is listed twice");
  BOOST_TEST(detail(R"({"members": [{"id": "a", "node": "h:1", "hub": "tcp://h:2"},
                                    {"id": "b", "node": "h:1", "hub": "tcp://h:3"}]})") ==
             "members[1].node: another member has the same HOST:PORT");
}

BOOST_AUTO_TEST_CASE(every_node_computes_the_same_owner) {
  assignment a{{"n1", "n2", "n3"}};
  assignment b{{"n3", "n1", "n2"}}; // another order of the same members
  for (const auto& h : homes(1000))
    BOOST_TEST(a.owner(h) == b.owner(h));
}

BOOST_AUTO_TEST_CASE(homes_spread_evenly_over_the_members) {
  for (std::size_t n : {2u, 3u, 5u, 10u}) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < n; ++i)
      ids.push_back("node-" + std::to_string(i));
    assignment a{ids};
    std::map<std::string, std::size_t> count;
    constexpr std::size_t total = 60'000;
    for (const auto& h : homes(total))
      ++count[a.owner(h)];
    BOOST_REQUIRE_EQUAL(count.size(), n);
    double expected = static_cast<double>(total) / static_cast<double>(n);
    for (const auto& [id, c] : count) {
      BOOST_TEST_CONTEXT(n << " members, " << id) {
        // Binomial spread is about 1%; 5% is a clear failure of the hash.
        BOOST_TEST(std::abs(static_cast<double>(c) - expected) < 0.05 * expected);
      }
    }
    BOOST_TEST(a.share() == 1.0 / static_cast<double>(n));
  }
}

BOOST_AUTO_TEST_CASE(adding_a_member_moves_only_the_homes_it_takes) {
  assignment before{{"n1", "n2", "n3"}};
  assignment after{{"n1", "n2", "n3", "n4"}};
  std::size_t moved = 0;
  constexpr std::size_t total = 40'000;
  for (const auto& h : homes(total)) {
    if (before.owner(h) != after.owner(h)) {
      ++moved;
      BOOST_TEST(after.owner(h) == "n4"); // never from one old member to another
    }
  }
  double fraction = static_cast<double>(moved) / total;
  BOOST_TEST(fraction > 0.23);
  BOOST_TEST(fraction < 0.27); // the ideal is 1/4
  // Removing it again moves back exactly those homes.
  for (const auto& h : homes(total))
    if (after.owner(h) != "n4")
      BOOST_TEST(before.owner(h) == after.owner(h));
}

BOOST_AUTO_TEST_CASE(parts_merge_by_name_and_row) {
  fleet_part a;
  a.node = "n2";
  a.totals = {{"power_w", 100}, {"homes", 2}, {"max_home_power_w", 80}, {"min_soc", 30}};
  a.rows = {{"2026-01-01T00:00", {{"energy_wh", 10}}}, {"2026-01-01T00:15", {{"energy_wh", 5}}}};
  fleet_part b;
  b.node = "n1";
  b.totals = {{"power_w", 50}, {"homes", 1}, {"max_home_power_w", 120}, {"min_soc", 40}};
  b.rows = {{"2026-01-01T00:15", {{"energy_wh", 7}}}};
  fleet_part broken;
  broken.node = "n4";
  broken.error = "unknown fleet query kind 'x'";
  missing_share down;
  down.node = "n3";
  down.reason = "down";
  down.share = 0.25;
  auto m = merge_parts("live", {a, b, broken}, {down});
  BOOST_TEST(m.kind == "live");
  BOOST_TEST(m.totals["power_w"] == 150);
  BOOST_TEST(m.totals["homes"] == 3);
  BOOST_TEST(m.totals["max_home_power_w"] == 120);
  BOOST_TEST(m.totals["min_soc"] == 30);
  BOOST_REQUIRE_EQUAL(m.rows.size(), 2u);
  BOOST_TEST(m.rows[0].values["energy_wh"] == 10);
  BOOST_TEST(m.rows[1].values["energy_wh"] == 12);
  BOOST_REQUIRE_EQUAL(m.parts.size(), 2u);
  BOOST_TEST(m.parts[0].node == "n1"); // sorted by node
  BOOST_TEST(m.parts[0].rows.empty());
  BOOST_REQUIRE_EQUAL(m.missing.size(), 2u);
  BOOST_TEST(m.missing[0].node == "n3");
  BOOST_TEST(m.missing[1].node == "n4");
  BOOST_TEST(m.missing[1].reason == "unknown fleet query kind 'x'");
  BOOST_TEST(!m.complete());
}

// The shapes the fleet views and demand-response reports fan out with:
// usage windows by start (zero-padded keys sort as numbers), per-home rows,
// homes a node could not read, and the quarter hours known (a union).
BOOST_AUTO_TEST_CASE(usage_windows_homes_and_report_flags_merge) {
  fleet_part n1;
  n1.node = "n1";
  n1.totals = {{"homes", 2}, {"homes_answered", 1}, {"max_known_0", 1}};
  n1.rows = {
      {"0001767225600000",
       {{"energy_wh", 100}, {"max_home_power_w", 900}, {"homes", 1}, {"max_end", 1767226500000}}},
      {"0000999999999999", {{"energy_wh", 1}, {"homes", 1}}}};
  n1.missing_homes = {"h-9"};
  fleet_part n2;
  n2.node = "n2";
  n2.totals = {{"homes", 3}, {"homes_answered", 3}, {"max_known_0", 1}, {"max_known_1", 1}};
  n2.rows = {
      {"0001767225600000",
       {{"energy_wh", 50}, {"max_home_power_w", 1200}, {"homes", 2}, {"max_end", 1767226500000}}}};
  n2.missing_homes = {"h-4", "h-9"};
  auto m = merge_parts("fleet_usage", {n1, n2}, {});
  BOOST_TEST(m.totals["homes"] == 5);
  BOOST_TEST(m.totals["homes_answered"] == 4);
  BOOST_TEST(m.totals["max_known_0"] == 1); // known on both: counted once
  BOOST_TEST(m.totals["max_known_1"] == 1);
  BOOST_REQUIRE_EQUAL(m.rows.size(), 2u);
  BOOST_TEST(m.rows[0].key == "0000999999999999"); // the earlier start first
  BOOST_TEST(m.rows[1].values["energy_wh"] == 150);
  BOOST_TEST(m.rows[1].values["max_home_power_w"] == 1200);
  BOOST_TEST(m.rows[1].values["homes"] == 3);
  BOOST_TEST(m.rows[1].values["max_end"] == 1767226500000);
  BOOST_TEST((m.missing_homes == std::vector<std::string>{"h-4", "h-9"}));
  BOOST_TEST(m.parts[0].missing_homes.empty());
  BOOST_TEST(m.complete()); // every node answered; the homes missing are listed apart
}

BOOST_AUTO_TEST_CASE(a_node_answers_for_the_homes_it_owns_and_the_query_covers) {
  node_context context;
  context.config = *parse_cluster_config(three_members);
  context.self_id = "n2";
  context.networked = false;
  context.handlers["count"] = [](const fleet_query&, const home_predicate& counts) {
    fleet_part p;
    for (const auto& h : homes(3000))
      if (counts(h))
        p.totals["homes"] += 1;
    return p;
  };
  assignment owners{context.config};
  fleet_query all;
  all.kind = "count";
  auto part = answer_locally(context, owners, all);
  BOOST_TEST(part.node == "n2");
  std::size_t owned = 0;
  for (const auto& h : homes(3000))
    owned += owners.owner(h) == "n2";
  BOOST_TEST(part.totals["homes"] == static_cast<double>(owned));

  fleet_query scoped = all;
  scoped.all_homes = false;
  for (const auto& h : homes(10))
    scoped.homes.push_back(h);
  std::size_t owned_in_scope = 0;
  for (const auto& h : scoped.homes)
    owned_in_scope += owners.owner(h) == "n2";
  BOOST_TEST(answer_locally(context, owners, scoped).totals["homes"] ==
             static_cast<double>(owned_in_scope));

  fleet_query unknown;
  unknown.kind = "nope";
  BOOST_TEST(answer_locally(context, owners, unknown).error == "unknown fleet query kind 'nope'");
}

BOOST_AUTO_TEST_CASE(a_fan_out_lists_unreachable_members_as_missing_shares) {
  caf::actor_system_config config;
  config.set("logger.verbosity", caf::atom("quiet"));
  config.set("logger.console", caf::atom("none"));
  config.set("scheduler.max-threads", 1);
  add_cluster_message_types(config);
  caf::actor_system system{config};
  auto context = std::make_shared<node_context>();
  context->config = *parse_cluster_config(three_members);
  context->self_id = "n2";
  context->networked = false; // no peer is ever reached
  context->handlers["count"] = [](const fleet_query&, const home_predicate& counts) {
    fleet_part p;
    p.totals["homes"] = 0;
    for (const auto& h : homes(30))
      if (counts(h))
        p.totals["homes"] += 1;
    return p;
  };
  auto node = system.spawn(cluster_node_behavior, node_context_ptr{context});
  caf::scoped_actor self{system};
  fleet_query q;
  q.kind = "count";
  q.all_homes = false;
  q.homes = homes(30);
  std::optional<fleet_answer> answer;
  self->request(node, caf::infinite, fan_out_atom::value, q)
      .receive([&](fleet_answer& a) { answer = std::move(a); },
               [](caf::error&) { BOOST_FAIL("no answer"); });
  BOOST_REQUIRE(answer);
  assignment owners{context->config};
  std::map<std::string, std::vector<std::string>> owned;
  for (const auto& h : q.homes)
    owned[owners.owner(h)].push_back(h);
  BOOST_TEST(answer->totals["homes"] == static_cast<double>(owned["n2"].size()));
  BOOST_REQUIRE_EQUAL(answer->parts.size(), 1u);
  BOOST_TEST(answer->parts[0].node == "n2");
  BOOST_REQUIRE_EQUAL(answer->missing.size(), 2u);
  for (const auto& m : answer->missing) {
    BOOST_TEST(m.reason == "down");
    BOOST_TEST(m.share == 1.0 / 3);
    BOOST_TEST(m.homes == owned[m.node]); // the scoped homes that share holds
  }
  BOOST_TEST(answer->missing[0].node == "n1");
  BOOST_TEST(answer->missing[1].node == "n3");

  std::optional<cluster_status> status;
  self->request(node, caf::infinite, members_atom::value)
      .receive([&](cluster_status& s) { status = std::move(s); }, [](caf::error&) {});
  BOOST_REQUIRE(status);
  BOOST_TEST(status->self == "n2");
  BOOST_REQUIRE_EQUAL(status->members.size(), 3u);
  BOOST_TEST(status->members[1].up);
  BOOST_TEST(status->members[1].self);
  BOOST_TEST(!status->members[0].up);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
}
