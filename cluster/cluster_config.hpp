#pragma once
// The static description of a cluster of hems nodes (docs/DEPLOY.md): which
// members exist and where each one is reached. Every node reads the same file;
// `hems serve --cluster FILE --node-id ID` says which member this process is.
//
//   {"members": [
//     {"id": "n1", "node": "10.0.0.1:4301", "hub": "tcp://10.0.0.1:5557",
//      "http": "https://n1.example.net:8080"}, ...]}
//
// node: the CAF middleman's host:port (node to node); hub: the hub-link
// endpoint hubs are sent to when their homes belong to this member; http: the
// member's REST base URL (shown in /cluster/status for operators).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace hems::cluster {

struct member {
  std::string id;         ///< 1 to 64 of A-Z a-z 0-9 . _ -
  std::string host;       ///< the middleman's host name or address
  std::uint16_t port = 0; ///< the middleman's TCP port
  std::string hub;        ///< the hub-link endpoint hubs connect to (tcp://HOST:PORT)
  std::string http;       ///< the REST base URL
};

struct cluster_config {
  std::vector<member> members; ///< in file order; ids are unique
  /// The member with this id, or null.
  const member* find(std::string_view id) const;
};

/// Parses a cluster file's text; the error names the field ("members[1].node: ...").
result<cluster_config> parse_cluster_config(std::string_view json);
/// Reads and parses a cluster file.
result<cluster_config> load_cluster_config(const std::string& path);

} // namespace hems::cluster
