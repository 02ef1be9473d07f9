#include "security/token_registry.hpp"

namespace hems::security {

std::string_view describe(auth_failure f) {
  switch (f) {
  case auth_failure::malformed:
  case auth_failure::unknown:
    return "the bearer token is not valid";
  case auth_failure::expired:
    return "the bearer token has expired";
  case auth_failure::revoked:
    return "the bearer token was revoked";
  case auth_failure::unavailable:
    return "tokens cannot be checked right now";
  }
  return "the bearer token is not valid";
}

token_registry::token_registry(storage::store& db, const clock& time, std::size_t cache_capacity)
    : db_(db), time_(time), cache_capacity_(cache_capacity) {}

void token_registry::remember(token_record r) {
  auto who = std::make_shared<principal>(principal{r.id, r.role, r.scope});
  auto e = std::make_shared<const entry>(entry{std::move(r), std::move(who)});
  std::unique_lock lock{cache_mutex_};
  // A full cache starts over rather than tracking recency on the hot path:
  // tokens in use come back with one read each.
  if (cache_.size() >= cache_capacity_)
    cache_.clear();
  cache_[e->record.id] = e;
}

result<std::shared_ptr<const token_registry::entry>> token_registry::lookup(std::string_view id) {
  {
    std::shared_lock lock{cache_mutex_};
    if (auto it = cache_.find(std::string{id}); it != cache_.end())
      return it->second;
  }
  auto stored = db_.get_record(storage::collection::tokens, id);
  if (!stored)
    return std::unexpected(stored.error());
  if (!*stored)
    return std::shared_ptr<const entry>{};
  auto r = decode_token_record(**stored);
  if (!r)
    return std::unexpected(r.error());
  remember(std::move(*r));
  std::shared_lock lock{cache_mutex_};
  return cache_.at(std::string{id});
}

result<issued_token> token_registry::issue(const token_grant& grant, std::string_view created_by) {
  std::lock_guard lock{write_mutex_};
  token_record r;
  r.role = grant.role;
  r.scope = grant.scope;
  r.created_ms = time_.now_ms();
  r.expires_ms = grant.expires_ms;
  r.label = grant.label;
  r.created_by = created_by;
  for (;;) { // 64 random bits: a clash is astronomically rare, but never overwrite
    r.id = new_token_id();
    auto existing = db_.get_record(storage::collection::tokens, r.id);
    if (!existing)
      return std::unexpected(existing.error());
    if (!*existing)
      break;
  }
  auto secret = new_token_secret();
  r.hash = hash_secret(secret);
  if (auto ok = db_.put_record(storage::collection::tokens, r.id, encode_token_record(r)); !ok)
    return std::unexpected(ok.error());
  remember(r);
  return issued_token{r, token_text(r.id, secret)};
}

std::expected<std::shared_ptr<const principal>, auth_failure>
token_registry::verify(std::string_view text) {
  auto parts = split_token(text);
  if (!parts)
    return std::unexpected(auth_failure::malformed);
  auto e = lookup(parts->id);
  if (!e)
    return std::unexpected(auth_failure::unavailable);
  // Hash even when the id is unknown, so timing does not tell ids apart.
  auto presented = hash_secret(parts->secret);
  if (!*e || !same_hash(presented, (*e)->record.hash))
    return std::unexpected(auth_failure::unknown);
  const auto& r = (*e)->record;
  if (r.revoked_ms)
    return std::unexpected(auth_failure::revoked);
  if (r.expired_at(time_.now_ms()))
    return std::unexpected(auth_failure::expired);
  return (*e)->who;
}

result<std::size_t> token_registry::count_active(role wanted) {
  std::size_t n = 0;
  auto now = time_.now_ms();
  auto read = storage::for_each_record(db_, storage::collection::tokens,
                                       [&](std::string_view, std::string_view value) {
                                         auto r = decode_token_record(value);
                                         if (r && r->role == wanted && r->active_at(now))
                                           ++n;
                                       });
  if (!read)
    return std::unexpected(read.error());
  return n;
}

result<token_record> token_registry::revoke(std::string_view id) {
  std::lock_guard lock{write_mutex_};
  auto e = lookup(id);
  if (!e)
    return std::unexpected(e.error());
  if (!*e)
    return fail(errc::not_found, "no token '" + std::string{id} + "'");
  auto r = (*e)->record;
  if (r.revoked_ms)
    return r;
  if (r.role == role::admin && r.active_at(time_.now_ms())) {
    auto admins = count_active(role::admin);
    if (!admins)
      return std::unexpected(admins.error());
    if (*admins <= 1)
      return fail(errc::conflict,
                  "token '" + r.id + "' is the last active admin token; issue another first");
  }
  r.revoked_ms = time_.now_ms();
  if (auto ok = db_.put_record(storage::collection::tokens, r.id, encode_token_record(r)); !ok)
    return std::unexpected(ok.error());
  remember(r);
  return r;
}

result<std::optional<token_record>> token_registry::find(std::string_view id) {
  auto e = lookup(id);
  if (!e)
    return std::unexpected(e.error());
  if (!*e)
    return std::optional<token_record>{};
  return std::optional<token_record>{(*e)->record};
}

result<token_page> token_registry::list(std::string_view after, std::size_t limit,
                                        const std::function<bool(const token_record&)>& keep) {
  token_page out;
  storage::record_query q{.start = after.empty() ? std::string{} : std::string{after} + '\0',
                          .end = "",
                          .limit = std::max<std::size_t>(limit, 100)};
  // Filtered lists scan at most this many records per page, and say where to go on.
  constexpr std::size_t scan_budget = 10'000;
  std::size_t scanned = 0;
  for (;;) {
    auto page = db_.scan_records(storage::collection::tokens, q);
    if (!page)
      return std::unexpected(page.error());
    for (const auto& [key, value] : page->records) {
      auto r = decode_token_record(value);
      if (!r)
        return std::unexpected(r.error());
      ++scanned;
      if (keep(*r)) {
        if (out.tokens.size() == limit) {
          out.next = out.tokens.back().id;
          return out;
        }
        out.tokens.push_back(std::move(*r));
      }
      if (scanned == scan_budget) {
        out.next = key;
        return out;
      }
    }
    if (!page->more || page->records.empty())
      return out;
    q.start = page->records.back().first + '\0';
  }
}

result<bool> token_registry::has_active(role r) {
  auto n = count_active(r);
  if (!n)
    return std::unexpected(n.error());
  return *n > 0;
}

} // namespace hems::security
