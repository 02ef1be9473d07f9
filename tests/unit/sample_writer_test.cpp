#define BOOST_TEST_MODULE sample_writer
#include <boost/test/unit_test.hpp>

#include <future>

#include "storage/sample_writer.hpp"
#include "tests/support/forwarding_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::storage;

namespace {

sample make_sample(std::string device, millis ts, std::optional<std::uint64_t> seq) {
  sample s;
  s.home = "h";
  s.device = std::move(device);
  s.ts_ms = ts;
  s.power_w = 1;
  s.seq = seq;
  return s;
}

// A real RocksDB store whose commits can be made to fail.
class flaky_store final : public test::forwarding_store {
public:
  using forwarding_store::forwarding_store;
  bool fail_next = false;

  result<void> commit(write_batch& b, durability d) override {
    if (fail_next) {
      fail_next = false;
      return fail(errc::io_error, "disk on fire");
    }
    return forwarding_store::commit(b, d);
  }
};

struct fixture {
  test::temp_dir dir;
  flaky_store db{std::move(*open_rocksdb_store({.dir = dir.path()}))};
  metrics_registry metrics;
  std::mutex mutex;
  std::vector<sample> dispatched;

  std::unique_ptr<sample_writer> make_writer() {
    return std::make_unique<sample_writer>(
      db, device_ledger{*db.load_devices()}, metrics, writer_options{},
      [this](std::vector<sample>&& xs) {
        std::lock_guard lock{mutex};
        for (auto& x : xs)
          dispatched.push_back(std::move(x));
      });
  }

  // Submits one batch and waits for its outcome.
  ingest_result write(sample_writer& w, std::vector<sample> xs) {
    std::promise<ingest_result> done;
    auto f = done.get_future();
    BOOST_REQUIRE(w.submit({std::move(xs), 1000, durability::os_buffered,
                            [&](const ingest_result& r) { done.set_value(r); }}));
    return f.get();
  }

  std::size_t stored(std::string device) {
    return db.read_samples({.home = "h", .device = device, .from = 0, .to = 4'000'000'000'000,
                            .after = {}, .limit = 100000})
      ->samples.size();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(writer, fixture)

BOOST_AUTO_TEST_CASE(accepted_samples_are_stored_then_dispatched) {
  auto w = make_writer();
  auto r = write(*w, {make_sample("a", 1795740000000, {}), make_sample("b", 1795740000000, {})});
  BOOST_TEST(r.accepted == 2u);
  BOOST_TEST(!r.failure.has_value());
  w->stop();
  BOOST_TEST(stored("a") == 1u);
  BOOST_TEST(dispatched.size() == 2u);
}

BOOST_AUTO_TEST_CASE(same_or_older_seq_is_a_duplicate_even_after_restart) {
  {
    auto w = make_writer();
    auto r = write(*w, {make_sample("a", 1795740000000, 5), make_sample("a", 1795740001000, 5),
                        make_sample("a", 1795740002000, 6)});
    BOOST_TEST(r.accepted == 2u);
    BOOST_TEST(r.duplicates == 1u);
  }
  auto w = make_writer(); // a new writer loads the ledger from storage
  auto r = write(*w, {make_sample("a", 1795740002000, 6), make_sample("a", 1795740003000, 4),
                      make_sample("a", 1795740004000, 7)});
  BOOST_TEST(r.accepted == 1u);
  BOOST_TEST(r.duplicates == 2u);
  w->stop();
  BOOST_TEST(stored("a") == 3u);
}

BOOST_AUTO_TEST_CASE(a_failed_commit_stores_nothing_and_forgets_its_seqs) {
  auto w = make_writer();
  db.fail_next = true;
  auto r = write(*w, {make_sample("a", 1795740000000, 1)});
  BOOST_REQUIRE(r.failure.has_value());
  BOOST_TEST((r.failure->code == errc::io_error));
  BOOST_TEST(r.accepted == 0u);
  // The resend after the failure is not mistaken for a duplicate.
  r = write(*w, {make_sample("a", 1795740000000, 1)});
  BOOST_TEST(r.accepted == 1u);
  w->stop();
  BOOST_TEST(stored("a") == 1u);
  BOOST_TEST(dispatched.size() == 1u);
}

BOOST_AUTO_TEST_CASE(device_records_follow_the_newest_sample) {
  {
    auto w = make_writer();
    write(*w, {make_sample("a", 1795740005000, {}), make_sample("a", 1795740001000, {})});
  }
  auto devices = *db.load_devices();
  BOOST_REQUIRE_EQUAL(devices.size(), 1u);
  BOOST_TEST(devices[0].last.ts_ms == 1795740005000);
  BOOST_TEST(devices[0].first_seen_ms == 1000);
}

BOOST_AUTO_TEST_CASE(stop_commits_what_is_queued_and_refuses_more) {
  auto w = make_writer();
  for (int i = 0; i < 100; ++i)
    BOOST_REQUIRE(w->submit({{make_sample("a", 1795740000000 + i, {})}, 1, {}, {}}));
  w->stop();
  BOOST_TEST(stored("a") == 100u);
  BOOST_TEST(!w->submit({{make_sample("a", 1795740009999, {})}, 1, {}, {}}));
}

BOOST_AUTO_TEST_SUITE_END()
