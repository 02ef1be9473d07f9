#include "security/audit_log.hpp"

#include <charconv>

#include <simdjson.h>

#include "core/json_writer.hpp"
#include "security/token_crypto.hpp"
#include "storage/records.hpp"

namespace hems::security {

namespace {

constexpr std::int64_t format_v1 = 1;

std::string entry_key(millis at, std::uint64_t seq) {
  std::string key;
  storage::append_big_endian(key, static_cast<std::uint64_t>(at));
  storage::append_big_endian(key, seq);
  return key;
}

std::uint64_t read_big_endian(std::string_view bytes) {
  std::uint64_t v = 0;
  for (char c : bytes)
    v = (v << 8) | static_cast<std::uint8_t>(c);
  return v;
}

// Cursors are "<ms>-<seq>" in decimal: readable, and checked on the way in.
std::string cursor_of(std::string_view key) {
  return std::to_string(read_big_endian(key.substr(0, 8))) + "-" +
         std::to_string(read_big_endian(key.substr(8, 8)));
}

std::optional<std::string> key_of_cursor(std::string_view cursor) {
  auto dash = cursor.find('-');
  if (dash == std::string_view::npos)
    return std::nullopt;
  std::uint64_t at = 0, seq = 0;
  auto a = std::from_chars(cursor.data(), cursor.data() + dash, at);
  auto b = std::from_chars(cursor.data() + dash + 1, cursor.data() + cursor.size(), seq);
  if (a.ec != std::errc{} || a.ptr != cursor.data() + dash || b.ec != std::errc{} ||
      b.ptr != cursor.data() + cursor.size() || dash == 0 || dash + 1 == cursor.size())
    return std::nullopt;
  return entry_key(static_cast<millis>(at), seq);
}

result<audit_entry> corrupt(std::string what) {
  return fail(errc::corruption, "audit entry: " + what);
}

} // namespace

audit_log::audit_log(storage::store& db, const clock& time)
  // A random start (below 2^62, so it never wraps) keeps entries of the same
  // millisecond apart across restarts without reading the log back first.
  : db_(db), time_(time), next_seq_(random_u64() >> 2) {}

bool audit_log::valid_cursor(std::string_view cursor) { return key_of_cursor(cursor).has_value(); }

result<void> audit_log::record(audit_entry e) {
  e.at_ms = time_.now_ms();
  e.seq = next_seq_.fetch_add(1, std::memory_order_relaxed);
  return db_.put_record(storage::collection::audit, entry_key(e.at_ms, e.seq),
                        encode_audit_entry(e));
}

result<audit_page> audit_log::read(const audit_query& q) {
  audit_page out;
  storage::record_query rq{.start = entry_key(std::max<millis>(q.from, 0), 0),
                           .end = q.to > 0 ? entry_key(q.to, 0) : std::string{},
                           .limit = std::max<std::size_t>(q.limit, 100)};
  if (q.after) {
    auto key = key_of_cursor(*q.after);
    if (!key)
      return fail(errc::invalid_input, "after: not a cursor returned as 'next' by this API");
    rq.start = std::max(rq.start, *key + '\0');
  }
  constexpr std::size_t scan_budget = 10'000; // filtered pages stop here and say where to go on
  std::size_t scanned = 0;
  std::string last_key;
  for (;;) {
    auto page = db_.scan_records(storage::collection::audit, rq);
    if (!page)
      return std::unexpected(page.error());
    for (const auto& [key, value] : page->records) {
      auto e = decode_audit_entry(value);
      if (!e)
        return std::unexpected(e.error());
      ++scanned;
      if (!q.keep || q.keep(*e)) {
        if (out.entries.size() == q.limit) {
          out.next = cursor_of(last_key);
          return out;
        }
        out.entries.push_back(std::move(*e));
        last_key = key;
      }
      if (scanned == scan_budget) {
        out.next = cursor_of(key);
        return out;
      }
    }
    if (!page->more || page->records.empty())
      return out;
    rq.start = page->records.back().first + '\0';
  }
}

std::string encode_audit_entry(const audit_entry& e) {
  json_writer w;
  w.begin_object()
    .field("v", format_v1)
    .field("at", e.at_ms)
    .field("seq", e.seq)
    .field("actor", e.actor)
    .field("role", e.role)
    .field("action", e.action)
    .field("target", e.target);
  w.key("homes").begin_array();
  for (const auto& h : e.homes)
    w.value(h);
  w.end_array();
  w.field("status", e.status).field("detail", e.detail).field("remote", e.remote).end_object();
  return w.take();
}

result<audit_entry> decode_audit_entry(std::string_view bytes) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(bytes.data(), bytes.size()).get(doc))
    return corrupt("not JSON");
  std::int64_t version = 0, status = 0;
  audit_entry e;
  std::string_view actor, role, action, target, detail, remote;
  simdjson::dom::array homes;
  if (doc["v"].get(version) || version != format_v1 || doc["at"].get(e.at_ms) ||
      doc["seq"].get(e.seq) || doc["actor"].get(actor) || doc["role"].get(role) ||
      doc["action"].get(action) || doc["target"].get(target) || doc["homes"].get(homes) ||
      doc["status"].get(status) || doc["detail"].get(detail) || doc["remote"].get(remote))
    return corrupt("missing or malformed field");
  for (auto h : homes) {
    std::string_view s;
    if (h.get(s))
      return corrupt("bad home");
    e.homes.emplace_back(s);
  }
  e.actor = actor;
  e.role = role;
  e.action = action;
  e.target = target;
  e.status = static_cast<int>(status);
  e.detail = detail;
  e.remote = remote;
  return e;
}

} // namespace hems::security
