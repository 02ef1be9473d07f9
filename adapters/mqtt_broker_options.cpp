#include "adapters/mqtt_broker_options.hpp"

#include <algorithm>
#include <charconv>

namespace hems::adapters {

result<void> parse_mqtt_url(std::string_view url, mqtt_broker_options& out) {
  std::string_view rest;
  if (url.starts_with("mqtt://")) {
    out.tls = false;
    rest = url.substr(7);
  } else if (url.starts_with("mqtts://")) {
    out.tls = true;
    rest = url.substr(8);
  } else {
    return fail(errc::invalid_input, "--mqtt: expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
  }
  if (rest.ends_with('/'))
    rest.remove_suffix(1);
  if (rest.find('@') != std::string_view::npos || rest.find('/') != std::string_view::npos)
    return fail(errc::invalid_input,
                "--mqtt: give credentials with --mqtt-username and --mqtt-password-file, not in the URL");
  std::string_view host = rest;
  int port = out.tls ? 8883 : 1883;
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    host = rest.substr(0, colon);
    auto digits = rest.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port < 1 || port > 65535)
      return fail(errc::invalid_input, "--mqtt: the port must be a number from 1 to 65535");
  }
  if (host.starts_with('[') && host.ends_with(']'))
    host = host.substr(1, host.size() - 2);
  if (host.empty())
    return fail(errc::invalid_input, "--mqtt: no host");
  out.host = host;
  out.port = port;
  return {};
}

millis mqtt_reconnect_delay(const mqtt_broker_options& o, unsigned attempt) {
  millis d = o.reconnect_min_ms;
  for (unsigned i = 1; i < attempt && d < o.reconnect_max_ms; ++i)
    d *= 2;
  return std::min(d, o.reconnect_max_ms);
}

} // namespace hems::adapters
