#pragma once
// Where and how the MQTT adapter connects: the broker URL
// (mqtt://HOST[:PORT], default port 1883; mqtts://HOST[:PORT], TLS, default
// 8883), credentials and TLS files, and the reconnect backoff.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace hems::adapters {

struct mqtt_broker_options {
  std::string host = "127.0.0.1";
  int port = 1883;
  bool tls = false;
  std::string client_id = "hems";
  std::optional<std::string> username;
  std::optional<std::string> password;  ///< read from --mqtt-password-file
  std::optional<std::string> ca_file;   ///< TLS: the broker's CA (else the system's CAs)
  std::optional<std::string> cert_file; ///< TLS client certificate and key
  std::optional<std::string> key_file;
  int keepalive_s = 30;
  millis reconnect_min_ms = 500;
  millis reconnect_max_ms = 30'000;
};

/// Fills host, port and tls from an mqtt:// or mqtts:// URL.
result<void> parse_mqtt_url(std::string_view url, mqtt_broker_options& out);

/// The wait before reconnect attempt `attempt` (1, 2, ...): doubling from the
/// minimum, capped at the maximum.
millis mqtt_reconnect_delay(const mqtt_broker_options& o, unsigned attempt);

} // namespace hems::adapters
