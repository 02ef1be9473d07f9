#pragma once
// A real Mosquitto broker (Debian's `mosquitto`) for tests and benchmarks:
// a tiny config in a temporary directory, a loopback port, persistence on
// (so a restart keeps sessions and retained messages, as a real
// installation would), and restart() on the same port.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/hems_process.hpp"

namespace hems::test {

/// TLS and authentication for a broker that checks them.
struct broker_security {
  std::filesystem::path tls_cert, tls_key; ///< non-empty: TLS only (on 127.0.0.1 and ::1)
  std::filesystem::path client_ca;         ///< non-empty: clients must show a certificate it signed
  std::string username, password;          ///< non-empty: no anonymous clients
};

class mosquitto_broker {
public:
  /// Starts a broker on `port` (0: a free one), its files under `dir`.
  explicit mosquitto_broker(std::filesystem::path dir, std::uint16_t port = 0,
                            const broker_security& security = {});
  ~mosquitto_broker();

  std::uint16_t port() const { return port_; }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  void stop();
  void start();
  void restart() {
    stop();
    start();
  }

  /// The mosquitto executable (found in /usr/sbin).
  static std::string binary();

private:
  std::filesystem::path dir_;
  std::uint16_t port_;
  std::unique_ptr<child_process> process_;
};

} // namespace hems::test
