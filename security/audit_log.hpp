#pragma once
// The audit log: who changed what, when, from where, and how it ended. Every
// state-changing request an authenticated caller makes is recorded by the
// authorization layer (api/guard), whatever its outcome, so tokens,
// schedules, preferences and devices are all covered by registering their
// routes. Entries live in the store's `audit` collection keyed by time, and
// are read oldest first in pages.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "storage/store.hpp"

namespace hems::security {

struct audit_entry {
  millis at_ms = 0;       ///< set by record()
  std::uint64_t seq = 0;  ///< set by record(): orders entries of the same millisecond
  std::string actor;      ///< token id ("hems" for the server itself)
  std::string role;       ///< the actor's role then
  std::string action;     ///< e.g. "POST /tokens"
  std::string target;     ///< the object changed, when there is one (a token id, ...)
  std::vector<std::string> homes; ///< the homes touched ("*": every home)
  int status = 0;         ///< the HTTP status the request got
  std::string detail;
  std::string remote;     ///< the client's address

  friend bool operator==(const audit_entry&, const audit_entry&) = default;
};

struct audit_query {
  millis from = 0;                 ///< inclusive
  millis to = 0;                   ///< exclusive; 0: no end
  std::optional<std::string> after; ///< a `next` cursor of an earlier page
  std::size_t limit = 100;
  std::function<bool(const audit_entry&)> keep; ///< visibility and filters; null keeps all
};

struct audit_page {
  std::vector<audit_entry> entries;
  std::optional<std::string> next; ///< pass as `after`; none on the last page
};

class audit_log {
public:
  audit_log(storage::store& db, const clock& time);

  result<void> record(audit_entry e);
  result<audit_page> read(const audit_query& q);

  /// Whether `cursor` is one this log hands out.
  static bool valid_cursor(std::string_view cursor);

private:
  storage::store& db_;
  const clock& time_;
  std::atomic<std::uint64_t> next_seq_;
};

std::string encode_audit_entry(const audit_entry& e);
result<audit_entry> decode_audit_entry(std::string_view bytes);

} // namespace hems::security
