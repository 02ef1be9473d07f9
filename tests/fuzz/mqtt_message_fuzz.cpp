// Fuzz target: one MQTT message as the adapter receives it. The input's
// first line is the topic, the rest the payload. Whatever the bytes, the
// mappers must not crash, a refusal must say why, and what reaches the
// device table must leave as samples that obey the telemetry contract.
// The mapper keeps state across inputs (discovered entities, statestream
// units), as it does on a live connection.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/mqtt_device_table.hpp"
#include "adapters/mqtt_mapper.hpp"
#include "adapters/mqtt_mapping_file.hpp"

namespace {

hems::adapters::mqtt_mapper make_mapper() {
  hems::adapters::mqtt_mapper_options o;
  o.rules = *hems::adapters::parse_mapping_file(
    R"({"devices":[{"topic":"meters/+/reading","home":"$.home","device":"{1}","power":"data.w",)"
    R"("energy":"data.kwh","energy_scale":1000,"state":"relay","command_topic":"meters/{1}/cmd"},)"
    R"({"topic":"raw/#","device":"{1}","power":"$"}]})");
  o.max_discovered_entities = 64;
  return hems::adapters::mqtt_mapper{o};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto mapper = make_mapper();
  static hems::adapters::mqtt_device_table devices{"home", 1000};
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto newline = input.find('\n');
  auto topic = input.substr(0, newline);
  auto payload = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  auto mapped = mapper.map(topic, payload);
  mapper.take_new_state_topics();
  if (mapped.rejected && (mapped.detail.empty() || !mapped.readings.empty()))
    std::abort();
  for (const auto& s : devices.merge(std::move(mapped.readings), 1795737600000)) {
    if (!hems::is_valid_id(s.home) || !hems::is_valid_id(s.device) || !std::isfinite(s.power_w) ||
        std::fabs(s.power_w) > 1e6)
      std::abort();
    if (s.energy_wh && !std::isfinite(*s.energy_wh))
      std::abort();
  }
  return 0;
}
