#define BOOST_TEST_MODULE hub_protocol
#include <boost/test/unit_test.hpp>

#include "adapters/command_tracker.hpp"
#include "adapters/hub_protocol.hpp"
#include "adapters/hub_registry.hpp"

using namespace hems;
using namespace hems::adapters;

namespace {

std::string refusal(hub_message_decoder& d, std::string_view frame) {
  auto r = d.decode(frame);
  BOOST_REQUIRE(!r.has_value());
  return r.error().detail;
}

command make_command(std::string id, std::string home, millis expires) {
  command c;
  c.id = std::move(id);
  c.home = std::move(home);
  c.device = "light-hall";
  c.action = command_action::off;
  c.reason = "home empty for 10 min";
  c.expires_ms = expires;
  return c;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_contract_messages_decode) {
  hub_message_decoder d;
  auto hello = d.decode(R"({"type": "hello", "homes": ["h-0001"], "hub": "hub-17"})");
  BOOST_REQUIRE(hello.has_value());
  auto& h = std::get<hub_hello>(*hello);
  BOOST_TEST(h.hub == "hub-17");
  BOOST_TEST(h.homes.size() == 1u);

  auto t = d.decode(R"({"type":"telemetry","batch":17,"samples":[
      {"home":"h-0001","device":"d","ts":1795740000000,"power_w":5},
      {"home":"h-0001","device":"d","ts":1795740000001,"power_w":"x"}]})");
  BOOST_REQUIRE(t.has_value());
  auto& batch = std::get<hub_telemetry>(*t);
  BOOST_TEST(batch.batch == 17u);
  BOOST_TEST(batch.samples.samples.size() == 1u);
  BOOST_REQUIRE_EQUAL(batch.samples.rejected.size(), 1u);
  BOOST_TEST(batch.samples.rejected[0].index == 1u);

  auto ack = d.decode(R"({"type": "command_ack", "id": "c-91", "status": "failed", "detail": "relay stuck"})");
  BOOST_REQUIRE(ack.has_value());
  BOOST_TEST(std::get<hub_command_ack>(*ack).detail == "relay stuck");
  BOOST_TEST((std::get<hub_command_ack>(*ack).status == command_status::failed));
}

BOOST_AUTO_TEST_CASE(malformed_messages_are_refused_with_the_field_named) {
  hub_message_decoder d;
  BOOST_TEST(refusal(d, "nope") == "message: not_json");
  BOOST_TEST(refusal(d, "[1]") == "message: expected a JSON object");
  BOOST_TEST(refusal(d, R"({"batch":1})") == "type: required string");
  BOOST_TEST(refusal(d, R"({"type":"gossip"})").starts_with("type: unknown message type 'gossip'"));
  BOOST_TEST(refusal(d, R"({"type":"hello","homes":["h"]})") == "hello: hub: required string");
  BOOST_TEST(refusal(d, R"({"type":"hello","hub":"x y","homes":["h"]})").starts_with("hello: hub: not a valid id"));
  BOOST_TEST(refusal(d, R"({"type":"hello","hub":"x","homes":[]})") == "hello: homes: expected 1 to 10000 home ids");
  BOOST_TEST(refusal(d, R"({"type":"hello","hub":"x","homes":["ok",7]})") == "hello: homes[1]: not a valid home id");
  BOOST_TEST(refusal(d, R"({"type":"telemetry","samples":[]})") == "telemetry: batch: required non-negative integer");
  BOOST_TEST(refusal(d, R"({"type":"telemetry","batch":-1,"samples":[]})") == "telemetry: batch: required non-negative integer");
  auto no_samples = d.decode(R"({"type":"telemetry","batch":3})");
  BOOST_REQUIRE(!no_samples.has_value());
  BOOST_TEST(no_samples.error().detail == "telemetry: samples: required array of samples");
  BOOST_TEST(*no_samples.error().batch == 3u);
  BOOST_TEST(refusal(d, R"({"type":"telemetry","batch":3,"samples":{}})") == "telemetry: samples: expected an array");
  BOOST_TEST(refusal(d, R"({"type":"command_ack","status":"done"})").starts_with("command_ack: id: required"));
  BOOST_TEST(refusal(d, R"({"type":"command_ack","id":"c","status":"meh"})") == "command_ack: status: expected done or failed");
}

BOOST_AUTO_TEST_CASE(server_messages_round_trip_through_the_hub_side_decoder) {
  auto ack = decode_server_message(encode_ack(17, 998, 2, {{3, sample_error::power_w, "power_w: not finite"}}));
  BOOST_REQUIRE(ack.has_value());
  auto& a = std::get<server_ack>(*ack);
  BOOST_TEST(a.batch == 17u);
  BOOST_TEST(a.accepted == 998u);
  BOOST_TEST(a.duplicates == 2u);
  BOOST_TEST(a.rejected.at(0).second == "power_w: not finite");

  auto c = make_command("c-91", "h-0001", 1795740000000);
  c.action = command_action::set;
  c.params["setpoint_c"] = 19.5;
  auto cmd = decode_server_message(encode_command(c));
  BOOST_REQUIRE(cmd.has_value());
  BOOST_TEST((std::get<command>(*cmd).params.at("setpoint_c") == 19.5));
  BOOST_TEST(std::get<command>(*cmd).expires_ms == 1795740000000);

  auto err = decode_server_message(encode_error("busy", 4, true));
  BOOST_TEST(std::get<server_error>(*err).retry);
  BOOST_TEST(*std::get<server_error>(*err).batch == 4u);
  BOOST_TEST(!decode_server_message("{}").has_value());
}

BOOST_AUTO_TEST_CASE(a_welcome_names_where_other_nodes_homes_go) {
  // A single node's welcome is unchanged: no redirect field at all.
  BOOST_TEST(encode_welcome({"hub-1", {"h-1"}}) ==
             R"({"type":"welcome","hub":"hub-1","homes":["h-1"]})");
  auto text = encode_welcome({"hub-1", {"h-1"}},
                             {{"n2", "tcp://10.0.0.2:5557", {"h-2", "h-4"}},
                              {"n3", "tcp://10.0.0.3:5557", {"h-3"}}});
  BOOST_TEST(text == R"({"type":"welcome","hub":"hub-1","homes":["h-1"],"redirect":[)"
                     R"({"node":"n2","hub":"tcp://10.0.0.2:5557","homes":["h-2","h-4"]},)"
                     R"({"node":"n3","hub":"tcp://10.0.0.3:5557","homes":["h-3"]}]})");
  auto m = decode_server_message(text);
  BOOST_REQUIRE(m.has_value());
  const auto& w = std::get<server_welcome>(*m);
  BOOST_TEST(w.homes == std::vector<std::string>{"h-1"});
  BOOST_REQUIRE_EQUAL(w.redirect.size(), 2u);
  BOOST_TEST(w.redirect[0].node == "n2");
  BOOST_TEST(w.redirect[0].hub == "tcp://10.0.0.2:5557");
  BOOST_TEST(w.redirect[0].homes == (std::vector<std::string>{"h-2", "h-4"}));
  BOOST_TEST(!decode_server_message(R"({"type":"welcome","redirect":[{"node":"n2"}]})").has_value());
}

BOOST_AUTO_TEST_CASE(hub_side_messages_decode_on_the_server) {
  hub_message_decoder d;
  auto hello = d.decode(encode_hello({"hub-1", {"a", "b"}}));
  BOOST_TEST(std::get<hub_hello>(*hello).homes.size() == 2u);
  auto t = d.decode(encode_telemetry(9, R"([{"home":"a","device":"x","ts":1795740000000,"power_w":1}])"));
  BOOST_TEST(std::get<hub_telemetry>(*t).samples.samples.size() == 1u);
  auto ack = d.decode(encode_command_ack({"c-1", command_status::done, ""}));
  BOOST_TEST(std::get<hub_command_ack>(*ack).id == "c-1");
}

BOOST_AUTO_TEST_CASE(the_registry_routes_homes_to_the_latest_hub) {
  hub_registry r;
  r.hello("id-1", "hub-1", {"a", "b"});
  BOOST_TEST(*r.hub_for("a") == "id-1");
  BOOST_TEST(r.speaks_for("id-1", "b"));
  r.hello("id-2", "hub-2", {"b"}); // b moved to hub-2
  BOOST_TEST(*r.hub_for("b") == "id-2");
  BOOST_TEST(!r.speaks_for("id-1", "b"));
  r.forget("id-1");
  BOOST_TEST(!r.hub_for("a").has_value());
  BOOST_TEST(*r.hub_for("b") == "id-2");
}

BOOST_AUTO_TEST_CASE(commands_are_resent_with_backoff_until_acknowledged) {
  hub_registry hubs;
  command_tracker t{{.first_retry_ms = 1000, .max_retry_ms = 4000}};
  t.submit(make_command("c-1", "h", 100'000), 0);
  BOOST_TEST(t.due(hubs, 0).empty()); // no hub yet
  BOOST_TEST(*t.next_due(hubs) == 100'000);
  hubs.hello("id", "hub", {"h"});
  BOOST_TEST(t.due(hubs, 10).size() == 1u);
  BOOST_TEST(t.due(hubs, 500).empty());
  BOOST_TEST(t.due(hubs, 1010).size() == 1u); // after 1 s
  BOOST_TEST(t.due(hubs, 2000).empty());
  BOOST_TEST(t.due(hubs, 3010).size() == 1u); // after 2 s more
  BOOST_TEST(t.due(hubs, 7010).size() == 1u); // then 4 s, the cap
  BOOST_TEST(t.due(hubs, 11010).size() == 1u);
  auto done = t.acknowledged("c-1", command_status::done, "", 11020);
  BOOST_REQUIRE(done.has_value());
  BOOST_TEST((done->status == command_status::done));
  BOOST_TEST(done->attempts == 5u);
  BOOST_TEST(!t.acknowledged("c-1", command_status::done, "", 11030).has_value());
  BOOST_TEST(t.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(commands_end_expired_or_without_a_hub) {
  hub_registry hubs;
  command_tracker t;
  t.submit(make_command("never-sent", "lonely", 5'000), 0);
  t.submit(make_command("sent", "h", 5'000), 0);
  hubs.hello("id", "hub", {"h"});
  BOOST_TEST(t.due(hubs, 1).size() == 1u);
  BOOST_TEST(t.expire(4'999).empty());
  auto ended = t.expire(5'000);
  BOOST_REQUIRE_EQUAL(ended.size(), 2u);
  for (const auto& r : ended) {
    if (r.cmd.id == "sent")
      BOOST_TEST((r.status == command_status::expired));
    else
      BOOST_TEST((r.status == command_status::no_hub));
    BOOST_TEST(!r.detail.empty());
  }
  BOOST_TEST(!t.next_due(hubs).has_value());
}

#include "adapters/hub_client.hpp"

BOOST_AUTO_TEST_CASE(the_hub_client_resends_overdue_batches_even_with_a_full_window) {
  zmq::context_t ctx{1};
  manual_clock time{1'000'000};
  hub_client_options o;
  o.endpoint = "inproc://nobody-listens"; // messages queue; no ack ever comes
  o.hub = "hub";
  o.homes = {"h"};
  o.window = 4;
  o.ack_timeout_ms = 1000;
  hub_client c{ctx, o, time, 42};
  for (int i = 0; i < 10; ++i)
    c.send("[]", 0);
  auto obey = [](const command& cmd) { return hub_command_ack{cmd.id, command_status::done, ""}; };
  c.flush();
  BOOST_TEST(c.in_flight() == 4u);
  c.flush();
  BOOST_TEST(c.in_flight() == 4u); // the window holds
  time.advance(1001);              // every ack overdue
  c.flush();
  BOOST_TEST(c.in_flight() == 0u); // all four wait for their backoff (100..200 ms)
  time.advance(200);
  c.poll(std::chrono::milliseconds(0), obey);
  BOOST_TEST(c.in_flight() == 4u);
  BOOST_TEST(c.stats().resends == 4u); // the overdue ones first, not new ones
  BOOST_TEST(c.unacknowledged() == 10u);
}
