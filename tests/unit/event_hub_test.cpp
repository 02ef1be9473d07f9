#define BOOST_TEST_MODULE event_hub
#include <boost/test/unit_test.hpp>

// The live-event fan-out without a server: fake sinks, a manual clock and
// tick() called by hand.

#include "api/event_hub.hpp"
#include "api/static_files.hpp"

using namespace hems;
using namespace hems::api;

namespace {

struct fake_sink final : stream_sink {
  bool write(std::string_view bytes) override {
    if (closed || gone)
      return false;
    written += bytes;
    return true;
  }
  std::size_t pending_bytes() const override { return backlog; }
  bool open() const override { return !closed && !gone; }
  void close() override { closed = true; }
  std::string written;
  std::size_t backlog = 0;
  bool closed = false;
  bool gone = false;
};

actors::home_view view_of(const std::string& home, double fridge_w, millis ts) {
  actors::home_view v;
  v.home = home;
  v.found = true;
  v.as_of_ms = ts;
  v.total_power_w = fridge_w;
  actors::home_view::device d;
  d.status.device = "fridge";
  d.online = true;
  d.power_w = fridge_w;
  v.devices.push_back(d);
  return v;
}

struct hub_fixture {
  hub_fixture(event_hub_options o = {}) : hub(time, metrics, power(), o) {}
  power_source power() {
    return [this](const std::string& home) -> std::optional<actors::home_view> {
      if (home != "h1")
        return std::nullopt;
      return view_of(home, fridge_w, time.now_ms());
    };
  }
  std::shared_ptr<fake_sink> open(const std::string& home, const std::string& token) {
    auto opener = hub.reserve(home, token);
    BOOST_REQUIRE(opener.has_value());
    auto sink = std::make_shared<fake_sink>();
    (*opener)(sink);
    return sink;
  }
  manual_clock time{1'000'000};
  metrics_registry metrics;
  double fridge_w = 100;
  event_hub hub;
};

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
    ++n;
  return n;
}

} // namespace

BOOST_AUTO_TEST_CASE(sse_event_splits_data_lines) {
  BOOST_TEST(sse_event("power", R"({"a":1})") == "event: power\ndata: {\"a\":1}\n\n");
  BOOST_TEST(sse_event("x", "a\nb") == "event: x\ndata: a\ndata: b\n\n");
}

BOOST_AUTO_TEST_CASE(a_new_stream_gets_the_power_now_then_only_changes_at_most_once_a_second) {
  hub_fixture f;
  auto s = f.open("h1", "t1");
  BOOST_TEST(count(s->written, "event: power") == 1u);
  BOOST_TEST(s->written.find(R"("power_w":100)") != std::string::npos);
  BOOST_TEST(s->written.find(R"("device":"fridge")") != std::string::npos);

  f.time.advance(1000);
  f.hub.tick(); // first tick: the hub has not sent this home's power itself yet
  auto after_first = count(s->written, "event: power");
  f.time.advance(1000);
  f.hub.tick(); // nothing changed: nothing sent
  BOOST_TEST(count(s->written, "event: power") == after_first);

  f.fridge_w = 5;
  f.time.advance(200);
  f.hub.tick();
  BOOST_TEST(count(s->written, "event: power") == after_first + 1);
  f.fridge_w = 7; // changed again within the second: waits
  f.time.advance(200);
  f.hub.tick();
  BOOST_TEST(count(s->written, "event: power") == after_first + 1);
  f.time.advance(1000);
  f.hub.tick();
  BOOST_TEST(count(s->written, "event: power") == after_first + 2);
  BOOST_TEST(s->written.find(R"("power_w":7)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(events_go_to_their_home_only) {
  hub_fixture f;
  auto mine = f.open("h1", "t1");
  auto other = f.open("h2", "t2");
  f.hub.publish("h1", "notification", R"({"kind":"offline"})");
  f.hub.publish_plan("h1", 42);
  f.hub.publish_if_heard("h3", "command", [] {
    BOOST_FAIL("nobody listens to h3: nothing to render");
    return std::string{};
  });
  BOOST_TEST(mine->written.find("event: notification\ndata: {\"kind\":\"offline\"}") !=
             std::string::npos);
  BOOST_TEST(mine->written.find(R"(event: plan
data: {"home":"h1","computed_ms":42})") != std::string::npos);
  BOOST_TEST(other->written.find("notification") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(quiet_streams_get_a_keep_alive_comment) {
  hub_fixture f;
  auto s = f.open("h2", "t1"); // h2 has no power view: nothing else is written
  f.time.advance(14'000);
  f.hub.tick();
  BOOST_TEST(count(s->written, ": keep-alive") == 0u);
  f.time.advance(1'000);
  f.hub.tick();
  BOOST_TEST(count(s->written, ": keep-alive") == 1u);
}

BOOST_AUTO_TEST_CASE(streams_are_bounded_per_token_and_per_server) {
  event_hub_options o;
  o.max_streams = 3;
  o.max_streams_per_token = 2;
  hub_fixture f{o};
  auto a = f.open("h1", "t1");
  auto b = f.open("h1", "t1");
  auto refused = f.hub.reserve("h1", "t1");
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().status == 429);
  BOOST_TEST(refused.error().body.find("events:") != std::string::npos);
  auto c = f.open("h1", "t2");
  auto full = f.hub.reserve("h1", "t3");
  BOOST_REQUIRE(!full.has_value());
  BOOST_TEST(full.error().status == 503);

  // A client that left frees its place at the next tick.
  a->gone = true;
  f.hub.tick();
  BOOST_TEST(f.hub.open_streams() == 2u);
  BOOST_TEST(f.hub.reserve("h1", "t1").has_value());
  // A reservation never opened gives its place back.
  BOOST_TEST(f.hub.reserve("h1", "t1").has_value());
  BOOST_TEST(
      f.metrics.render().find("hems_event_streams_refused_total{reason=\"token_limit\"} 1") !=
      std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_slow_client_is_dropped_and_counted) {
  event_hub_options o;
  o.max_pending_bytes = 1000;
  hub_fixture f{o};
  auto slow = f.open("h1", "t1");
  auto fast = f.open("h1", "t2");
  slow->backlog = 5000;
  f.hub.publish("h1", "notification", "{}");
  BOOST_TEST(slow->closed);
  BOOST_TEST(!fast->closed);
  BOOST_TEST(fast->written.find("notification") != std::string::npos);
  BOOST_TEST(f.hub.open_streams() == 1u);
  BOOST_TEST(f.metrics.render().find("hems_event_streams_closed_total{reason=\"slow_client\"} 1") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(old_streams_end_cleanly_and_stop_closes_all) {
  event_hub_options o;
  o.max_stream_ms = 10'000;
  hub_fixture f{o};
  auto s = f.open("h1", "t1");
  f.time.advance(9'000);
  f.hub.tick();
  BOOST_TEST(!s->closed);
  f.time.advance(1'000);
  f.hub.tick();
  BOOST_TEST(s->closed);
  auto t = f.open("h1", "t1");
  f.hub.stop();
  BOOST_TEST(t->closed);
  BOOST_TEST(!f.hub.reserve("h1", "t1").has_value());
  f.hub.publish("h1", "notification", "{}"); // after stop: nothing, no crash
}

BOOST_AUTO_TEST_CASE(static_content_types) {
  BOOST_TEST(content_type_for("index.html") == "text/html; charset=utf-8");
  BOOST_TEST(content_type_for("app.js") == "text/javascript; charset=utf-8");
  BOOST_TEST(content_type_for("app.css") == "text/css; charset=utf-8");
  BOOST_TEST(content_type_for("x.bin") == "application/octet-stream");
}
