#include "api/access.hpp"

namespace hems::api {

access open_access() { return access{.open = true, .permission = {}, .homes = {}}; }

access needs(security::permission p, std::vector<home_source> homes) {
  return access{.open = false, .permission = p, .homes = std::move(homes)};
}

access read_only(access a) {
  a.read_only = true;
  return a;
}

home_source home_query(std::string name) {
  return {home_source::kind::query, std::move(name), {}};
}

home_source home_filter(std::string name) {
  return {home_source::kind::filter, std::move(name), {}};
}

home_source home_in_body(std::string json_pointer) {
  return {home_source::kind::body, std::move(json_pointer), {}};
}

home_source home_of(std::string path_param, owner_lookup owner) {
  return {home_source::kind::path, std::move(path_param), std::move(owner)};
}

std::string describe(const home_source& s) {
  switch (s.where) {
    case home_source::kind::query:
      return "`" + s.name + "` (query)";
    case home_source::kind::filter:
      return "`" + s.name + "` filter (query), list limited to scope";
    case home_source::kind::path:
      return "owner of `{" + s.name + "}`";
    case home_source::kind::body:
      return "body `" + s.name + "`";
  }
  return "";
}

} // namespace hems::api
