#include "cluster/fleet_query.hpp"

#include <algorithm>

namespace hems::cluster {

void merge_value(std::map<std::string, double>& into, const std::string& name, double value) {
  auto [it, inserted] = into.try_emplace(name, value);
  if (inserted)
    return;
  if (name.starts_with("max_"))
    it->second = std::max(it->second, value);
  else if (name.starts_with("min_"))
    it->second = std::min(it->second, value);
  else
    it->second += value;
}

fleet_answer merge_parts(std::string kind, std::vector<fleet_part> parts,
                         std::vector<missing_share> missing) {
  fleet_answer a;
  a.kind = std::move(kind);
  std::map<std::string, std::map<std::string, double>> rows;
  std::vector<fleet_part> answered;
  for (auto& p : parts) {
    if (!p.error.empty()) {
      missing_share m;
      m.node = p.node;
      m.reason = p.error;
      missing.push_back(std::move(m));
      continue;
    }
    for (const auto& [name, value] : p.totals)
      merge_value(a.totals, name, value);
    for (const auto& r : p.rows) {
      auto& into = rows[r.key];
      for (const auto& [name, value] : r.values)
        merge_value(into, name, value);
    }
    a.missing_homes.insert(a.missing_homes.end(), p.missing_homes.begin(), p.missing_homes.end());
    p.rows.clear();
    p.missing_homes.clear();
    answered.push_back(std::move(p));
  }
  std::sort(a.missing_homes.begin(), a.missing_homes.end());
  a.missing_homes.erase(std::unique(a.missing_homes.begin(), a.missing_homes.end()),
                        a.missing_homes.end());
  for (auto& [key, values] : rows)
    a.rows.push_back({key, std::move(values)});
  std::sort(answered.begin(), answered.end(),
            [](const auto& x, const auto& y) { return x.node < y.node; });
  std::sort(missing.begin(), missing.end(),
            [](const auto& x, const auto& y) { return x.node < y.node; });
  a.parts = std::move(answered);
  a.missing = std::move(missing);
  return a;
}

} // namespace hems::cluster
