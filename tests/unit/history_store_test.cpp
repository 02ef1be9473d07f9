#define BOOST_TEST_MODULE history_store
#include <boost/test/unit_test.hpp>

// The history's storage: sample chunks (exact round trips, size), raw reads
// that merge chunks and keys, chunking while samples arrive, windows and
// checkpoints, retention by compaction, notifications.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "storage/sample_chunk.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::storage;

namespace {

constexpr millis t0 = 1795737600000; // 2026-11-27T00:00:00Z
constexpr millis hour = 3'600'000;
constexpr millis day = 24 * hour;

sample make(std::string device, millis ts, double power, std::optional<std::uint64_t> seq = {}) {
  sample s;
  s.home = "h";
  s.device = std::move(device);
  s.ts_ms = ts;
  s.power_w = power;
  s.seq = seq;
  return s;
}

// A meter reading every `step`: the simulator's rounding (0.1 W, 0.001 Wh).
std::vector<sample> meter_like(std::string device, millis from, int n, millis step) {
  std::vector<sample> out;
  std::mt19937 rng{5};
  std::normal_distribution<double> noise{0, 3};
  double energy = 1234.5;
  for (int i = 0; i < n; ++i) {
    auto s = make(device, from + i * step, std::round((120 + noise(rng)) * 10) / 10,
                  static_cast<std::uint64_t>(from + i * step));
    energy += s.power_w * static_cast<double>(step) / 3.6e6;
    s.energy_wh = std::round(energy * 1000) / 1000;
    s.state = i % 50 < 30 ? device_state::on : device_state::standby;
    s.kind = device_kind::appliance;
    out.push_back(s);
  }
  return out;
}

struct fixture {
  test::temp_dir dir;
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(t0 + 2 * day);
  std::unique_ptr<store> db = open();
  history_store& history = *db->history();

  std::unique_ptr<store> open() {
    rocksdb_options o{.dir = dir.path(), .retention = {}, .time = time};
    auto s = open_rocksdb_store(o);
    BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().detail);
    return std::move(*s);
  }
  void put(const std::vector<sample>& xs) {
    auto b = db->new_batch();
    for (const auto& x : xs)
      b->put_sample(x);
    BOOST_REQUIRE(db->commit(*b, durability::os_buffered).has_value());
  }
  // Every sample of a device, read in pages of `limit`.
  std::vector<sample> read_all(const std::string& device, std::size_t limit, millis from = 0,
                               millis to = 4'000'000'000'000) {
    std::vector<sample> out;
    sample_query q{
        .home = "h", .device = device, .from = from, .to = to, .after = {}, .limit = limit};
    for (;;) {
      auto page = db->read_samples(q);
      BOOST_REQUIRE_MESSAGE(page.has_value(), page.error().detail);
      out.insert(out.end(), page->samples.begin(), page->samples.end());
      if (!page->more)
        return out;
      q.after = {{out.back().ts_ms, out.back().seq.value_or(0)}};
    }
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(chunks_round_trip_every_field_bit_for_bit) {
  std::vector<sample> xs;
  std::mt19937_64 rng{9};
  for (int i = 0; i < 500; ++i) {
    auto s = make("d", t0 + i * 1000 + static_cast<millis>(rng() % 7), 0);
    switch (i % 5) {
    case 0:
      s.power_w = static_cast<double>(rng() % 100000) / 10;
      break;
    case 1:
      s.power_w = std::bit_cast<double>(rng() & 0x3fffffffffffffffull);
      break; // any double
    case 2:
      s.power_w = -0.0;
      break;
    case 3:
      s.power_w = -1e6;
      break;
    default:
      s.power_w = 1.0 / 3;
      break;
    }
    if (i % 3)
      s.seq =
          i % 7 == 0 ? ~0ull - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i * 3);
    if (i % 4)
      s.energy_wh = 1e9 + i * 0.125;
    if (i % 9 == 0)
      s.occupied = i % 2 == 0;
    if (i % 11 == 0)
      s.temperature_c = 21.5 - i * 0.01;
    if (i % 13 == 0)
      s.setpoint_c = 19;
    if (i % 17 == 0)
      s.soc_pct = 55.5;
    s.state = static_cast<device_state>(i % 5);
    s.kind = static_cast<device_kind>(i % 12);
    xs.push_back(s);
  }
  std::vector<sample> back;
  BOOST_REQUIRE(decode_sample_chunk(encode_sample_chunk(xs), "h", "d", back).has_value());
  BOOST_REQUIRE_EQUAL(back.size(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    BOOST_TEST(std::bit_cast<std::uint64_t>(back[i].power_w) ==
               std::bit_cast<std::uint64_t>(xs[i].power_w));
    BOOST_TEST((back[i] == xs[i]));
  }
  BOOST_TEST(!decode_sample_chunk("\x01\x05", "h", "d", back).has_value());
  BOOST_TEST(!decode_sample_chunk("", "h", "d", back).has_value());
}

BOOST_AUTO_TEST_CASE(a_chunk_of_meter_readings_is_a_few_bytes_a_sample) {
  auto xs = meter_like("fridge", t0, 3600, 1000);
  auto bytes = encode_sample_chunk(xs).size();
  BOOST_TEST_MESSAGE("an hour at 1 Hz: " << bytes << " bytes, " << static_cast<double>(bytes) / 3600
                                         << " per sample");
  BOOST_TEST(bytes < 3600 * 5u);
  std::vector<sample> back;
  BOOST_REQUIRE(decode_sample_chunk(encode_sample_chunk(xs), "h", "fridge", back).has_value());
  BOOST_TEST((back == xs));
}

BOOST_FIXTURE_TEST_CASE(reads_merge_chunks_and_keys_in_order_across_pages, fixture) {
  auto xs = meter_like("m", t0, 3 * 360, 10'000); // three hours every 10 s
  put(xs);
  auto moved = history.chunk_samples("h", "m", t0 + 2 * hour);
  BOOST_REQUIRE(moved.has_value());
  BOOST_TEST(*moved == 720u);
  // A straggler for a chunked hour, and a resent sample (same place) there too.
  auto straggler = make("m", t0 + hour + 5, 77, t0 + hour + 5);
  auto resent = xs[400];
  resent.power_w = 999;
  put({straggler, resent});
  std::vector<sample> expected = xs;
  expected[400] = resent;
  expected.insert(expected.begin() + 361, straggler);
  for (std::size_t limit : {1u, 7u, 360u, 5000u})
    BOOST_TEST((read_all("m", limit) == expected));
  // A time range inside a chunk, and the newest sample before a time.
  auto part = read_all("m", 100, t0 + 30 * 60'000, t0 + 31 * 60'000);
  BOOST_TEST(part.size() == 6u);
  auto before = history.latest_sample_before("h", "m", t0 + hour);
  BOOST_REQUIRE(before.has_value() && before->has_value());
  BOOST_TEST((**before == xs[359]));
  before = history.latest_sample_before("h", "m", t0 + hour + 6);
  BOOST_TEST((**before == straggler));
  before = history.latest_sample_before("h", "m", t0 + 3 * hour + 1);
  BOOST_TEST((**before == xs.back()));
  BOOST_TEST(!history.latest_sample_before("h", "m", t0)->has_value());
  // Chunking again folds the straggler in; nothing changes for readers.
  BOOST_TEST(*history.chunk_samples("h", "m", t0 + 3 * hour) == 362u);
  BOOST_TEST((read_all("m", 13) == expected));
  BOOST_TEST(*history.chunk_samples("h", "m", t0 + 3 * hour) == 0u);
}

BOOST_FIXTURE_TEST_CASE(chunking_while_samples_arrive_loses_and_doubles_nothing, fixture) {
  put(meter_like("m", t0, 2000, 1000));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer{[&] {
    // Late samples land in the hours being chunked, between the readings.
    for (int i = 0; !stop && i < 3000; ++i) {
      put({make("m", t0 + (i % 1900) * 1000 + 1 + i / 1900, 5, static_cast<std::uint64_t>(i))});
      ++written;
    }
  }};
  std::size_t moved = 0;
  for (int round = 0; round < 50 && written < 3000; ++round) {
    auto n = history.chunk_samples("h", "m", t0 + hour);
    if (n)
      moved += *n;
  }
  writer.join();
  while (auto n = history.chunk_samples("h", "m", t0 + hour)) {
    if (*n == 0)
      break;
    moved += *n;
  }
  auto all = read_all("m", 1000);
  BOOST_TEST(all.size() == 2000u + static_cast<std::size_t>(written.load()));
  BOOST_TEST(std::is_sorted(all.begin(), all.end(), [](const sample& a, const sample& b) {
    return std::pair{a.ts_ms, a.seq.value_or(0)} < std::pair{b.ts_ms, b.seq.value_or(0)};
  }));
  BOOST_TEST_MESSAGE("moved " << moved << " samples into chunks while " << written << " arrived");
}

// The hub link's shape: several committers at once (each batch carries
// several devices, live samples moving through the hours and now and then a
// late one into hours already chunked), while two chunkers move each
// device's closed hours into chunks, the same device from both at times.
// Chunking excludes only the commits that reach below its end; every sample
// committed must be read back exactly once.
BOOST_FIXTURE_TEST_CASE(concurrent_commits_and_chunkings_lose_and_double_nothing, fixture) {
  constexpr int writers = 3, devices = 4, batches = 1500;
  const auto name = [](int d) { return "d" + std::to_string(d); };
  std::atomic<millis> front{t0}; // how far writer 0's live samples got
  std::atomic<int> writers_done{0};
  // Boost.Test's assertions are not thread-safe: threads note failures here.
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  const auto fail = [&](std::string what) {
    std::lock_guard lock{failures_mutex};
    failures.push_back(std::move(what));
  };
  std::vector<std::vector<millis>> sent(writers * devices);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < batches; ++i) {
        auto b = db->new_batch();
        millis live = t0 + millis{i} * 12'000 + 2 * w; // 5 hours in all; even: live
        for (int d = 0; d < devices; ++d) {
          std::vector<millis> ts{live};
          if ((i + d) % 7 == 0)
            ts.push_back(t0 + millis{i} * 4'000 + 2 * w + 1); // odd: late
          for (millis t : ts) {
            b->put_sample(make(name(d), t, w + d, static_cast<std::uint64_t>(i)));
            sent[w * devices + d].push_back(t);
          }
        }
        auto d = i % 10 == 0 ? durability::fsynced : durability::os_buffered;
        if (auto ok = db->commit(*b, d); !ok)
          fail("commit: " + ok.error().detail);
        if (w == 0)
          front = live;
      }
      ++writers_done;
    });
  std::atomic<std::size_t> moved{0};
  for (int c = 0; c < 2; ++c)
    threads.emplace_back([&, c] {
      while (writers_done < writers)
        for (int d = 0; d < devices; ++d) {
          millis until = front - front % hour;
          auto n = history.chunk_samples("h", name((d + c) % devices), until);
          if (!n)
            fail("chunk: " + n.error().detail);
          else
            moved += *n;
        }
    });
  for (auto& t : threads)
    t.join();
  BOOST_TEST(failures.empty(), (failures.empty() ? "" : failures.front()));
  for (int d = 0; d < devices; ++d)
    BOOST_REQUIRE(history.chunk_samples("h", name(d), t0 + day).has_value());
  for (int d = 0; d < devices; ++d) {
    std::vector<millis> expected;
    for (int w = 0; w < writers; ++w)
      expected.insert(expected.end(), sent[w * devices + d].begin(), sent[w * devices + d].end());
    std::sort(expected.begin(), expected.end());
    auto all = read_all(name(d), 997);
    std::vector<millis> got;
    for (const auto& s : all)
      got.push_back(s.ts_ms);
    BOOST_TEST_CONTEXT("device " << name(d)) {
      BOOST_TEST(got.size() == expected.size());
      BOOST_TEST((got == expected));
    }
  }
  BOOST_TEST(moved > 0u);
  BOOST_TEST_MESSAGE("moved " << moved << " samples into chunks while they arrived");
}

BOOST_FIXTURE_TEST_CASE(windows_and_their_checkpoint_are_written_together, fixture) {
  using streams::resolution;
  std::vector<streams::usage_window> ws;
  for (int i = 0; i < 90; ++i) {
    streams::window_stats st;
    st.energy_wh = i * 1.5;
    st.samples = static_cast<std::uint32_t>(i);
    st.covered_ms = 60'000;
    if (i % 2)
      st.max_power_w = 90.0 * i;
    if (i % 3 == 0)
      st.occupied_ms = 1000 * i;
    ws.push_back({"tv", resolution::m1, t0 + i * 60'000, t0 + (i + 1) * 60'000, st});
  }
  ws.push_back({"*home", resolution::d1, t0 - 23 * hour, t0, ws[5].stats}); // a 23-hour day
  BOOST_REQUIRE(history.commit_windows("h", ws, {t0 + 90 * 60'000, t0}).has_value());
  auto cp = history.read_checkpoint("h");
  BOOST_REQUIRE(cp.has_value() && cp->has_value());
  BOOST_TEST((**cp == windows_checkpoint{t0 + 90 * 60'000, t0}));
  BOOST_TEST(!history.read_checkpoint("other")->has_value());
  auto rows = history.read_windows({"h", "tv", resolution::m1, t0 + 10 * 60'000, t0 + 20 * 60'000});
  BOOST_REQUIRE(rows.has_value());
  BOOST_REQUIRE_EQUAL(rows->size(), 10u);
  BOOST_TEST(((*rows)[3].stats == ws[13].stats));
  BOOST_TEST((*rows)[3].end == ws[13].end);
  auto day_rows = history.read_windows({"h", "*home", resolution::d1, 0, t0 + day});
  BOOST_REQUIRE_EQUAL(day_rows->size(), 1u);
  BOOST_TEST(day_rows->front().end - day_rows->front().start == 23 * hour);
  BOOST_TEST(history.read_windows({"h", "tv", resolution::m15, 0, t0 + day})->empty());
}

BOOST_FIXTURE_TEST_CASE(retention_drops_old_data_in_compaction, fixture) {
  using streams::resolution;
  time->set(t0 + 100 * day);
  // Raw samples: 30 days; minute windows: 90 days; others: years.
  put({make("d", t0 + 69 * day, 1), make("d", t0 + 71 * day, 2)});
  put(meter_like("c", t0 + 69 * day, 10, 1000));
  BOOST_REQUIRE(history.chunk_samples("h", "c", t0 + 69 * day + hour).has_value());
  streams::window_stats st;
  st.samples = 1;
  BOOST_REQUIRE(
      history
          .commit_windows("h",
                          {{"d", resolution::m1, t0 + 9 * day, t0 + 9 * day + 60'000, st},
                           {"d", resolution::m1, t0 + 11 * day, t0 + 11 * day + 60'000, st},
                           {"d", resolution::m15, t0, t0 + 15 * 60'000, st}},
                          {})
          .has_value());
  BOOST_REQUIRE(history
                    .put_notifications({{"h", t0 - 300 * day, "offline", "d", "{}"},
                                        {"h", t0 + 99 * day, "offline", "d", "{}"}})
                    .has_value());
  BOOST_REQUIRE(history.compact_all().has_value());
  auto raw = read_all("d", 100);
  BOOST_REQUIRE_EQUAL(raw.size(), 1u);
  BOOST_TEST(raw[0].power_w == 2.0);
  BOOST_TEST(read_all("c", 100).empty());
  BOOST_TEST(history.read_windows({"h", "d", resolution::m1, 0, t0 + 200 * day})->size() == 1u);
  BOOST_TEST(history.read_windows({"h", "d", resolution::m15, 0, t0 + 200 * day})->size() == 1u);
  BOOST_TEST(history.read_notifications("h", 0, t0 + 200 * day, 10)->size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(notifications_and_home_values_read_back, fixture) {
  BOOST_REQUIRE(history
                    .put_notifications({{"h", t0 + 2, "standby", "tv", R"({"a":2})"},
                                        {"h", t0 + 1, "offline", "fridge", R"({"a":1})"},
                                        {"h2", t0, "offline", "x", "{}"}})
                    .has_value());
  auto got = history.read_notifications("h", t0, t0 + 10, 10);
  BOOST_REQUIRE_EQUAL(got->size(), 2u);
  BOOST_TEST((*got)[0].kind == "offline");
  BOOST_TEST((*got)[0].subject == "fridge");
  BOOST_TEST((*got)[1].json == R"({"a":2})");
  BOOST_TEST(history.read_notifications("h", t0 + 2, t0 + 10, 10)->size() == 1u);
  BOOST_TEST(history.read_notifications("h", t0, t0 + 10, 1)->size() == 1u);
  BOOST_REQUIRE(history.put_home_value("h", "time_zone", "Europe/Berlin").has_value());
  BOOST_TEST(**history.get_home_value("h", "time_zone") == "Europe/Berlin");
  BOOST_TEST(!history.get_home_value("h2", "time_zone")->has_value());
}
