#include "security/token_record.hpp"

#include <simdjson.h>

#include "core/json_writer.hpp"

namespace hems::security {

namespace {

constexpr std::int64_t format_v1 = 1;

result<token_record> corrupt(std::string what) {
  return fail(errc::corruption, "token record: " + what);
}

} // namespace

std::string encode_token_record(const token_record& r) {
  json_writer w;
  w.begin_object().field("v", format_v1).field("id", r.id).field("hash", to_hex(r.hash));
  w.field("role", to_string(r.role));
  w.key("homes");
  if (r.scope.all()) {
    w.value("*");
  } else {
    w.begin_array();
    for (const auto& h : r.scope.homes())
      w.value(h);
    w.end_array();
  }
  w.field("created", r.created_ms);
  w.key("expires");
  r.expires_ms ? w.value(*r.expires_ms) : w.null();
  w.key("revoked");
  r.revoked_ms ? w.value(*r.revoked_ms) : w.null();
  w.field("label", r.label).field("by", r.created_by).end_object();
  return w.take();
}

result<token_record> decode_token_record(std::string_view bytes) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(bytes.data(), bytes.size()).get(doc))
    return corrupt("not JSON");
  std::int64_t version = 0;
  if (doc["v"].get(version) || version != format_v1)
    return corrupt("unknown format");
  token_record r;
  std::string_view id, hash, role_name, label, by;
  if (doc["id"].get(id) || doc["hash"].get(hash) || doc["role"].get(role_name) ||
      doc["created"].get(r.created_ms) || doc["label"].get(label) || doc["by"].get(by))
    return corrupt("missing field");
  auto h = secret_hash_from_hex(hash);
  auto rl = parse_role(role_name);
  if (!h || !rl)
    return corrupt("bad hash or role");
  r.id = id;
  r.hash = *h;
  r.role = *rl;
  r.label = label;
  r.created_by = by;
  simdjson::dom::element homes;
  if (doc["homes"].get(homes))
    return corrupt("missing homes");
  if (homes.is_string()) {
    if (homes.get_string().value_unsafe() != "*")
      return corrupt("bad homes");
    r.scope = home_scope::everything();
  } else {
    simdjson::dom::array list;
    if (homes.get(list))
      return corrupt("bad homes");
    std::vector<std::string> ids;
    for (auto e : list) {
      std::string_view s;
      if (e.get(s))
        return corrupt("bad home");
      ids.emplace_back(s);
    }
    r.scope = home_scope::of(std::move(ids));
  }
  for (auto [name, field] : {std::pair{"expires", &r.expires_ms}, {"revoked", &r.revoked_ms}}) {
    simdjson::dom::element e;
    if (doc[name].get(e))
      return corrupt(std::string{"missing "} + name);
    if (!e.is_null()) {
      std::int64_t t = 0;
      if (e.get(t))
        return corrupt(std::string{"bad "} + name);
      *field = t;
    }
  }
  return r;
}

} // namespace hems::security
