#pragma once
// `hems serve` options of the MQTT adapter (docs/MQTT.md):
//   --mqtt mqtt://HOST[:PORT] | mqtts://HOST[:PORT]
//   --mqtt-home ID               the home of MQTT devices (default "home")
//   --mqtt-client-id ID          the persistent session's client id (default "hems")
//   --mqtt-username NAME --mqtt-password-file FILE
//   --mqtt-ca PEM --mqtt-cert PEM --mqtt-key PEM   (mqtts://)
//   --mqtt-mapping FILE          rules for other devices (adapters/mqtt_mapping_file.hpp)
//   --mqtt-discovery-prefix P, --mqtt-statestream-base B, --mqtt-zigbee2mqtt-base B
//                                ("none" turns one off)

#include <optional>
#include <set>
#include <string>

#include "adapters/mqtt_adapter.hpp"
#include "app/cli_options.hpp"

namespace hems::app {

/// The option names above that take a value.
const std::set<std::string>& mqtt_option_names();

/// The adapter's options, or nullopt without --mqtt (then no other --mqtt-*
/// option is allowed).
result<std::optional<adapters::mqtt_adapter_options>> mqtt_options_from(const cli_options& opts);

} // namespace hems::app
