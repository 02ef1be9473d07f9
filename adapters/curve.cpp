#include "adapters/curve.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace hems::adapters {

result<curve_keypair> generate_curve_keypair() {
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec) != 0)
    return fail(errc::unavailable, "this libzmq was built without CURVE support");
  return curve_keypair{pub, sec};
}

result<void> write_curve_keypair(const std::filesystem::path& dir, const std::string& name,
                                 const curve_keypair& keys) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto pub = dir / (name + ".pub");
  auto sec = dir / (name + ".key");
  if (std::filesystem::exists(sec) || std::filesystem::exists(pub))
    return fail(errc::conflict, "refusing to overwrite existing keys " + sec.string());
  {
    std::ofstream out{pub};
    out << keys.public_key << "  # hems CURVE public key '" << name << "'\n";
    if (!out)
      return fail(errc::io_error, "cannot write " + pub.string());
  }
  // Create the secret file with 0600 from the start, never readable by others.
  auto old = ::umask(077);
  std::ofstream out{sec};
  ::umask(old);
  out << keys.secret_key << "  # hems CURVE SECRET key '" << name << "': keep private\n";
  if (!out)
    return fail(errc::io_error, "cannot write " + sec.string());
  std::filesystem::permissions(sec, std::filesystem::perms::owner_read |
                                      std::filesystem::perms::owner_write, ec);
  return {};
}

result<std::string> read_curve_key(const std::filesystem::path& file) {
  std::ifstream in{file};
  if (!in)
    return fail(errc::not_found, "cannot read key file " + file.string());
  std::string key;
  in >> key;
  if (key.size() != 40)
    return fail(errc::invalid_input,
                file.string() + ": expected a 40-character Z85 CURVE key as its first word");
  std::uint8_t bin[32];
  if (!zmq_z85_decode(bin, key.c_str()))
    return fail(errc::invalid_input, file.string() + ": not a Z85 key");
  return key;
}

result<curve_keypair> read_curve_keypair(const std::filesystem::path& secret_file) {
  auto sec = read_curve_key(secret_file);
  if (!sec)
    return std::unexpected(sec.error());
  auto pub_file = secret_file;
  pub_file.replace_extension(".pub");
  auto pub = read_curve_key(pub_file);
  if (!pub)
    return std::unexpected(pub.error());
  return curve_keypair{*pub, *sec};
}

void apply_curve(zmq::socket_t& socket, const curve_server& server) {
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, server.keys.secret_key);
  socket.set(zmq::sockopt::zap_domain, "hems");
}

void apply_curve(zmq::socket_t& socket, const curve_client& client) {
  socket.set(zmq::sockopt::curve_serverkey, client.server_public_key);
  socket.set(zmq::sockopt::curve_publickey, client.keys.public_key);
  socket.set(zmq::sockopt::curve_secretkey, client.keys.secret_key);
}

} // namespace hems::adapters
