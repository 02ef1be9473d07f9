#include "app/mqtt_options.hpp"

#include <fstream>
#include <sstream>

namespace hems::app {

const std::set<std::string>& mqtt_option_names() {
  static const std::set<std::string> names{
    "mqtt", "mqtt-home", "mqtt-client-id", "mqtt-username", "mqtt-password-file", "mqtt-ca",
    "mqtt-cert", "mqtt-key", "mqtt-mapping", "mqtt-discovery-prefix", "mqtt-statestream-base",
    "mqtt-zigbee2mqtt-base"};
  return names;
}

namespace {

result<std::string> read_file(const std::string& option, const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return fail(errc::invalid_input, "--" + option + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

result<std::optional<adapters::mqtt_adapter_options>> mqtt_options_from(const cli_options& opts) {
  auto url = opts.get("mqtt");
  if (!url) {
    for (const auto& name : mqtt_option_names())
      if (opts.has(name))
        return fail(errc::invalid_input, "--" + name + " needs --mqtt URL");
    return std::optional<adapters::mqtt_adapter_options>{};
  }
  adapters::mqtt_adapter_options o;
  if (auto ok = adapters::parse_mqtt_url(*url, o.broker); !ok)
    return std::unexpected(ok.error());
  o.default_home = opts.get_or("mqtt-home", o.default_home);
  if (!is_valid_id(o.default_home))
    return fail(errc::invalid_input, "--mqtt-home: expected an id (1 to 64 of A-Z a-z 0-9 . _ -)");
  o.broker.client_id = opts.get_or("mqtt-client-id", o.broker.client_id);
  if (o.broker.client_id.empty() || o.broker.client_id.size() > 128)
    return fail(errc::invalid_input, "--mqtt-client-id: expected 1 to 128 characters");
  o.broker.username = opts.get("mqtt-username");
  if (auto file = opts.get("mqtt-password-file")) {
    if (!o.broker.username)
      return fail(errc::invalid_input, "--mqtt-password-file needs --mqtt-username");
    auto password = read_file("mqtt-password-file", *file);
    if (!password)
      return std::unexpected(password.error());
    while (!password->empty() && (password->back() == '\n' || password->back() == '\r'))
      password->pop_back();
    o.broker.password = std::move(*password);
  }
  o.broker.ca_file = opts.get("mqtt-ca");
  o.broker.cert_file = opts.get("mqtt-cert");
  o.broker.key_file = opts.get("mqtt-key");
  if (o.broker.cert_file.has_value() != o.broker.key_file.has_value())
    return fail(errc::invalid_input, "--mqtt-cert and --mqtt-key go together");
  if (!o.broker.tls && (o.broker.ca_file || o.broker.cert_file))
    return fail(errc::invalid_input, "--mqtt-ca, --mqtt-cert and --mqtt-key need an mqtts:// URL");
  for (const auto& f : {o.broker.ca_file, o.broker.cert_file, o.broker.key_file})
    if (f && !std::ifstream{*f})
      return fail(errc::invalid_input, "mqtt TLS: cannot read " + *f);
  if (auto file = opts.get("mqtt-mapping")) {
    auto text = read_file("mqtt-mapping", *file);
    if (!text)
      return std::unexpected(text.error());
    auto rules = adapters::parse_mapping_file(*text);
    if (!rules)
      return fail(errc::invalid_input, *file + ": " + rules.error().detail);
    o.mapping.rules = std::move(*rules);
  }
  auto prefix = [&](const std::string& name, std::string& field) {
    field = opts.get_or(name, field);
    if (field == "none")
      field.clear();
  };
  prefix("mqtt-discovery-prefix", o.mapping.discovery_prefix);
  prefix("mqtt-statestream-base", o.mapping.statestream_base);
  prefix("mqtt-zigbee2mqtt-base", o.mapping.zigbee2mqtt_base);
  return std::optional{std::move(o)};
}

} // namespace hems::app
