#define BOOST_TEST_MODULE storage
#include <boost/test/unit_test.hpp>

#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::storage;

namespace {

sample make_sample(std::string home, std::string device, millis ts, double power) {
  sample s;
  s.home = std::move(home);
  s.device = std::move(device);
  s.ts_ms = ts;
  s.power_w = power;
  return s;
}

std::unique_ptr<store> open(const test::temp_dir& dir) {
  auto s = open_rocksdb_store({.dir = dir.path()});
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().detail);
  return std::move(*s);
}

} // namespace

BOOST_AUTO_TEST_CASE(sample_values_round_trip_every_field) {
  sample s = make_sample("h-1", "ev", 1795740000123, -12.5);
  s.energy_wh = 99.25;
  s.seq = 1ull << 62;
  s.occupied = false;
  s.temperature_c = 21.5;
  s.setpoint_c = 19;
  s.soc_pct = 80;
  s.state = device_state::standby;
  s.kind = device_kind::ev_charger;
  auto key = sample_key(s.home, s.device, s.ts_ms, *s.seq);
  auto back = decode_sample(key, encode_sample_value(s));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((*back == s));
}

BOOST_AUTO_TEST_CASE(device_records_round_trip) {
  device_record r;
  r.home = "h";
  r.device = "fridge";
  r.kind = device_kind::appliance;
  r.first_seen_ms = 5;
  r.last_seen_ms = 1795740000999;
  r.last_seq = 42;
  r.last = make_sample("h", "fridge", 1795740000000, 120);
  auto back = decode_device_record(encode_device_record(r));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((*back == r));
}

BOOST_AUTO_TEST_CASE(malformed_bytes_are_corruption_not_crashes) {
  auto key = sample_key("h", "d", 1, 0);
  BOOST_TEST((decode_sample(key, "").error().code == errc::corruption));
  BOOST_TEST((decode_sample(key, "\x01\x00").error().code == errc::corruption));
  BOOST_TEST((decode_sample("junk", "\x01").error().code == errc::corruption));
  BOOST_TEST((decode_device_record("\x01\xff\xff\xff").error().code == errc::corruption));
  auto good = encode_sample_value(make_sample("h", "d", 1, 1));
  for (std::size_t n = 0; n < good.size(); ++n)
    BOOST_TEST(!decode_sample(key, good.substr(0, n)).has_value());
}

BOOST_AUTO_TEST_CASE(sample_keys_sort_by_device_then_time) {
  BOOST_TEST(sample_key("h", "a", 2, 0) < sample_key("h", "a", 10, 0));
  BOOST_TEST(sample_key("h", "a", 1795740000000, 0) < sample_key("h", "a", 1795740000001, 0));
  BOOST_TEST(sample_key("h", "a", 9'000'000'000'000, 0) < sample_key("h", "ab", 1, 0));
  auto key = sample_key("h-1", "d.2", 77, 3); // parts view into key
  auto parts = parse_sample_key(key);
  BOOST_REQUIRE(parts.has_value());
  BOOST_TEST(parts->home == "h-1");
  BOOST_TEST(parts->device == "d.2");
  BOOST_TEST(parts->ts == 77);
  BOOST_TEST(parts->seq == 3u);
}

BOOST_AUTO_TEST_CASE(committed_data_survives_reopening) {
  test::temp_dir dir;
  {
    auto db = open(dir);
    auto batch = db->new_batch();
    for (int i = 0; i < 100; ++i)
      batch->put_sample(make_sample("h", "d", 1795740000000 + i * 1000, i));
    batch->put_sample(make_sample("h", "other", 1795740000000, 5));
    device_record r;
    r.home = "h";
    r.device = "d";
    r.last = make_sample("h", "d", 1795740099000, 99);
    batch->put_device(r);
    BOOST_TEST(batch->count() == 102u);
    BOOST_REQUIRE(db->commit(*batch, durability::fsynced).has_value());
    BOOST_REQUIRE(db->put_setting("k", "v").has_value());
  }
  auto db = open(dir);
  auto devices = db->load_devices();
  BOOST_REQUIRE(devices.has_value());
  BOOST_REQUIRE_EQUAL(devices->size(), 1u);
  BOOST_TEST(devices->front().last.power_w == 99.0);
  auto page = db->read_samples({.home = "h", .device = "d", .from = 1795740010000,
                                .to = 1795740020000, .after = {}, .limit = 1000});
  BOOST_REQUIRE(page.has_value());
  BOOST_TEST(page->samples.size() == 10u);
  BOOST_TEST(page->samples.front().power_w == 10.0);
  BOOST_TEST(!page->more);
  BOOST_TEST(**db->get_setting("k") == "v");
  BOOST_TEST(!db->get_setting("missing")->has_value());
}

BOOST_AUTO_TEST_CASE(pages_resume_after_their_cursor) {
  test::temp_dir dir;
  auto db = open(dir);
  auto batch = db->new_batch();
  for (int i = 0; i < 25; ++i)
    batch->put_sample(make_sample("h", "d", 1795740000000 + i, i));
  BOOST_REQUIRE(db->commit(*batch, durability::os_buffered).has_value());
  sample_query q{.home = "h", .device = "d", .from = 0, .to = 4'000'000'000'000, .after = {},
                 .limit = 10};
  std::vector<double> seen;
  for (;;) {
    auto page = db->read_samples(q);
    BOOST_REQUIRE(page.has_value());
    for (auto& s : page->samples)
      seen.push_back(s.power_w);
    if (!page->more)
      break;
    q.after = {{page->samples.back().ts_ms, page->samples.back().seq.value_or(0)}};
  }
  BOOST_REQUIRE_EQUAL(seen.size(), 25u);
  for (int i = 0; i < 25; ++i)
    BOOST_TEST(seen[i] == i);
}

BOOST_AUTO_TEST_CASE(resent_samples_land_on_the_same_key) {
  test::temp_dir dir;
  auto db = open(dir);
  for (int round = 0; round < 2; ++round) {
    auto batch = db->new_batch();
    auto s = make_sample("h", "d", 1795740000000, 7);
    s.seq = 1;
    batch->put_sample(s);
    BOOST_REQUIRE(db->commit(*batch, durability::os_buffered).has_value());
  }
  auto page = db->read_samples({.home = "h", .device = "d", .from = 0, .to = 4'000'000'000'000,
                                .after = {}, .limit = 10});
  BOOST_TEST(page->samples.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_unusable_directory_is_an_error_not_a_crash) {
  auto s = open_rocksdb_store({.dir = "/proc/hems-cannot-be-here"});
  BOOST_TEST(!s.has_value());
  BOOST_TEST((s.error().code == errc::io_error));
}

BOOST_AUTO_TEST_CASE(collections_keep_their_records_apart_and_survive_a_reopen) {
  test::temp_dir dir;
  {
    auto db = open(dir);
    BOOST_REQUIRE(db->put_record(collection::tokens, "t1", "token one").has_value());
    BOOST_REQUIRE(db->put_record(collection::audit, "t1", "audit one").has_value());
    BOOST_TEST(**db->get_record(collection::tokens, "t1") == "token one");
    BOOST_TEST(!db->get_record(collection::tokens, "t2")->has_value());
  }
  auto db = open(dir);
  BOOST_TEST(**db->get_record(collection::tokens, "t1") == "token one");
  BOOST_TEST(**db->get_record(collection::audit, "t1") == "audit one");
  BOOST_TEST(!db->get_setting("t1")->has_value());
}

BOOST_AUTO_TEST_CASE(record_scans_are_ordered_bounded_and_paged) {
  test::temp_dir dir;
  auto db = open(dir);
  for (auto key : {"b", "d", "a", "c", "e"})
    BOOST_REQUIRE(db->put_record(collection::audit, key, std::string{"v"} + key).has_value());
  auto page = db->scan_records(collection::audit, {.start = "b", .end = "e", .limit = 2});
  BOOST_REQUIRE(page.has_value());
  BOOST_REQUIRE_EQUAL(page->records.size(), 2u);
  BOOST_TEST(page->records[0].first == "b");
  BOOST_TEST(page->records[1].second == "vc");
  BOOST_TEST(page->more);
  auto rest = db->scan_records(collection::audit, {.start = "c\x01", .end = "e", .limit = 2});
  BOOST_REQUIRE_EQUAL(rest->records.size(), 1u);
  BOOST_TEST(rest->records[0].first == "d");
  BOOST_TEST(!rest->more);
  auto all = db->scan_records(collection::audit, {.start = "", .end = "", .limit = 100});
  BOOST_TEST(all->records.size() == 5u);
  BOOST_TEST(db->scan_records(collection::tokens, {})->records.empty());
}

BOOST_AUTO_TEST_CASE(commands_round_trip_and_list_newest_first) {
  test::temp_dir dir;
  auto db = open(dir);
  for (int i = 0; i < 5; ++i) {
    command_record r;
    r.cmd.id = "c-" + std::to_string(i);
    r.cmd.home = i == 4 ? "other" : "h";
    r.cmd.device = "lamp";
    r.cmd.action = command_action::set;
    r.cmd.params["setpoint_c"] = 18.5 + i;
    r.cmd.reason = "because";
    r.cmd.issued_ms = 1795740000000 + i;
    r.cmd.expires_ms = 1795740060000;
    r.status = i == 0 ? command_status::expired : command_status::pending;
    r.attempts = static_cast<std::uint32_t>(i);
    BOOST_REQUIRE(db->put_command(r).has_value());
    BOOST_TEST((*decode_command_record(encode_command_record(r)) == r));
  }
  auto all = db->list_commands("h", 10, {});
  BOOST_REQUIRE(all.has_value());
  BOOST_REQUIRE_EQUAL(all->size(), 4u);
  BOOST_TEST(all->front().cmd.id == "c-3");
  BOOST_TEST(all->back().cmd.id == "c-0");
  BOOST_TEST((all->back().status == command_status::expired));
  auto page = db->list_commands("h", 2, 1795740000002);
  BOOST_REQUIRE_EQUAL(page->size(), 2u);
  BOOST_TEST(page->front().cmd.id == "c-1");
  BOOST_TEST(db->list_commands("nobody", 10, {})->empty());
  BOOST_TEST(!decode_command_record("\x01\x02").has_value());
}
