#pragma once
// What the MQTT adapter counts: its connection, the messages it reads (and
// refuses, by reason), the samples it hands on, and its commands.

#include <array>
#include <map>

#include "adapters/mqtt_reading.hpp"
#include "core/command.hpp"
#include "core/metrics.hpp"

namespace hems::adapters {

struct mqtt_metrics {
  explicit mqtt_metrics(metrics_registry& m);

  gauge& connected;
  counter& connects;
  counter& connect_failures;
  counter& disconnects;
  counter& messages;
  counter& mapped;
  counter& ignored;
  counter& samples;
  counter& devices_dropped;
  counter& commands_published;
  std::array<counter*, mqtt_reject_count> rejected{};
  std::map<command_status, counter*> outcomes;
};

} // namespace hems::adapters
