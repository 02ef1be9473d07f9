#pragma once
// Issues, verifies, lists and revokes bearer tokens. Records live in the
// store's `tokens` collection; verified records are cached in memory so the
// hot path (every request) costs a map lookup under a shared lock, one
// BLAKE2b hash of 43 bytes and a constant-time compare, never a disk read.
// The registry is the only writer of tokens, so its cache never goes stale:
// a revocation takes effect on the very next request.

#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "security/principal.hpp"
#include "security/token_record.hpp"
#include "storage/store.hpp"

namespace hems::security {

/// What a new token may do.
struct token_grant {
  security::role role = role::integrator;
  home_scope scope;
  std::optional<millis> expires_ms;
  std::string label;
};

struct issued_token {
  token_record record;
  std::string text; ///< the bearer token itself: shown once, never stored
};

/// Why a presented token was refused.
enum class auth_failure : std::uint8_t {
  malformed,   ///< not the shape of a hems token
  unknown,     ///< no such token, or the secret does not match (indistinguishable on purpose)
  expired,
  revoked,
  unavailable, ///< the store failed: try again
};
std::string_view describe(auth_failure f);

struct token_page {
  std::vector<token_record> tokens;
  std::optional<std::string> next; ///< pass as `after` for the next page
};

class token_registry {
public:
  token_registry(storage::store& db, const clock& time, std::size_t cache_capacity = 100'000);

  result<issued_token> issue(const token_grant& grant, std::string_view created_by);

  /// The caller a token speaks for, or why it does not.
  std::expected<std::shared_ptr<const principal>, auth_failure> verify(std::string_view text);

  /// Revokes a token (again: no change). Refuses to revoke the last active
  /// admin token, so the fleet cannot be locked out through the API.
  result<token_record> revoke(std::string_view id);

  result<std::optional<token_record>> find(std::string_view id);

  /// Tokens by id after `after`, at most `limit` of those `keep` accepts.
  result<token_page> list(std::string_view after, std::size_t limit,
                          const std::function<bool(const token_record&)>& keep);

  /// Whether any token of role `r` is neither revoked nor expired.
  result<bool> has_active(role r);

  millis now() const { return time_.now_ms(); }

private:
  struct entry {
    token_record record;
    std::shared_ptr<const principal> who;
  };
  result<std::shared_ptr<const entry>> lookup(std::string_view id);
  void remember(token_record r);
  result<std::size_t> count_active(role r);

  storage::store& db_;
  const clock& time_;
  std::size_t cache_capacity_;
  std::shared_mutex cache_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const entry>> cache_;
  std::mutex write_mutex_; ///< one issue or revoke at a time (the last-admin check)
};

} // namespace hems::security
