#define BOOST_TEST_MODULE history_actors
#include "tests/support/actor_fixture.hpp"

// The home aggregators on the deterministic coordinator with a real RocksDB
// store: windows written as they close, idle homes closed on ticks, a failed
// aggregator restarted from storage, a restarted server resuming, time zones,
// and raw samples moved into chunks.

#include "actors/fleet_directory.hpp"
#include "actors/window_recovery.hpp"
#include "storage/device_ledger.hpp"
#include "tests/support/forwarding_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::actors;
using streams::resolution;

namespace {

constexpr millis t0 = 1795737600000; // 2026-11-27T00:00:00Z
constexpr millis m = 60'000;
constexpr millis h = 60 * m;

sample make(std::string device, millis ts, double power, std::optional<double> meter = {},
            device_kind kind = device_kind::plug) {
  sample s;
  s.home = "h1";
  s.device = std::move(device);
  s.ts_ms = ts;
  s.power_w = power;
  s.energy_wh = meter;
  s.seq = static_cast<std::uint64_t>(ts);
  s.kind = kind;
  return s;
}

struct fixture : test::actor_fixture {
  test::temp_dir dir;
  std::unique_ptr<storage::store> db = [this] {
    auto s = storage::open_rocksdb_store({.dir = dir.path()});
    BOOST_REQUIRE(s.has_value());
    return std::move(*s);
  }();
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(t0);
  metrics_registry registry;
  std::vector<std::pair<std::string, std::size_t>> published;
  std::shared_ptr<live_context> context = [this] {
    auto c = std::make_shared<live_context>();
    c->settings.time = time;
    c->metrics = std::make_shared<live_metrics>(registry);
    auto hc = std::make_shared<history_context>();
    hc->db = db.get();
    hc->settings.windows.lateness_ms = 2 * m;
    hc->settings.windows.idle_close_ms = 10 * m;
    hc->metrics = std::make_shared<history_metrics>(registry);
    hc->on_windows = [this](const std::string& home, const std::vector<streams::usage_window>& ws) {
      published.emplace_back(home, ws.size());
    };
    c->history = hc;
    return c;
  }();
  fleet_directory_actor directory = start_directory();

  fleet_directory_actor start_directory() {
    std::vector<recovered_device> recovered;
    auto records = db->load_devices();
    BOOST_REQUIRE(records.has_value());
    for (auto& r : *records) {
      device_status st;
      st.device = r.device;
      st.kind = r.kind;
      st.memo.last = r.last;
      recovered.push_back({r.home, st});
    }
    return system->spawn(fleet_directory_behavior, std::move(recovered), live_context_ptr{context});
  }

  ~fixture() {
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
    run();
  }

  // As the write path does: durable first, then to the actors.
  void deliver(std::vector<sample> xs) {
    auto records = db->load_devices();
    BOOST_REQUIRE(records.has_value());
    storage::device_ledger ledger{std::move(*records)};
    auto batch = db->new_batch();
    for (auto& x : xs) {
      ledger.admit(x, time->now_ms());
      batch->put_sample(x);
    }
    ledger.for_each_changed([&](const storage::device_record& r) { batch->put_device(r); });
    BOOST_REQUIRE(db->commit(*batch, storage::durability::os_buffered).has_value());
    caf::anon_send(directory, ingest_atom::value, std::move(xs));
    run();
  }
  void tick() {
    caf::anon_send(directory, tick_atom::value);
    run();
  }
  aggregator_actor aggregator() {
    return ask<aggregator_actor>(directory, aggregator_atom::value, std::string{"h1"});
  }
  aggregator_status status() { return ask<aggregator_status>(aggregator(), get_atom::value); }
  std::vector<storage::notification_record> notifications() {
    auto got = db->history()->read_notifications("h1", 0, t0 + 400 * 24 * h, 1000);
    BOOST_REQUIRE(got.has_value());
    return *got;
  }
  std::vector<storage::window_row> windows(const std::string& series, resolution r) {
    auto rows = db->history()->read_windows({"h1", series, r, 0, t0 + 400 * 24 * h});
    BOOST_REQUIRE(rows.has_value());
    return *rows;
  }
  // A plug at 600 W (10 Wh a minute) and a meter rising 20 Wh a minute.
  std::vector<sample> minutes(millis from, int n) {
    std::vector<sample> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(make("plug", from + i * m, 600));
      out.push_back(make("meter", from + i * m, 1200,
                         1000.0 + 20 * static_cast<double>((from - t0) / m + i),
                         device_kind::meter));
    }
    return out;
  }
};

// A store whose hub catches up (commits a batch) just before the windows'
// rebuild reads its second device: the moment a real hub's backlog lands.
class catching_up_store final : public test::forwarding_store {
public:
  using forwarding_store::forwarding_store;
  std::function<void()> catch_up;

  result<storage::sample_page> read_samples(const storage::sample_query& q) override {
    before_read(q);
    return forwarding_store::read_samples(q);
  }
  std::unique_ptr<storage::sample_view> samples_now() override {
    return std::make_unique<view>(*this, forwarding_store::samples_now());
  }

private:
  class view final : public storage::sample_view {
  public:
    view(catching_up_store& s, std::unique_ptr<storage::sample_view> inner)
        : store_(s), inner_(std::move(inner)) {}
    result<storage::sample_page> read_samples(const storage::sample_query& q) override {
      store_.before_read(q);
      return inner_->read_samples(q);
    }

  private:
    catching_up_store& store_;
    std::unique_ptr<storage::sample_view> inner_;
  };
  void before_read(const storage::sample_query& q) {
    if (q.device == "meter" && q.limit > 1 && catch_up) // the replay's read, not the probe's
      std::exchange(catch_up, {})();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(history, fixture)

BOOST_AUTO_TEST_CASE(a_rebuild_while_a_hub_catches_up_makes_no_sample_late) {
  test::temp_dir other;
  auto opened = storage::open_rocksdb_store({.dir = other.path()});
  BOOST_REQUIRE(opened.has_value());
  catching_up_store store{std::move(*opened)};
  auto commit = [&](const std::vector<sample>& xs) {
    auto batch = store.new_batch();
    for (const auto& x : xs)
      batch->put_sample(x);
    BOOST_REQUIRE(store.commit(*batch, storage::durability::os_buffered).has_value());
  };
  commit(minutes(t0 + 10 * h, 30)); // stored before the restart: 10:00-10:29
  // Six hours of backlog land between the replay's reads of the two devices;
  // the write path then hands them to the aggregator's mailbox.
  auto backlog = minutes(t0 + 10 * h + 30 * m, 6 * 60);
  store.catch_up = [&] { commit(backlog); };
  history_context hc = *context->history;
  hc.db = &store;
  millis now = t0 + 17 * h;
  auto rebuilt = recover_windows(hc, "h1",
                                 {{"plug", device_kind::plug, t0 + 10 * h + 29 * m},
                                  {"meter", device_kind::meter, t0 + 10 * h + 29 * m}},
                                 streams::window_calendar{}, now);
  BOOST_REQUIRE(rebuilt.has_value());
  BOOST_TEST(!store.catch_up); // the backlog did land during the rebuild
  // Every device as of one moment: the backlog is not in the replay...
  BOOST_TEST((rebuilt->windows.event_time() == t0 + 10 * h + 29 * m));
  // ...so it arrives after it, one device's run after the other's, and none
  // of it is late (a replay that saw the meter's backlog but not the plug's
  // made the plug's six hours late: missing from its windows).
  std::size_t late = 0;
  for (std::string device : {"plug", "meter"}) {
    streams::device_readings run{
        device, device == "plug" ? device_kind::plug : device_kind::meter, {}};
    for (const auto& s : backlog)
      if (s.device == device)
        run.readings.push_back(streams::window_reading::of(s));
    late += rebuilt->windows.add(run, now).late;
  }
  BOOST_TEST(late == 0u);
  double plug_wh = 0;
  for (const auto& w : rebuilt->windows.close_due(now + 11 * m))
    if (w.series == "plug" && w.res == resolution::h1 && w.start >= t0 + 11 * h &&
        w.start < t0 + 16 * h)
      plug_wh += w.stats.energy_wh;
  BOOST_TEST(plug_wh == 5 * 600.0); // 11:00 to 16:00, each hour whole
}

BOOST_AUTO_TEST_CASE(windows_are_written_as_they_close_and_published) {
  deliver(minutes(t0 + 10 * h, 20)); // 10:00 .. 10:19
  // Event time 10:19, lateness 2 min: minutes up to 10:17 are closed.
  BOOST_TEST(status().closed_until.value_or(0) == t0 + 10 * h + 17 * m);
  auto plug = windows("plug", resolution::m1);
  BOOST_REQUIRE_EQUAL(plug.size(), 17u);
  BOOST_TEST(plug[3].stats.energy_wh == 10.0);
  BOOST_TEST(windows("plug", resolution::m15).size() == 1u);
  BOOST_TEST(windows("*untracked", resolution::m1)[4].stats.energy_wh == 10.0);
  BOOST_REQUIRE(!published.empty());
  BOOST_TEST(published.front().first == "h1");
  // Silent for the idle time: everything closes, the hour and the day too.
  time->set(t0 + 10 * h + 19 * m + 10 * m);
  tick();
  time->set(t0 + 26 * h);
  tick();
  BOOST_TEST(windows("plug", resolution::h1).size() == 1u);
  auto day = windows("*home", resolution::d1);
  BOOST_REQUIRE_EQUAL(day.size(), 1u);
  // 19 meter intervals of 20 Wh, then its last power held for five minutes
  BOOST_TEST(day[0].stats.energy_wh == 19 * 20.0 + 1200.0 * 5 / 60);
}

BOOST_AUTO_TEST_CASE(a_failed_aggregator_resumes_from_storage_and_counts_nothing_twice) {
  deliver(minutes(t0 + 10 * h, 30));
  auto before = status();
  caf::anon_send_exit(aggregator(), caf::exit_reason::kill);
  run();
  BOOST_TEST(context->history->metrics->aggregator_restarts.value() == 1u);
  auto after = status();
  BOOST_TEST((after.closed_until == before.closed_until));
  BOOST_TEST(after.held_readings == before.held_readings);
  deliver(minutes(t0 + 10 * h + 30 * m, 30));
  time->set(t0 + 30 * h);
  tick();
  tick();
  auto hour = windows("plug", resolution::h1);
  BOOST_REQUIRE_EQUAL(hour.size(), 2u); // 10:00 and the hold into 11:00
  BOOST_TEST(hour[0].stats.energy_wh == 600.0);
  BOOST_TEST(hour[0].stats.samples == 60u);
  BOOST_TEST(windows("meter", resolution::h1)[0].stats.energy_wh == 1200.0);
}

BOOST_AUTO_TEST_CASE(a_restarted_server_resumes_where_it_stopped) {
  deliver(minutes(t0 + 10 * h, 30));
  auto before = status();
  caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
  run();
  directory = start_directory(); // as after kill -9: storage is all there is
  auto resumed = status();
  BOOST_TEST((resumed.closed_until == before.closed_until));
  deliver(minutes(t0 + 10 * h + 30 * m, 30));
  time->set(t0 + 30 * h);
  tick();
  tick();
  BOOST_TEST(windows("plug", resolution::h1)[0].stats.energy_wh == 600.0);
  BOOST_TEST(windows("*home", resolution::h1)[0].stats.energy_wh == 1200.0);
  std::size_t minutes_written = windows("plug", resolution::m1).size();
  BOOST_TEST(minutes_written == 64u); // 60 minutes, the last held into 4 more
}

BOOST_AUTO_TEST_CASE(closed_hours_of_raw_samples_move_into_chunks_and_still_read_back) {
  deliver(minutes(t0, 150)); // 00:00 .. 02:29
  BOOST_TEST(context->history->metrics->samples_chunked.value() == 2u * 120);
  auto page = db->read_samples(
      {.home = "h1", .device = "plug", .from = 0, .to = t0 + 3 * h, .after = {}, .limit = 1000});
  BOOST_REQUIRE(page.has_value());
  BOOST_TEST(page->samples.size() == 150u);
  BOOST_TEST(page->samples[119].ts_ms == t0 + 119 * m);
}

BOOST_AUTO_TEST_CASE(a_home_time_zone_sets_its_days) {
  BOOST_REQUIRE(db->history()->put_home_value("h1", "time_zone", "Asia/Tokyo").has_value());
  deliver(minutes(t0 + 14 * h, 10)); // 23:00 Tokyo
  BOOST_TEST(status().time_zone == "Asia/Tokyo");
  time->set(t0 + 40 * h);
  tick();
  tick();
  auto days = windows("plug", resolution::d1);
  BOOST_REQUIRE_EQUAL(days.size(), 1u);
  BOOST_TEST(days[0].start == t0 + 15 * h - 24 * h); // Tokyo midnight is 15:00 UTC
  caf::anon_send(directory, zone_atom::value, std::string{"h1"}, std::string{"UTC"});
  run();
  BOOST_TEST(status().time_zone == "UTC");
}

BOOST_AUTO_TEST_CASE(a_silent_device_is_offline_once_and_back_online_after) {
  std::vector<storage::notification_record> published_notes;
  auto hc = std::make_shared<history_context>(*context->history);
  hc->on_notification = [&](const std::string&, const storage::notification_record& n) {
    published_notes.push_back(n);
  };
  context->history = hc;
  deliver(minutes(t0 + 10 * h, 30)); // plug and meter 10:00 .. 10:29
  std::vector<sample> meter_only;
  for (int i = 30; i < 50; ++i)
    meter_only.push_back(make("meter", t0 + 10 * h + i * m, 1200, 1000.0 + 20 * (600 + i),
                              device_kind::meter));
  deliver(meter_only); // the plug is silent 20 minutes in event time
  BOOST_TEST(notifications().empty()); // but its last sample arrived just now
  time->set(t0 + 6 * m); // the live path's five minutes of server time
  tick();
  auto notes = notifications();
  BOOST_REQUIRE_EQUAL(notes.size(), 1u);
  BOOST_TEST(notes[0].kind == "offline");
  BOOST_TEST(notes[0].subject == "plug");
  BOOST_TEST(notes[0].ts == t0 + 10 * h + 29 * m + 15 * m);
  BOOST_TEST(notes[0].json.find(R"("evidence":{"online":false,"last_sample_ms":1795775340000,)") !=
             std::string::npos);
  BOOST_REQUIRE_EQUAL(published_notes.size(), 1u);
  BOOST_TEST(context->history->metrics->offline.value() == 1u);
  BOOST_TEST(context->history->metrics->notifications.value() == 1u);
  time->set(t0 + 9 * m);
  tick(); // once per outage
  BOOST_TEST(notifications().size() == 1u);
  // A restarted server remembers it is offline, then hears it again.
  caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
  run();
  directory = start_directory();
  tick();
  BOOST_TEST(notifications().size() == 1u);
  deliver({make("plug", t0 + 10 * h + 50 * m, 600)});
  notes = notifications();
  BOOST_REQUIRE_EQUAL(notes.size(), 2u);
  BOOST_TEST(notes[1].kind == "offline");
  BOOST_TEST(notes[1].json.find(R"("title":"plug is back online")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_hour_far_above_the_learned_profile_is_unusual_and_feeds_the_forecast) {
  // Four weeks of the plug at 100 W, as stored windows before t0.
  std::vector<streams::usage_window> past;
  for (millis t = t0 - 28 * 24 * h; t < t0; t += 15 * m) {
    streams::usage_window w;
    w.series = "plug";
    w.res = resolution::m15;
    w.start = t;
    w.end = t + 15 * m;
    w.stats.energy_wh = 25;
    w.stats.max_power_w = 100;
    w.stats.samples = 15;
    w.stats.covered_ms = 15 * m;
    past.push_back(w);
  }
  BOOST_REQUIRE(db->history()->commit_windows("h1", past, {t0, t0}).has_value());
  // Tonight from midnight it draws 2 kW.
  std::vector<sample> spike;
  for (int i = 0; i < 70; ++i)
    spike.push_back(make("plug", t0 + i * m, 2000));
  deliver(spike);
  auto notes = notifications();
  BOOST_REQUIRE_EQUAL(notes.size(), 1u);
  BOOST_TEST(notes[0].kind == "unusual_usage");
  BOOST_TEST(notes[0].subject == "plug");
  BOOST_TEST(notes[0].ts == t0);
  BOOST_TEST(notes[0].json.find(R"("avg_power_w":2000,"expected_mean_w":100,)") !=
             std::string::npos);
  BOOST_TEST(context->history->metrics->unusual_usage.value() == 1u);
  // The base-load forecast has the four weeks and tonight's quarters.
  auto& cache = *context->history->base_load;
  BOOST_TEST(cache.quarters("h1") == 28u * 96 + 4);
  auto f = cache.base_load_forecast("h1", t0 + h + 7 * m);
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->start == t0 + h);
  BOOST_REQUIRE_EQUAL(f->kw.size(), 192u);
  BOOST_TEST(f->kw[0] > 0.5); // the recent level: 2 kW for the last hour
  BOOST_TEST(f->kw[191] == 0.1, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(!cache.base_load_forecast("elsewhere", t0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
