#define BOOST_TEST_MODULE usage_render
#include <boost/test/unit_test.hpp>

// GET /usage's windows rendered by days: the cached days answer byte for byte
// what a fresh read renders, open days and days retention may have dropped
// are never served from the cache, the cache keeps to its byte budget, and
// format=columns holds the same numbers as the default objects.

#include <simdjson.h>

#include "api/history_json.hpp"
#include "api/usage_render.hpp"
#include "core/metrics.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::api;
using streams::resolution;

namespace {

constexpr millis t0 = 1795737600000; // 2026-11-27T00:00:00Z
constexpr millis minute = 60'000;
constexpr millis quarter = 15 * minute;
constexpr millis day = 1440 * minute;

struct fixture {
  test::temp_dir dir;
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(t0 + 10 * day);
  std::unique_ptr<storage::store> db = open();
  storage::history_store& history = *db->history();
  metrics_registry metrics;

  std::unique_ptr<storage::store> open() {
    storage::retention_policy kept;
    kept.windows_ms = 20 * day;
    storage::rocksdb_options o{.dir = dir.path(), .retention = kept, .time = time};
    auto s = storage::open_rocksdb_store(o);
    BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().detail);
    return std::move(*s);
  }

  // Quarters of `series` over [from, to) with varied numbers: every 7th left
  // out (a gap), every 5th without a max, every 3rd with occupancy.
  void write(const std::string& series, millis from, millis to, millis closed_until) {
    std::vector<streams::usage_window> ws;
    int i = 0;
    for (millis t = from; t < to; t += quarter, ++i) {
      if (i % 7 == 3)
        continue;
      streams::usage_window w;
      w.series = series;
      w.res = resolution::m15;
      w.start = t;
      w.end = t + quarter;
      w.stats.energy_wh = 0.1 * i + 1.0 / 3.0;
      if (i % 5 != 0)
        w.stats.max_power_w = 1234.5678 + i;
      w.stats.samples = static_cast<std::uint32_t>(i % 90);
      w.stats.covered_ms = quarter - i;
      if (i % 3 == 0)
        w.stats.occupied_ms = 1000 * i;
      ws.push_back(std::move(w));
    }
    BOOST_REQUIRE(history.commit_windows("h", ws, {closed_until, 0}).has_value());
  }

  series_request request(millis from, millis to, millis closed_until,
                         window_format f = window_format::objects) {
    series_request q;
    q.home = "h";
    q.series = "*home";
    q.res = resolution::m15;
    q.format = f;
    q.from = from;
    q.to = to;
    q.closed_until = closed_until;
    q.now = time->now_ms();
    q.kept_ms = 20 * day;
    return q;
  }

  std::string render(usage_day_cache* cache, const series_request& q) {
    auto got = render_series(history, cache, q);
    BOOST_REQUIRE(got.has_value());
    json_writer w;
    write_series(w, *got, q.format);
    return w.take();
  }

  // What the server answered before the cache: every window read and rendered.
  std::string fresh(millis from, millis to) {
    auto rows = history.read_windows({"h", "*home", resolution::m15, from, to});
    BOOST_REQUIRE(rows.has_value());
    json_writer w;
    windows_json(w, *rows);
    return w.take();
  }
};

std::optional<double> number_or_null(simdjson::dom::element e) {
  if (e.is_null())
    return std::nullopt;
  return e.is_double() ? e.get_double().value() : static_cast<double>(e.get_int64().value());
}

} // namespace

BOOST_FIXTURE_TEST_CASE(cached_days_answer_what_a_fresh_read_renders, fixture) {
  write("*home", t0, t0 + 3 * day, t0 + 3 * day);
  usage_day_cache cache{1 << 20, &metrics};
  // Ends inside days: the two whole days in between are cached.
  auto q = request(t0 + 5 * quarter + 1, t0 + 3 * day - 7 * quarter, t0 + 3 * day);
  auto expected = fresh(q.from, q.to);
  BOOST_TEST(render(&cache, q) == expected);
  BOOST_TEST(cache.entries() == 1u); // day 2 only: days 1 and 3 are cut by the range
  q.from = t0;
  q.to = t0 + 3 * day;
  BOOST_TEST(render(&cache, q) == fresh(q.from, q.to));
  BOOST_TEST(cache.entries() == 3u);
  BOOST_TEST(render(&cache, q) == fresh(q.from, q.to)); // all three from memory
  BOOST_TEST(render(nullptr, q) == fresh(q.from, q.to));
  auto text = metrics.render();
  BOOST_TEST(text.find("hems_usage_cache_days_total{result=\"hit\"} 4") != std::string::npos);
  BOOST_TEST(text.find("hems_usage_cache_bytes " + std::to_string(cache.bytes())) !=
             std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(open_days_are_rendered_on_every_request, fixture) {
  usage_day_cache cache{1 << 20};
  // Closed to the middle of day 2: day 1 is final, day 2 is not.
  write("*home", t0, t0 + day + 40 * quarter, t0 + day + 40 * quarter);
  auto q = request(t0, t0 + 2 * day, t0 + day + 40 * quarter);
  BOOST_TEST(render(&cache, q) == fresh(t0, t0 + 2 * day));
  BOOST_TEST(cache.entries() == 1u);
  // The rest of day 2 closes: its new windows are in the next answer.
  write("*home", t0 + day + 40 * quarter, t0 + 2 * day, t0 + 2 * day);
  q.closed_until = t0 + 2 * day;
  auto after = render(&cache, q);
  BOOST_TEST(after == fresh(t0, t0 + 2 * day));
  BOOST_TEST(after.find("\"start\":" + std::to_string(t0 + 2 * day - quarter)) !=
             std::string::npos);
  BOOST_TEST(cache.entries() == 2u);
}

BOOST_FIXTURE_TEST_CASE(days_retention_may_have_dropped_are_read_from_the_store, fixture) {
  usage_day_cache cache{1 << 20};
  write("*home", t0, t0 + 2 * day, t0 + 2 * day);
  auto q = request(t0, t0 + 2 * day, t0 + 2 * day);
  BOOST_TEST(render(&cache, q) == fresh(t0, t0 + 2 * day));
  BOOST_TEST(cache.entries() == 2u);
  // 20 days later day 1 is past retention: compaction drops it, and the
  // cached copy is not served.
  time->set(t0 + day + 20 * day + quarter + 1);
  BOOST_REQUIRE(history.compact_all().has_value());
  q.now = time->now_ms();
  auto got = render(&cache, q);
  BOOST_TEST(got == fresh(t0, t0 + 2 * day));
  BOOST_TEST(got.find("\"start\":" + std::to_string(t0) + ",") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_cache_keeps_to_its_byte_budget) {
  metrics_registry metrics;
  usage_day_cache cache{10'000, &metrics};
  auto fragment = [](std::size_t n) {
    auto f = std::make_shared<window_fragment>();
    f->parts.push_back(std::string(n, 'x'));
    return f;
  };
  for (int d = 0; d < 10; ++d)
    cache.insert({"h", "*home", resolution::m15, window_format::objects, d * day}, fragment(3000));
  BOOST_TEST(cache.bytes() <= 10'000u);
  BOOST_TEST(cache.entries() == 3u);
  // The newest stay; the oldest went first.
  BOOST_TEST(cache.find({"h", "*home", resolution::m15, window_format::objects, 9 * day}));
  BOOST_TEST(!cache.find({"h", "*home", resolution::m15, window_format::objects, 0}));
  // A fragment larger than the budget is not kept.
  cache.insert({"h", "*home", resolution::m15, window_format::objects, 20 * day}, fragment(20'000));
  BOOST_TEST(!cache.find({"h", "*home", resolution::m15, window_format::objects, 20 * day}));
  BOOST_TEST(metrics.render().find("hems_usage_cache_evictions_total 7") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(columns_hold_the_numbers_of_the_objects, fixture) {
  write("*home", t0, t0 + 3 * day, t0 + 3 * day);
  usage_day_cache cache{1 << 20};
  millis from = t0 + 3 * quarter + 5, to = t0 + 3 * day - 2 * quarter;
  auto objects = fresh(from, to);
  for (int pass = 0; pass < 2; ++pass) { // rendered, then from the cache
    auto columns = render(&cache, request(from, to, t0 + 3 * day, window_format::columns));
    simdjson::dom::parser p1, p2;
    auto list = p1.parse(objects).get_array().value();
    auto cols = p2.parse(columns).get_object().value();
    millis first = cols["first"].get_int64().value();
    millis step = cols["step_ms"].get_int64().value();
    auto count = static_cast<std::size_t>(cols["count"].get_uint64().value());
    BOOST_TEST(first == t0 + 4 * quarter);
    BOOST_TEST(step == quarter);
    BOOST_TEST(count == static_cast<std::size_t>((to - first) / quarter));
    for (auto name : window_columns)
      BOOST_TEST(cols[name].get_array().value().size() == count);
    std::vector<bool> seen(count, false);
    for (auto w : list) {
      auto slot = static_cast<std::size_t>((w["start"].get_int64().value() - first) / step);
      BOOST_REQUIRE(slot < count);
      seen[slot] = true;
      BOOST_TEST(w["end"].get_int64().value() == first + static_cast<millis>(slot + 1) * step);
      for (auto name : window_columns) {
        auto in_object = w[name];
        auto expected = in_object.error() ? std::nullopt : number_or_null(in_object.value());
        auto got = number_or_null(cols[name].get_array().value().at(slot).value());
        BOOST_TEST((got == expected), name << " at slot " << slot);
      }
    }
    for (std::size_t slot = 0; slot < count; ++slot)
      if (!seen[slot])
        for (auto name : window_columns)
          BOOST_TEST(cols[name].get_array().value().at(slot).value().is_null());
    BOOST_TEST(std::count(seen.begin(), seen.end(), false) > 0); // the gaps are there
  }
}

BOOST_FIXTURE_TEST_CASE(columns_leave_out_occupied_ms_when_no_window_has_it, fixture) {
  std::vector<streams::usage_window> ws(1);
  ws[0].series = "*home";
  ws[0].res = resolution::m15;
  ws[0].start = t0 + quarter;
  ws[0].end = t0 + 2 * quarter;
  ws[0].stats.energy_wh = 2.5;
  ws[0].stats.samples = 3;
  BOOST_REQUIRE(history.commit_windows("h", ws, {t0 + day, 0}).has_value());
  auto columns = render(nullptr, request(t0, t0 + 4 * quarter, t0 + day, window_format::columns));
  BOOST_TEST(columns ==
             R"({"first":)" + std::to_string(t0) +
                 R"(,"step_ms":900000,"count":4,"energy_wh":[null,2.5,null,null],)"
                 R"("avg_power_w":[null,10,null,null],"max_power_w":[null,null,null,null],)"
                 R"("samples":[null,3,null,null],"covered_ms":[null,0,null,null]})");
}
