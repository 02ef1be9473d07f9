#include "adapters/mqtt_command_encoding.hpp"

#include "core/json_writer.hpp"

namespace hems::adapters {

device_state expected_state(const command& c) {
  return c.action == command_action::on ? device_state::on : device_state::off;
}

result<mqtt_publication> encode_mqtt_command(const mqtt_command_route& route, const command& c,
                                             std::uint64_t rpc_id) {
  if (c.action != command_action::on && c.action != command_action::off)
    return fail(errc::invalid_input,
                "action " + std::string{to_string(c.action)} + " is not supported over MQTT (on and off are)");
  bool on = c.action == command_action::on;
  using style = mqtt_command_route::style;
  switch (route.how) {
    case style::home_assistant:
    case style::mapped:
      return mqtt_publication{route.topic, on ? route.on_payload : route.off_payload};
    case style::zigbee2mqtt:
      return mqtt_publication{route.topic, on ? R"({"state":"ON"})" : R"({"state":"OFF"})"};
    case style::tasmota:
      return mqtt_publication{route.topic, on ? "ON" : "OFF"};
    case style::shelly: {
      json_writer w;
      w.begin_object()
        .field("id", rpc_id)
        .field("src", "hems")
        .field("method", "Switch.Set")
        .key("params")
        .begin_object()
        .field("id", static_cast<std::int64_t>(route.channel))
        .field("on", on)
        .end_object();
      w.end_object();
      return mqtt_publication{route.topic, w.take()};
    }
  }
  return fail(errc::internal, "unknown route style");
}

} // namespace hems::adapters
