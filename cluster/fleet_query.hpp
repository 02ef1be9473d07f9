#pragma once
// A fleet query and its mergeable answer: the one shape every fleet-wide
// question takes when it fans out over the cluster (GET /fleet/live today;
// fleet usage and demand-response events use the same path with their own
// `kind`). Plain C++: the merge is tested without actors; the `inspect`
// functions make the types cross nodes through CAF's middleman.
//
// Merge rule: a total or row value named `max_...` takes the largest of the
// parts, `min_...` the smallest, anything else is summed. Rows with the same
// key are merged value by value (a usage series: one row per window start; a
// per-home list: one row per home). Homes a node could not answer for (a
// storage error) are united.
//
// Kinds: "live" (cluster/fleet_live), "fleet_homes" and "fleet_usage"
// (api/fleet_routes), "dr_event" and "dr_report" (api/dr_routes).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hems::cluster {

struct fleet_query {
  std::string kind;                          ///< "live", ...: the handler that answers it
  std::map<std::string, std::string> params; ///< the kind's parameters (from, to, resolution, ...)
  bool all_homes = true;                     ///< false: only the homes listed
  std::vector<std::string> homes;            ///< the caller's scope when not all_homes
};

struct fleet_row {
  std::string key;
  std::map<std::string, double> values;
};

/// One node's answer for the homes it owns.
struct fleet_part {
  std::string node;
  std::map<std::string, double> totals;
  std::vector<fleet_row> rows;
  std::string error;                      ///< non-empty: the node could not answer this kind
  std::vector<std::string> missing_homes; ///< its homes it could not answer for
};

/// A share of the fleet that is not in an answer, and why.
struct missing_share {
  std::string node;
  std::string reason;             ///< "down", "no answer within 2000 ms", the node's error
  double share = 0;               ///< the fraction of all homes the node owns
  std::vector<std::string> homes; ///< the queried homes it owns (when the query listed homes)
};

/// Every part merged; what is missing is listed, never waited for.
struct fleet_answer {
  std::string kind;
  std::map<std::string, double> totals;
  std::vector<fleet_row> rows;   ///< sorted by key
  std::vector<fleet_part> parts; ///< each node's totals, for per-node views (rows left out)
  std::vector<missing_share> missing;
  std::vector<std::string> missing_homes; ///< sorted: homes an answering node could not read
  bool complete() const { return missing.empty(); }
};

/// The value under `name`, 0 where a part left it out (a row's values, totals).
inline double value_or_zero(const std::map<std::string, double>& values, const std::string& name) {
  auto it = values.find(name);
  return it == values.end() ? 0.0 : it->second;
}

/// Adds `value` under `name` by the merge rule.
void merge_value(std::map<std::string, double>& into, const std::string& name, double value);
/// Merges the answered parts and the missing shares into one answer.
fleet_answer merge_parts(std::string kind, std::vector<fleet_part> parts,
                         std::vector<missing_share> missing);

// -- serialization (CAF 0.17 inspectors) ----------------------------------------

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, fleet_query& x) {
  return f(x.kind, x.params, x.all_homes, x.homes);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, fleet_row& x) {
  return f(x.key, x.values);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, fleet_part& x) {
  return f(x.node, x.totals, x.rows, x.error, x.missing_homes);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, missing_share& x) {
  return f(x.node, x.reason, x.share, x.homes);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, fleet_answer& x) {
  return f(x.kind, x.totals, x.rows, x.parts, x.missing, x.missing_homes);
}

} // namespace hems::cluster
