#include "cluster/cluster_config.hpp"

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <simdjson.h>

#include "core/sample.hpp"

namespace hems::cluster {

namespace dom = simdjson::dom;

namespace {

constexpr std::size_t max_members = 1024;

result<member> parse_member(dom::element e, const std::string& where) {
  dom::object o;
  if (e.get(o))
    return fail(errc::invalid_input, where + ": expected an object");
  member m;
  std::string_view s;
  if (o["id"].get(s) || !is_valid_id(s))
    return fail(errc::invalid_input, where + ".id: required id (1 to 64 of A-Z a-z 0-9 . _ -)");
  m.id = s;
  if (o["node"].get(s))
    return fail(errc::invalid_input, where + ".node: required string HOST:PORT");
  auto colon = s.rfind(':');
  unsigned port = 0;
  if (colon == std::string_view::npos || colon == 0)
    return fail(errc::invalid_input, where + ".node: expected HOST:PORT");
  auto digits = s.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535)
    return fail(errc::invalid_input, where + ".node: the port must be a number from 1 to 65535");
  m.host = s.substr(0, colon);
  m.port = static_cast<std::uint16_t>(port);
  if (o["hub"].get(s) || !s.starts_with("tcp://") || s.size() <= 6)
    return fail(errc::invalid_input, where + ".hub: required endpoint tcp://HOST:PORT");
  m.hub = s;
  if (!o["http"].get(s)) {
    if (!s.starts_with("http://") && !s.starts_with("https://"))
      return fail(errc::invalid_input,
                  where + ".http: expected a URL starting http:// or https://");
    m.http = s;
  } else if (o["http"].error() != simdjson::NO_SUCH_FIELD) {
    return fail(errc::invalid_input, where + ".http: expected a string");
  }
  return m;
}

} // namespace

const member* cluster_config::find(std::string_view id) const {
  for (const auto& m : members)
    if (m.id == id)
      return &m;
  return nullptr;
}

result<cluster_config> parse_cluster_config(std::string_view json) {
  dom::parser parser;
  dom::object root;
  if (parser.parse(json.data(), json.size()).get(root))
    return fail(errc::invalid_input, "cluster file: expected a JSON object");
  dom::array members;
  if (root["members"].get(members))
    return fail(errc::invalid_input, "members: required array of members");
  if (members.size() == 0 || members.size() > max_members)
    return fail(errc::invalid_input, "members: expected 1 to 1024 members");
  cluster_config c;
  std::set<std::string> ids, nodes;
  std::size_t i = 0;
  for (auto e : members) {
    auto where = "members[" + std::to_string(i++) + "]";
    auto m = parse_member(e, where);
    if (!m)
      return std::unexpected(m.error());
    if (!ids.insert(m->id).second)
      return fail(errc::invalid_input, where + ".id: '" + m->id + "' is listed twice");
    if (!nodes.insert(m->host + ":" + std::to_string(m->port)).second)
      return fail(errc::invalid_input, where + ".node: another member has the same HOST:PORT");
    c.members.push_back(std::move(*m));
  }
  return c;
}

result<cluster_config> load_cluster_config(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return fail(errc::io_error, "cannot read the cluster file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto c = parse_cluster_config(text.str());
  if (!c)
    return fail(c.error().code, path + ": " + c.error().detail);
  return c;
}

} // namespace hems::cluster
