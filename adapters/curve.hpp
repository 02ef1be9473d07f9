#pragma once
// CURVE security for the ZeroMQ links: key pairs (`hems keys`), the server
// side of a socket, and the client side for hubs and subscribers. Keys are
// Z85 text, 40 characters, as zmq_curve_keypair makes them.

#include <filesystem>
#include <string>

#include <zmq.hpp>

#include "core/error.hpp"

namespace hems::adapters {

struct curve_keypair {
  std::string public_key; ///< Z85, 40 characters
  std::string secret_key; ///< Z85, 40 characters
};

/// The server's own key pair; clients are checked by the ZAP handler.
struct curve_server {
  curve_keypair keys;
};

/// A client's key pair and the server's public key.
struct curve_client {
  curve_keypair keys;
  std::string server_public_key;
};

result<curve_keypair> generate_curve_keypair();

/// Writes NAME.pub (0644) and NAME.key (0600, the secret) into `dir`.
result<void> write_curve_keypair(const std::filesystem::path& dir, const std::string& name,
                                 const curve_keypair& keys);
/// Reads a key file (.pub or .key): 40 Z85 characters, comments after '#'.
result<std::string> read_curve_key(const std::filesystem::path& file);
/// Reads NAME.key and NAME.pub next to it.
result<curve_keypair> read_curve_keypair(const std::filesystem::path& secret_file);

/// Makes `socket` a CURVE server whose clients the ZAP handler authorizes.
void apply_curve(zmq::socket_t& socket, const curve_server& server);
void apply_curve(zmq::socket_t& socket, const curve_client& client);

} // namespace hems::adapters
