#include "api/access_matrix.hpp"

#include <algorithm>

namespace hems::api {

std::string openapi_path(const std::string& pistache_path) {
  std::string out;
  for (std::size_t i = 0; i < pistache_path.size(); ++i) {
    if (pistache_path[i] == ':' && (i == 0 || pistache_path[i - 1] == '/')) {
      auto end = pistache_path.find('/', i);
      if (end == std::string::npos)
        end = pistache_path.size();
      out += "{" + pistache_path.substr(i + 1, end - i - 1) + "}";
      i = end - 1;
    } else {
      out.push_back(pistache_path[i]);
    }
  }
  return out;
}

std::string access_matrix_markdown(const std::vector<route>& routes) {
  std::vector<const route*> sorted;
  for (const auto& r : routes)
    sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const route* a, const route* b) {
    return std::tie(a->path, a->method) < std::tie(b->path, b->method);
  });
  std::string out = "| endpoint | permission | homes checked |";
  for (auto role : security::all_roles)
    out += " " + std::string{security::to_string(role)} + " |";
  out += "\n|---|---|---|";
  for (std::size_t i = 0; i < security::all_roles.size(); ++i)
    out += ":-:|";
  out += "\n";
  for (const auto* r : sorted) {
    out += "| `" + r->method + " " + openapi_path(r->path) + "` | ";
    out += r->access.open ? std::string{"none (no token)"}
                          : "`" + std::string{security::to_string(r->access.permission)} + "`";
    out += " | ";
    if (r->access.homes.empty()) {
      out += "—";
    } else {
      for (std::size_t i = 0; i < r->access.homes.size(); ++i)
        out += (i ? "; " : "") + describe(r->access.homes[i]);
    }
    out += " |";
    for (auto role : security::all_roles)
      out += r->access.open || security::role_has(role, r->access.permission) ? " ✓ |" : " · |";
    out += "\n";
  }
  out += "\n| permission |";
  for (auto role : security::all_roles)
    out += " " + std::string{security::to_string(role)} + " |";
  out += "\n|---|";
  for (std::size_t i = 0; i < security::all_roles.size(); ++i)
    out += ":-:|";
  out += "\n";
  for (auto p : security::all_permissions) {
    out += "| `" + std::string{security::to_string(p)} + "` |";
    for (auto role : security::all_roles)
      out += security::role_has(role, p) ? " ✓ |" : " · |";
    out += "\n";
  }
  return out;
}

} // namespace hems::api
