#include "adapters/mqtt_mapper.hpp"

#include <algorithm>

#include "adapters/mqtt_shelly.hpp"
#include "adapters/mqtt_tasmota.hpp"
#include "adapters/mqtt_zigbee2mqtt.hpp"

namespace hems::adapters {

std::string_view to_string(mqtt_reject r) {
  static constexpr std::array<std::string_view, mqtt_reject_count> names{
    "not_json", "bad_shape", "bad_value", "bad_device_id",
    "bad_discovery", "no_values", "unknown_topic", "too_large"};
  return names[static_cast<std::size_t>(r)];
}

mqtt_mapper::mqtt_mapper(mqtt_mapper_options options)
    : options_(std::move(options)), statestream_(options_.statestream_base) {}

std::vector<std::string> mqtt_mapper::subscriptions() const {
  std::vector<std::string> topics;
  for (const auto& r : options_.rules)
    topics.push_back(r.topic);
  if (!options_.discovery_prefix.empty()) {
    topics.push_back(options_.discovery_prefix + "/+/+/config");
    topics.push_back(options_.discovery_prefix + "/+/+/+/config");
  }
  if (!options_.zigbee2mqtt_base.empty())
    topics.push_back(options_.zigbee2mqtt_base + "/#");
  if (options_.shelly) {
    topics.push_back("+/events/rpc");
    topics.push_back("+/status/+");
  }
  if (options_.tasmota) {
    topics.push_back("tele/+/SENSOR");
    topics.push_back("tele/+/STATE");
    topics.push_back("stat/+/RESULT");
    topics.push_back("stat/+/POWER");
  }
  if (!options_.statestream_base.empty())
    topics.push_back(options_.statestream_base + "/#");
  for (const auto& [topic, configs] : by_state_topic_)
    topics.push_back(topic);
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  return topics;
}

std::vector<std::string> mqtt_mapper::take_new_state_topics() {
  return std::exchange(new_state_topics_, {});
}

mqtt_mapped mqtt_mapper::discovery(std::string_view topic, std::string_view payload) {
  auto parsed = parse_ha_discovery(topic, payload, parser_);
  if (!parsed.discovered)
    return std::move(parsed.outcome);
  // A config replaces the entity's previous one (or removes it).
  if (auto old = entities_.find(topic); old != entities_.end()) {
    auto& list = by_state_topic_[old->second.state_topic];
    std::erase(list, old->first);
    if (list.empty())
      by_state_topic_.erase(old->second.state_topic);
    entities_.erase(old);
  }
  if (!parsed.discovered->entity)
    return std::move(parsed.outcome);
  if (entities_.size() >= options_.max_discovered_entities)
    return mqtt_mapped::reject(mqtt_reject::too_large, "home assistant discovery: too many entities");
  auto state_topic = parsed.discovered->state_topic;
  auto [it, fresh] = by_state_topic_.try_emplace(state_topic);
  if (fresh)
    new_state_topics_.push_back(state_topic);
  it->second.emplace_back(topic);
  entities_.emplace(std::string{topic}, std::move(*parsed.discovered));
  return std::move(parsed.outcome);
}

mqtt_mapped mqtt_mapper::map(std::string_view topic, std::string_view payload) {
  if (payload.data() == nullptr)
    payload = ""; // libmosquitto hands an empty payload as NULL; the parser copies from it
  if (payload.size() > options_.max_payload_bytes)
    return mqtt_mapped::reject(mqtt_reject::too_large, "payload larger than the limit");
  for (const auto& rule : options_.rules)
    if (auto captures = match_topic(rule.topic, topic))
      return map_with_rule(rule, *captures, payload, parser_);
  if (!options_.discovery_prefix.empty() && is_ha_discovery_topic(options_.discovery_prefix, topic))
    return discovery(topic, payload);
  if (auto entities = by_state_topic_.find(topic); entities != by_state_topic_.end()) {
    mqtt_mapped all;
    for (const auto& config : entities->second) {
      auto one = map_ha_state(*entities_.at(config).entity, payload, parser_);
      if (one.rejected && all.readings.empty())
        all = std::move(one);
      else
        for (auto& r : one.readings) {
          all.rejected.reset();
          all.readings.push_back(std::move(r));
        }
    }
    return all;
  }
  if (!options_.zigbee2mqtt_base.empty() && topic.starts_with(options_.zigbee2mqtt_base + "/")) {
    if (is_zigbee2mqtt_state_topic(options_.zigbee2mqtt_base, topic))
      return map_zigbee2mqtt(options_.zigbee2mqtt_base, topic, payload, parser_);
    return mqtt_mapped::info(); // the bridge's own topics, availability
  }
  if (options_.shelly && is_shelly_topic(topic))
    return map_shelly(topic, payload, parser_);
  if (options_.tasmota && is_tasmota_topic(topic))
    return map_tasmota(topic, payload, parser_);
  if (!options_.statestream_base.empty() && statestream_.claims(topic))
    return statestream_.map(topic, payload);
  if (!options_.statestream_base.empty() && topic.starts_with(options_.statestream_base + "/"))
    return mqtt_mapped::info(); // other domains
  return mqtt_mapped::reject(mqtt_reject::unknown_topic, "no mapper for this topic");
}

} // namespace hems::adapters
