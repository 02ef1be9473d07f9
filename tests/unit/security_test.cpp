#define BOOST_TEST_MODULE security
#include <boost/test/unit_test.hpp>

// The security module on its own: roles, scopes, token cryptography and
// records, the registry (issue, verify, expire, revoke), rate limits and the
// audit log, with a manual clock and a real store.

#include <set>

#include "security/audit_log.hpp"
#include "security/rate_limiter.hpp"
#include "security/token_registry.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::security;

namespace {

constexpr millis t0 = 1795737600000; // 2026-11-27T00:00:00Z

struct fixture {
  test::temp_dir dir;
  std::unique_ptr<storage::store> db = std::move(*storage::open_rocksdb_store({.dir = dir.path()}));
  manual_clock time{t0};
  token_registry tokens{*db, time};
};

token_grant grant(role r, std::vector<std::string> homes, std::optional<millis> expires = {}) {
  return {.role = r,
          .scope = homes.empty() ? home_scope::everything() : home_scope::of(std::move(homes)),
          .expires_ms = expires,
          .label = "test"};
}

} // namespace

BOOST_AUTO_TEST_CASE(role_table_matches_the_issue) {
  for (auto p : all_permissions)
    BOOST_TEST(role_has(role::admin, p));
  // operator: fleet views and demand response, never a resident's personal settings
  BOOST_TEST(role_has(role::fleet_operator, permission::fleet_read));
  BOOST_TEST(role_has(role::fleet_operator, permission::demand_response));
  BOOST_TEST(role_has(role::fleet_operator, permission::audit_read));
  BOOST_TEST(!role_has(role::fleet_operator, permission::preferences_read));
  BOOST_TEST(!role_has(role::fleet_operator, permission::schedules_write));
  BOOST_TEST(!role_has(role::fleet_operator, permission::tokens_manage));
  // resident: own homes, read, schedules, preferences; nothing fleet-wide
  BOOST_TEST(role_has(role::resident, permission::schedules_write));
  BOOST_TEST(role_has(role::resident, permission::preferences_write));
  BOOST_TEST(!role_has(role::resident, permission::fleet_read));
  BOOST_TEST(!role_has(role::resident, permission::audit_read));
  BOOST_TEST(!role_has(role::resident, permission::metrics_read));
  // prices: utilities and markets (operator) push series; residents set their own TOU tariff
  BOOST_TEST(role_has(role::fleet_operator, permission::prices_write));
  BOOST_TEST(role_has(role::fleet_operator, permission::tariffs_write));
  BOOST_TEST(role_has(role::resident, permission::tariffs_write));
  BOOST_TEST(!role_has(role::resident, permission::prices_write));
  // integrator: read-only
  for (auto p : all_permissions)
    BOOST_TEST(role_has(role::integrator, p) ==
               (p == permission::live_read || p == permission::history_read));
}

BOOST_AUTO_TEST_CASE(live_and_history_reads_go_together_because_usage_serves_both) {
  // GET /usage declares live:read for live usage and stored samples alike.
  for (auto r : all_roles)
    BOOST_TEST(role_has(r, permission::live_read) == role_has(r, permission::history_read));
}

BOOST_AUTO_TEST_CASE(names_round_trip_and_only_admins_grant) {
  for (auto r : all_roles)
    BOOST_TEST((parse_role(to_string(r)) == r));
  for (auto p : all_permissions)
    BOOST_TEST((parse_permission(to_string(p)) == p));
  BOOST_TEST(!parse_role("root").has_value());
  BOOST_TEST(to_string(role::fleet_operator) == "operator");
  for (auto r : all_roles) {
    BOOST_TEST(may_grant(role::admin, r));
    BOOST_TEST(!may_grant(role::resident, r));
    BOOST_TEST(!may_grant(role::integrator, r));
  }
}

BOOST_AUTO_TEST_CASE(scopes_cover_their_homes_and_nothing_else) {
  auto s = home_scope::of({"h-2", "h-1", "h-2"});
  BOOST_TEST(s.homes().size() == 2u);
  BOOST_TEST(s.covers("h-1"));
  BOOST_TEST(!s.covers("h-3"));
  BOOST_TEST(!s.covers("h"));
  BOOST_TEST(!s.single_home().has_value());
  BOOST_TEST(*home_scope::of({"h-9"}).single_home() == "h-9");
  BOOST_TEST(home_scope::everything().covers("anything"));
  BOOST_TEST(!home_scope::everything().single_home().has_value());
  BOOST_TEST(home_scope::everything().covers(s));
  BOOST_TEST(!s.covers(home_scope::everything()));
  BOOST_TEST(s.covers(home_scope::of({"h-1"})));
  BOOST_TEST(!s.covers(home_scope::of({"h-1", "h-3"})));
}

BOOST_AUTO_TEST_CASE(tokens_are_random_well_formed_and_only_their_hash_is_kept) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto text = token_text(new_token_id(), new_token_secret());
    BOOST_TEST(seen.insert(text).second);
    auto parts = split_token(text);
    BOOST_REQUIRE(parts.has_value());
    BOOST_TEST(is_token_id(parts->id));
    BOOST_TEST(parts->secret.size() == token_secret_chars);
  }
  auto text = *seen.begin();
  BOOST_TEST(!split_token(text.substr(1)).has_value());
  BOOST_TEST(!split_token(text + "A").has_value());
  BOOST_TEST(!split_token("Bearer " + text).has_value());
  auto bad = text;
  bad[5] = 'G'; // not hex
  BOOST_TEST(!split_token(bad).has_value());
  auto a = hash_secret("secret-a"), b = hash_secret("secret-b");
  BOOST_TEST(same_hash(a, a));
  BOOST_TEST(!same_hash(a, b));
  BOOST_TEST((secret_hash_from_hex(to_hex(a)) == a));
}

BOOST_AUTO_TEST_CASE(token_records_round_trip) {
  token_record r{.id = "0123456789abcdef",
                 .hash = hash_secret("x"),
                 .role = role::resident,
                 .scope = home_scope::of({"h-1", "h-2"}),
                 .created_ms = t0,
                 .expires_ms = t0 + 1000,
                 .revoked_ms = std::nullopt,
                 .label = "app \"phone\"",
                 .created_by = "fedcba9876543210"};
  auto back = decode_token_record(encode_token_record(r));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((*back == r));
  r.scope = home_scope::everything();
  r.expires_ms.reset();
  r.revoked_ms = t0 + 5;
  BOOST_TEST((*decode_token_record(encode_token_record(r)) == r));
  BOOST_TEST(!decode_token_record("{}").has_value());
  BOOST_TEST(!decode_token_record("garbage").has_value());
}

BOOST_AUTO_TEST_CASE(an_issued_token_verifies_to_its_principal_and_nothing_else_does) {
  fixture f;
  auto issued = f.tokens.issue(grant(role::resident, {"h-1"}), "admin-id");
  BOOST_REQUIRE(issued.has_value());
  BOOST_TEST(issued->record.created_by == "admin-id");
  auto who = f.tokens.verify(issued->text);
  BOOST_REQUIRE(who.has_value());
  BOOST_TEST((*who)->token_id == issued->record.id);
  BOOST_TEST(((*who)->role == role::resident));
  BOOST_TEST((*who)->scope.covers("h-1"));
  BOOST_TEST(!(*who)->scope.covers("h-2"));
  // the store holds the hash, not the secret
  auto stored = f.db->get_record(storage::collection::tokens, issued->record.id);
  auto secret = split_token(issued->text)->secret;
  BOOST_TEST((*stored)->find(secret) == std::string::npos);
  // a wrong secret for a real id, an unknown id, junk
  auto wrong = token_text(issued->record.id, new_token_secret());
  BOOST_TEST((f.tokens.verify(wrong).error() == auth_failure::unknown));
  BOOST_TEST((f.tokens.verify(token_text(new_token_id(), new_token_secret())).error() ==
              auth_failure::unknown));
  BOOST_TEST((f.tokens.verify("hunter2").error() == auth_failure::malformed));
  BOOST_TEST((f.tokens.verify("").error() == auth_failure::malformed));
}

BOOST_AUTO_TEST_CASE(tokens_expire_by_the_clock_and_survive_a_restart_uncached) {
  fixture f;
  auto issued = f.tokens.issue(grant(role::integrator, {"h-1"}, t0 + 60'000), "a");
  BOOST_REQUIRE(f.tokens.verify(issued->text).has_value());
  f.time.advance(59'999);
  BOOST_TEST(f.tokens.verify(issued->text).has_value());
  f.time.advance(1);
  BOOST_TEST((f.tokens.verify(issued->text).error() == auth_failure::expired));
  // a second registry over the same store (a restart) reads it back from disk
  token_registry fresh{*f.db, f.time};
  BOOST_TEST((fresh.verify(issued->text).error() == auth_failure::expired));
  f.time.set(t0);
  BOOST_TEST(fresh.verify(issued->text).has_value());
}

BOOST_AUTO_TEST_CASE(a_revoked_token_stops_at_once_and_the_last_admin_stays) {
  fixture f;
  auto admin = f.tokens.issue(grant(role::admin, {}), "hems");
  auto resident = f.tokens.issue(grant(role::resident, {"h-1"}), admin->record.id);
  BOOST_REQUIRE(f.tokens.verify(resident->text).has_value());
  auto revoked = f.tokens.revoke(resident->record.id);
  BOOST_REQUIRE(revoked.has_value());
  BOOST_TEST(revoked->revoked_ms.has_value());
  BOOST_TEST((f.tokens.verify(resident->text).error() == auth_failure::revoked));
  BOOST_TEST(f.tokens.revoke(resident->record.id).has_value()); // again: no change
  BOOST_TEST((f.tokens.revoke("0000000000000000").error().code == errc::not_found));
  // the only admin cannot be revoked; with a second one it can
  BOOST_TEST((f.tokens.revoke(admin->record.id).error().code == errc::conflict));
  auto second = f.tokens.issue(grant(role::admin, {}), admin->record.id);
  BOOST_TEST(f.tokens.revoke(admin->record.id).has_value());
  BOOST_TEST((f.tokens.verify(admin->text).error() == auth_failure::revoked));
  BOOST_TEST(f.tokens.verify(second->text).has_value());
  BOOST_TEST(*f.tokens.has_active(role::admin));
  // a restart sees the revocation
  token_registry fresh{*f.db, f.time};
  BOOST_TEST((fresh.verify(resident->text).error() == auth_failure::revoked));
}

BOOST_AUTO_TEST_CASE(a_tiny_cache_still_verifies_every_token) {
  fixture f;
  token_registry small{*f.db, f.time, 2};
  std::vector<issued_token> issued;
  for (int i = 0; i < 5; ++i)
    issued.push_back(*small.issue(grant(role::resident, {"h-" + std::to_string(i)}), "a"));
  for (int round = 0; round < 2; ++round)
    for (const auto& t : issued)
      BOOST_TEST(small.verify(t.text).has_value());
}

BOOST_AUTO_TEST_CASE(token_lists_are_paged_and_filtered) {
  fixture f;
  for (int i = 0; i < 7; ++i)
    (void)f.tokens.issue(grant(role::resident, {i % 2 ? "h-odd" : "h-even"}), "a");
  std::vector<std::string> ids;
  std::string after;
  for (;;) {
    auto page = f.tokens.list(after, 3, [](const token_record&) { return true; });
    BOOST_REQUIRE(page.has_value());
    BOOST_TEST(page->tokens.size() <= 3u);
    for (const auto& t : page->tokens)
      ids.push_back(t.id);
    if (!page->next)
      break;
    after = *page->next;
  }
  BOOST_TEST(ids.size() == 7u);
  BOOST_TEST(std::is_sorted(ids.begin(), ids.end()));
  auto odd = f.tokens.list("", 100, [](const token_record& r) { return r.scope.covers("h-odd"); });
  BOOST_TEST(odd->tokens.size() == 3u);
  BOOST_TEST(!odd->next.has_value());
}

BOOST_AUTO_TEST_CASE(rate_limits_allow_a_burst_then_the_rate_and_say_when_to_retry) {
  manual_clock time{t0};
  rate_limiter limiter{{.per_second = 10, .burst = 5}, time};
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(!limiter.take("a").has_value());
  auto wait = limiter.take("a");
  BOOST_REQUIRE(wait.has_value());
  BOOST_TEST(*wait == 100);
  BOOST_TEST(!limiter.take("b").has_value()); // other tokens have their own bucket
  time.advance(100);
  BOOST_TEST(!limiter.take("a").has_value());
  BOOST_TEST(limiter.take("a").has_value());
  time.advance(10'000); // refills up to the burst, no further
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(!limiter.take("a").has_value());
  BOOST_TEST(limiter.take("a").has_value());
  rate_limiter unlimited{{.per_second = 0, .burst = 1}, time};
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST(!unlimited.take("a").has_value());
}

BOOST_AUTO_TEST_CASE(many_idle_buckets_are_swept) {
  manual_clock time{t0};
  rate_limiter limiter{{.per_second = 1000, .burst = 1}, time};
  for (int i = 0; i < 200'000; ++i) {
    time.advance(1);
    BOOST_TEST_REQUIRE(!limiter.take("token-" + std::to_string(i)).has_value());
  }
  // (memory is bounded by the sweep; this checks it never refuses a fresh key)
}

BOOST_AUTO_TEST_CASE(audit_entries_are_stored_in_order_and_read_in_pages) {
  fixture f;
  audit_log log{*f.db, f.time};
  for (int i = 0; i < 25; ++i) {
    audit_entry e{.at_ms = 0, .seq = 0, .actor = "tok-" + std::to_string(i), .role = "admin",
                  .action = "POST /tokens", .target = "t", .homes = {i % 5 ? "h-1" : "h-2"},
                  .status = 201, .detail = "d", .remote = "127.0.0.1"};
    BOOST_REQUIRE(log.record(e).has_value());
    if (i % 3 == 0)
      f.time.advance(1); // some entries share a millisecond
  }
  std::vector<std::string> actors;
  std::optional<std::string> after;
  for (;;) {
    auto page = log.read({.from = 0, .to = 0, .after = after, .limit = 10, .keep = {}});
    BOOST_REQUIRE(page.has_value());
    for (const auto& e : page->entries)
      actors.push_back(e.actor);
    if (!page->next)
      break;
    BOOST_TEST(audit_log::valid_cursor(*page->next));
    after = page->next;
  }
  BOOST_REQUIRE_EQUAL(actors.size(), 25u);
  for (int i = 0; i < 25; ++i)
    BOOST_TEST(actors[i] == "tok-" + std::to_string(i));
  auto h2 = log.read({.from = 0, .to = 0, .after = {}, .limit = 100, .keep = [](const auto& e) {
                        return e.homes == std::vector<std::string>{"h-2"};
                      }});
  BOOST_TEST(h2->entries.size() == 5u);
  auto late = log.read({.from = t0 + 5, .to = t0 + 7, .after = {}, .limit = 100, .keep = {}});
  for (const auto& e : late->entries)
    BOOST_TEST((e.at_ms >= t0 + 5 && e.at_ms < t0 + 7));
  BOOST_TEST(late->entries.size() == 6u);
  BOOST_TEST(!audit_log::valid_cursor("12"));
  BOOST_TEST(!audit_log::valid_cursor("a-b"));
  BOOST_TEST((log.read({.from = 0, .to = 0, .after = "x", .limit = 1, .keep = {}}).error().code ==
              errc::invalid_input));
}
