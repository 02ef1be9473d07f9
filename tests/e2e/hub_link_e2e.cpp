#define BOOST_TEST_MODULE hub_link_e2e
#include <boost/test/unit_test.hpp>

// The hub link, the feed and CURVE against the real hems binary.

#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

#include <simdjson.h>
#include <zmq.hpp>

#include "adapters/curve.hpp"
#include "adapters/hub_client.hpp"
#include "core/json_writer.hpp"
#include "core/sample_json.hpp"
#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::test;
using namespace std::chrono_literals;

namespace {

constexpr millis t0 = 1795737600000;

double metric(std::uint16_t port, const std::string& series) {
  auto r = http_get(port, "/metrics");
  auto pos = r.body.find("\n" + series + " ");
  if (pos == std::string::npos)
    return -1;
  return std::stod(r.body.substr(pos + series.size() + 2));
}

// A batch of `n` samples of one device, seq from `first`.
std::string batch_json(const std::string& home, const std::string& device, std::uint64_t first,
                       std::size_t n) {
  json_writer w;
  w.begin_array();
  for (std::size_t i = 0; i < n; ++i) {
    sample s;
    s.home = home;
    s.device = device;
    s.ts_ms = t0 + static_cast<millis>(first + i) * 1000;
    s.power_w = static_cast<double>((first + i) % 2000);
    s.seq = first + i;
    s.kind = device_kind::meter;
    write_sample(w, s);
  }
  w.end_array();
  return w.take();
}

std::vector<std::uint64_t> stored_seqs(std::uint16_t port, const std::string& home,
                                       const std::string& device) {
  std::vector<std::uint64_t> seqs;
  std::string after;
  simdjson::dom::parser p;
  for (;;) {
    auto r = http_get(port, "/usage?home=" + home + "&device=" + device +
                              "&resolution=raw&from=0&to=4102444799999&limit=10000" +
                              (after.empty() ? "" : "&after=" + after));
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto doc = p.parse(r.body).value();
    for (auto s : doc["samples"].get_array())
      seqs.push_back(s["seq"].get_uint64().value());
    if (doc["next"].is_null())
      break;
    after = std::string{doc["next"].get_string().value()};
  }
  return seqs;
}

adapters::hub_client_options hub_options(const std::string& endpoint, std::string hub,
                                         std::vector<std::string> homes) {
  adapters::hub_client_options o;
  o.endpoint = endpoint;
  o.hub = std::move(hub);
  o.homes = std::move(homes);
  o.ack_timeout_ms = 2000;
  return o;
}

adapters::hub_command_ack obey(const command& c) {
  if (c.device == "stuck")
    return {c.id, command_status::failed, "relay does not switch"};
  return {c.id, command_status::done, ""};
}

} // namespace

BOOST_AUTO_TEST_CASE(every_acknowledged_sample_is_stored_exactly_once_across_kills) {
  temp_dir dir;
  auto hub_port = free_tcp_port();
  std::vector<std::string> fixed{"--hub", "tcp://127.0.0.1:" + std::to_string(hub_port)};
  auto server = std::make_unique<hems_process>(dir.path() / "data", fixed);
  zmq::context_t ctx{1};
  system_clock time;
  adapters::hub_client hub{ctx,
                           hub_options("tcp://127.0.0.1:" + std::to_string(hub_port), "hub-kill",
                                       {"h-kill"}),
                           time};
  constexpr std::size_t batches = 300, per_batch = 100;
  for (std::size_t b = 0; b < batches; ++b)
    hub.send(batch_json("h-kill", "meter", b * per_batch, per_batch), per_batch);
  // Kill the server whenever the hub has seen a few more acks, three times.
  std::set<std::uint64_t> acked;
  for (std::size_t kill_after : {std::size_t{40}, std::size_t{110}, std::size_t{200}, batches}) {
    BOOST_REQUIRE(eventually(
      [&] {
        hub.poll(5ms, obey);
        for (auto b : hub.take_acknowledged())
          acked.insert(b.number);
        return acked.size() >= kill_after;
      },
      120s));
    if (kill_after == batches)
      break;
    server->kill_hard();
    server = std::make_unique<hems_process>(dir.path() / "data", fixed);
  }
  BOOST_TEST(hub.unacknowledged() == 0u);
  BOOST_TEST_MESSAGE("resends: " << hub.stats().resends << ", duplicates: "
                                 << hub.stats().samples_duplicate);
  auto seqs = stored_seqs(server->http_port(), "h-kill", "meter");
  BOOST_REQUIRE_EQUAL(seqs.size(), batches * per_batch);
  for (std::size_t i = 0; i < seqs.size(); ++i)
    if (seqs[i] != i)
      BOOST_FAIL("sample " << i << " stored as seq " << seqs[i]);
}

BOOST_AUTO_TEST_CASE(commands_reach_the_hub_and_their_outcomes_are_kept) {
  temp_dir dir;
  hems_process server{dir.path() / "data"};
  zmq::context_t ctx{1};
  system_clock time;
  adapters::hub_client hub{ctx, hub_options(server.hub_endpoint(), "hub-1", {"h1"}), time};
  hub.send(batch_json("h1", "light", 1, 1), 1);
  hub.send(batch_json("h1", "stuck", 1, 1), 1);
  BOOST_REQUIRE(eventually([&] {
    hub.poll(5ms, obey);
    return hub.unacknowledged() == 0 && metric(server.http_port(), "hems_samples_applied_total") == 2;
  }));
  auto post = [&](const std::string& body) {
    return http_request(server.http_port(), "POST", "/commands", body);
  };
  auto ok = post(R"({"home":"h1","device":"light","action":"off","reason":"test"})");
  BOOST_REQUIRE_EQUAL(ok.status, 202);
  BOOST_TEST(ok.body.find("\"status\":\"pending\"") != std::string::npos);
  BOOST_TEST(post(R"({"home":"h1","device":"stuck","action":"set","params":{"setpoint_c":19.5}})").status == 202);
  BOOST_TEST(post(R"({"home":"h1","device":"ghost","action":"off"})").status == 404);
  BOOST_TEST(post(R"({"home":"h1","device":"light","action":"explode"})").status == 400);
  BOOST_TEST(post(R"({"home":"h1","device":"light","action":"set"})").status == 400);
  BOOST_TEST(post(R"({"home":"h1","device":"light","action":"off","colour":1})").status == 400);
  http_response list;
  BOOST_REQUIRE(eventually([&] {
    hub.poll(5ms, obey);
    list = http_get(server.http_port(), "/commands?home=h1");
    return list.body.find("\"status\":\"done\"") != std::string::npos &&
           list.body.find("\"status\":\"failed\"") != std::string::npos;
  }));
  BOOST_TEST(list.body.find("relay does not switch") != std::string::npos);
  BOOST_TEST(hub.stats().commands >= 2u);
  BOOST_TEST(metric(server.http_port(), "hems_commands_total{outcome=\"done\"}") == 1);
  BOOST_TEST(metric(server.http_port(), "hems_commands_total{outcome=\"failed\"}") == 1);
}

BOOST_AUTO_TEST_CASE(malformed_and_unauthorized_hub_messages_get_clear_answers) {
  temp_dir dir;
  hems_process server{dir.path() / "data"};
  zmq::context_t ctx{1};
  zmq::socket_t dealer{ctx, zmq::socket_type::dealer};
  dealer.set(zmq::sockopt::routing_id, "raw-hub");
  dealer.set(zmq::sockopt::rcvtimeo, 20000);
  dealer.connect(server.hub_endpoint());
  auto exchange = [&](const std::string& msg) {
    dealer.send(zmq::buffer(msg), zmq::send_flags::none);
    zmq::message_t reply;
    BOOST_REQUIRE(dealer.recv(reply));
    return reply.to_string();
  };
  BOOST_TEST(exchange("garbage").find("message: not_json") != std::string::npos);
  BOOST_TEST(exchange(R"({"type":"gossip"})").find("unknown message type") != std::string::npos);
  BOOST_TEST(exchange(R"({"type":"telemetry","batch":1,"samples":[]})").find("hello first") !=
             std::string::npos);
  BOOST_TEST(exchange(R"({"type":"hello","hub":"raw-hub","homes":[]})").find("homes") !=
             std::string::npos);
  BOOST_TEST(exchange(R"({"type":"hello","hub":"raw-hub","homes":["mine"]})").find("welcome") !=
             std::string::npos);
  auto ack = exchange(R"({"type":"telemetry","batch":7,"samples":[)"
                      R"({"home":"mine","device":"d","ts":1795737600000,"power_w":1},)"
                      R"({"home":"theirs","device":"d","ts":1795737600000,"power_w":1},)"
                      R"({"home":"mine","device":"d","ts":1795737600001,"power_w":"x"}]})");
  BOOST_TEST(ack.find("\"type\":\"ack\"") != std::string::npos);
  BOOST_TEST(ack.find("\"accepted\":1") != std::string::npos);
  BOOST_TEST(ack.find("'theirs' was not announced") != std::string::npos);
  BOOST_TEST(ack.find("power_w: expected a number") != std::string::npos);
  BOOST_TEST(exchange(R"({"type":"telemetry","batch":8})").find("\"batch\":8") != std::string::npos);
  BOOST_TEST(metric(server.http_port(), "hems_hub_messages_rejected_total") >= 4);
}

BOOST_AUTO_TEST_CASE(the_feed_publishes_and_a_stalled_subscriber_slows_nothing) {
  temp_dir dir;
  hems_process server{dir.path() / "data"};
  zmq::context_t ctx{1};
  zmq::socket_t sub{ctx, zmq::socket_type::sub};
  sub.set(zmq::sockopt::subscribe, "home/h-feed/");
  sub.set(zmq::sockopt::rcvtimeo, 20000);
  sub.connect(server.feed_endpoint());
  zmq::socket_t stalled{ctx, zmq::socket_type::sub}; // subscribes to everything, never reads
  stalled.set(zmq::sockopt::subscribe, "");
  stalled.set(zmq::sockopt::rcvhwm, 10);
  stalled.connect(server.feed_endpoint());
  BOOST_REQUIRE(eventually([&] { return metric(server.http_port(), "hems_feed_subscriptions") >= 2; }));
  system_clock time;
  adapters::hub_client hub{ctx, hub_options(server.hub_endpoint(), "hub-feed", {"h-feed"}), time};
  constexpr std::size_t batches = 100, per_batch = 500;
  for (std::size_t b = 0; b < batches; ++b)
    hub.send(batch_json("h-feed", "meter", b * per_batch, per_batch), per_batch);
  BOOST_REQUIRE(eventually([&] {
    hub.poll(5ms, obey);
    return hub.unacknowledged() == 0;
  }, 120s));
  zmq::message_t topic, body;
  BOOST_REQUIRE(sub.recv(topic));
  BOOST_REQUIRE(topic.more());
  BOOST_REQUIRE(sub.recv(body));
  BOOST_TEST(topic.to_string() == "home/h-feed/telemetry");
  BOOST_TEST(body.to_string().find("\"device\":\"meter\"") != std::string::npos);
  BOOST_REQUIRE(eventually([&] {
    return metric(server.http_port(), "hems_samples_applied_total") == batches * per_batch;
  }));
}

BOOST_AUTO_TEST_CASE(curve_admits_allowed_keys_and_refuses_the_rest) {
  temp_dir dir;
  auto keys = dir.path() / "keys";
  auto allowed = dir.path() / "allowed";
  std::filesystem::create_directories(allowed);
  auto server_keys = *adapters::generate_curve_keypair();
  auto good = *adapters::generate_curve_keypair();
  auto stranger = *adapters::generate_curve_keypair();
  BOOST_REQUIRE(adapters::write_curve_keypair(keys, "server", server_keys).has_value());
  BOOST_REQUIRE(adapters::write_curve_keypair(keys, "good", good).has_value());
  std::filesystem::copy_file(keys / "good.pub", allowed / "good.pub");
  BOOST_TEST(((std::filesystem::status(keys / "server.key").permissions() &
               std::filesystem::perms::group_read) == std::filesystem::perms::none));
  hems_process server{dir.path() / "data",
                      {"--curve-key", (keys / "server.key").string(), "--curve-clients",
                       allowed.string()}};
  zmq::context_t ctx{1};
  system_clock time;
  auto with_key = [&](const adapters::curve_keypair& k, std::string hub) {
    auto o = hub_options(server.hub_endpoint(), std::move(hub), {"h-sec"});
    o.curve = adapters::curve_client{k, server_keys.public_key};
    return o;
  };
  adapters::hub_client trusted{ctx, with_key(good, "trusted"), time};
  BOOST_REQUIRE(eventually([&] {
    trusted.poll(5ms, obey);
    return trusted.welcomed();
  }));
  adapters::hub_client unknown{ctx, with_key(stranger, "unknown"), time};
  adapters::hub_client plaintext{ctx, hub_options(server.hub_endpoint(), "plain", {"h-sec"}), time};
  BOOST_REQUIRE(eventually([&] {
    unknown.poll(5ms, obey);
    plaintext.poll(5ms, obey);
    return metric(server.http_port(), "hems_curve_peers_total{outcome=\"unknown_key\"}") >= 1 &&
           metric(server.http_port(),
                  "hems_zmq_handshake_failures_total{socket=\"hub\",reason=\"protocol\"}") >= 1;
  }));
  BOOST_TEST(!unknown.welcomed());
  BOOST_TEST(!plaintext.welcomed());
}

BOOST_AUTO_TEST_CASE(beyond_loopback_the_links_refuse_to_start_without_curve) {
  temp_dir dir;
  BOOST_CHECK_THROW((hems_process{dir.path() / "data", {"--hub", "tcp://0.0.0.0:*"}}),
                    std::runtime_error);
}

BOOST_AUTO_TEST_CASE(simulated_devices_obey_commands_over_the_hub_link) {
  temp_dir dir;
  hems_process server{dir.path() / "data"};
  child_process simulator{{hems_process::binary(), "simulate", "--homes", "1",
                           "--devices-per-home", "10", "--rate", "5", "--duration", "120",
                           "--endpoint", server.hub_endpoint()}};
  auto router_power = [&]() -> double {
    auto r = http_get(server.http_port(), "/devices?home=h-0001");
    if (r.status != 200)
      return -1;
    simdjson::dom::parser p;
    for (auto d : p.parse(r.body)["devices"].get_array())
      if (std::string_view{d["id"].get_string().value()} == "router")
        return d["power_w"].get_double().value();
    return -1;
  };
  BOOST_REQUIRE(eventually([&] { return router_power() > 0; }, 60s));
  auto sent = http_request(server.http_port(), "POST", "/commands",
                           R"({"home":"h-0001","device":"router","action":"off","reason":"test"})");
  BOOST_REQUIRE_EQUAL(sent.status, 202);
  BOOST_REQUIRE(eventually([&] { return router_power() == 0.0; }, 60s));
  auto list = http_get(server.http_port(), "/commands?home=h-0001");
  BOOST_TEST(list.body.find("\"status\":\"done\"") != std::string::npos);
  BOOST_TEST(metric(server.http_port(), "hems_hubs") == 1);
}
