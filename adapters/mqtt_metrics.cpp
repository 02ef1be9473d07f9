#include "adapters/mqtt_metrics.hpp"

namespace hems::adapters {

mqtt_metrics::mqtt_metrics(metrics_registry& m)
    : connected(m.add_gauge("hems_mqtt_connected", "1 while the MQTT adapter is connected to its broker.")),
      connects(m.add_counter("hems_mqtt_connects_total", "Accepted connections to the MQTT broker.")),
      connect_failures(m.add_counter("hems_mqtt_connect_failures_total",
                                     "Connection attempts to the MQTT broker that failed or were refused.")),
      disconnects(m.add_counter("hems_mqtt_disconnects_total", "Connections to the MQTT broker lost.")),
      messages(m.add_counter("hems_mqtt_messages_total", "MQTT messages received.")),
      mapped(m.add_counter("hems_mqtt_messages_mapped_total", "MQTT messages that gave samples.")),
      ignored(m.add_counter("hems_mqtt_messages_ignored_total",
                            "MQTT messages read without samples (discovery configs, attributes, bridge topics).")),
      samples(m.add_counter("hems_mqtt_samples_total", "Samples the MQTT adapter handed to storage.")),
      devices_dropped(m.add_counter("hems_mqtt_devices_dropped_total",
                                    "Readings dropped: the adapter's device limit was reached.")),
      commands_published(m.add_counter("hems_mqtt_commands_published_total",
                                       "Commands published to MQTT devices.")) {
  for (std::size_t i = 0; i < mqtt_reject_count; ++i)
    rejected[i] = &m.add_counter("hems_mqtt_messages_rejected_total",
                                 "MQTT messages refused, by reason.",
                                 "reason=\"" + std::string{to_string(static_cast<mqtt_reject>(i))} + "\"");
  for (auto s : {command_status::done, command_status::failed, command_status::expired})
    outcomes[s] = &m.add_counter("hems_mqtt_commands_total", "MQTT commands by final outcome.",
                                 "outcome=\"" + std::string{to_string(s)} + "\"");
}

} // namespace hems::adapters
