#include "security/home_scope.hpp"

#include <algorithm>

namespace hems::security {

home_scope home_scope::everything() {
  home_scope s;
  s.all_ = true;
  return s;
}

home_scope home_scope::of(std::vector<std::string> homes) {
  std::sort(homes.begin(), homes.end());
  homes.erase(std::unique(homes.begin(), homes.end()), homes.end());
  home_scope s;
  s.homes_ = std::move(homes);
  return s;
}

bool home_scope::covers(std::string_view home) const {
  return all_ || std::binary_search(homes_.begin(), homes_.end(), home, std::less<>{});
}

bool home_scope::covers(const home_scope& other) const {
  if (all_)
    return true;
  if (other.all_)
    return false;
  return std::includes(homes_.begin(), homes_.end(), other.homes_.begin(), other.homes_.end());
}

std::optional<std::string_view> home_scope::single_home() const {
  if (all_ || homes_.size() != 1)
    return std::nullopt;
  return std::string_view{homes_.front()};
}

} // namespace hems::security
