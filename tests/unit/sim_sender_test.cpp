#define BOOST_TEST_MODULE sim_sender
#include <map>

#include <boost/test/unit_test.hpp>
#include <simdjson.h>
#include <zmq.hpp>

#include "app/simulate_command.hpp"
#include "sim/playback.hpp"
#include "sim/push_sender.hpp"
#include "tests/unit/sim_test_support.hpp"

using namespace hems;
using namespace hems::sim;
using namespace sim_test;

namespace {

// The server's side of the link: a PULL socket on a free loopback port.
struct pull_server {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::pull};
  std::string endpoint;

  pull_server() {
    socket.set(zmq::sockopt::rcvtimeo, 5000);
    socket.set(zmq::sockopt::linger, 0);
    socket.bind("tcp://127.0.0.1:*");
    endpoint = socket.get(zmq::sockopt::last_endpoint);
  }

  std::optional<std::string> receive() {
    zmq::message_t m;
    if (!socket.recv(m))
      return std::nullopt;
    return m.to_string();
  }
};

struct decoded {
  std::size_t samples = 0;
  std::set<std::string> homes;
  std::vector<millis> timestamps;
};

// Decodes a frame as the server will, checking the contract on the way.
void decode(const std::string& frame, decoded& into) {
  simdjson::dom::parser parser;
  simdjson::dom::array samples = parser.parse(frame);
  std::string home;
  for (simdjson::dom::element s : samples) {
    std::string_view h = s["home"];
    BOOST_TEST_REQUIRE(is_valid_id(h));
    if (home.empty())
      home = h;
    BOOST_TEST_REQUIRE(home == h); // one home per frame
    BOOST_TEST_REQUIRE(is_valid_id(std::string_view(s["device"])));
    double power = s["power_w"];
    BOOST_TEST_REQUIRE(std::isfinite(power));
    BOOST_TEST_REQUIRE(parse_device_kind(std::string_view(s["kind"])).has_value());
    BOOST_TEST_REQUIRE(parse_device_state(std::string_view(s["state"])).has_value());
    into.timestamps.push_back(int64_t(s["ts"]));
    ++into.samples;
  }
  into.homes.insert(home);
}

push_sender_options to(std::string endpoint) {
  push_sender_options o;
  o.endpoint = std::move(endpoint);
  return o;
}

const millis jan_13 = utc_midnight(2025, 1, 13);

} // namespace

BOOST_AUTO_TEST_CASE(fast_forward_pushes_frames_the_server_can_decode) {
  pull_server server;
  std::atomic<bool> stop{false};
  auto sender = push_sender::connect(to(server.endpoint), &stop);
  BOOST_REQUIRE(sender.has_value());

  neighbourhood_config c;
  c.homes = 4;
  c.devices_per_home = 12;
  neighbourhood homes{c};
  fast_forward_options ff;
  ff.from = jan_13;
  ff.to = jan_13 + 6 * hour_ms;
  ff.step_ms = 10 * second_ms;
  ff.samples_per_frame = 600;
  ff.max_frames = 20;
  auto stats = fast_forward(homes, **sender, stop, ff);
  BOOST_TEST(stats.frames == 20u);
  BOOST_TEST((*sender)->frames_sent() == 20u);

  decoded got;
  for (int i = 0; i < 20; ++i) {
    auto frame = server.receive();
    BOOST_REQUIRE(frame.has_value());
    decode(*frame, got);
  }
  BOOST_TEST(got.samples == stats.samples);
  BOOST_TEST(got.homes.size() == 4u);
  for (millis ts : got.timestamps)
    BOOST_TEST_REQUIRE((ts >= ff.from && ts < ff.to));
  BOOST_TEST(*stats.first_ts == ff.from);
}

BOOST_AUTO_TEST_CASE(real_time_playback_paces_frames_by_the_rate) {
  // A manual clock and a wait that only moves it: real-time pacing, no sleeping.
  pull_server server;
  std::atomic<bool> stop{false};
  auto sender = push_sender::connect(to(server.endpoint), &stop);
  BOOST_REQUIRE(sender.has_value());
  neighbourhood_config c;
  c.homes = 3;
  c.devices_per_home = 10;
  c.rate_hz = 0.5; // every 2 s
  neighbourhood homes{c};
  manual_clock clock{jan_13 + 7 * hour_ms};
  std::vector<millis> waits;
  wait_fn wait = [&](millis until) {
    BOOST_TEST_REQUIRE(until > clock.now_ms()); // never a busy loop
    waits.push_back(until);
    clock.set(until);
  };
  realtime_options rt;
  rt.max_frames = 12; // four rounds of three homes
  auto stats = play_realtime(homes, **sender, clock, wait, stop, rt);
  BOOST_TEST(stats.frames == 12u);
  BOOST_TEST(stats.samples == 120u);

  std::map<std::string, std::vector<millis>> by_home;
  for (int i = 0; i < 12; ++i) {
    auto frame = server.receive();
    BOOST_REQUIRE(frame.has_value());
    decoded got;
    decode(*frame, got);
    BOOST_TEST(got.samples == 10u);
    by_home[*got.homes.begin()].push_back(got.timestamps.front());
  }
  BOOST_TEST(by_home.size() == 3u);
  for (const auto& [home, ts] : by_home)
    for (std::size_t i = 1; i < ts.size(); ++i)
      BOOST_TEST(ts[i] - ts[i - 1] == 2000, home);
  // Homes are spread over the interval rather than all due at once.
  BOOST_TEST(waits.size() > 4u);
}

BOOST_AUTO_TEST_CASE(real_time_playback_ends_after_its_duration) {
  collecting_sink sink;
  std::atomic<bool> stop{false};
  neighbourhood_config c;
  c.homes = 2;
  c.devices_per_home = 4;
  c.rate_hz = 10;
  neighbourhood homes{c};
  manual_clock clock{jan_13};
  realtime_options rt;
  rt.duration_ms = 5000;
  auto stats = play_realtime(
      homes, sink, clock, [&](millis until) { clock.set(until); }, stop, rt);
  BOOST_TEST(stats.frames == 2u * 50u); // 10 Hz for 5 s, two homes
  BOOST_TEST(stats.samples == 400u);
  BOOST_TEST(*stats.last_ts < jan_13 + 5000);
}

BOOST_AUTO_TEST_CASE(a_blocked_sender_gives_up_when_stopped) {
  // Nobody listens and the queue holds one frame: send() blocks until the
  // stop flag is raised, then says so.
  std::atomic<bool> stop{true};
  push_sender_options o;
  o.endpoint = "tcp://127.0.0.1:1"; // nothing there
  o.send_hwm = 1;
  o.linger_ms = 0;
  auto sender = push_sender::connect(o, &stop);
  BOOST_REQUIRE(sender.has_value());
  bool all_sent = true;
  for (int i = 0; i < 5 && all_sent; ++i)
    all_sent = (*sender)->send(std::string(100, 'x'), 1, "h");
  BOOST_TEST(!all_sent);

  BOOST_TEST(!push_sender::connect(to("not-an-endpoint"), nullptr).has_value());
}

BOOST_AUTO_TEST_CASE(the_simulate_command_fast_forwards_to_an_endpoint) {
  pull_server server;
  std::string from = "2025-01-13T00:00:00Z";
  std::vector<std::string> args{"--homes",
                                "2",
                                "--devices-per-home",
                                "5",
                                "--from",
                                from,
                                "--to",
                                "1736730000000",
                                "--step-ms",
                                "60000",
                                "--link",
                                "push",
                                "--endpoint",
                                server.endpoint,
                                "--tz",
                                "Europe/Berlin",
                                "--meter"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  BOOST_TEST(run_simulate_command(static_cast<int>(argv.size()), argv.data()) == 0);
  // 2025-01-13T00:00Z .. 01:00Z (1736730000000) at one minute: 60 steps x 2 homes x 6 devices.
  decoded got;
  while (got.samples < 720) {
    auto frame = server.receive();
    BOOST_REQUIRE(frame.has_value());
    decode(*frame, got);
  }
  BOOST_TEST(got.samples == 720u);
  BOOST_TEST(got.homes.size() == 2u);
}
