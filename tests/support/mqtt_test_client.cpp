#include "tests/support/mqtt_test_client.hpp"

#include <mosquitto.h>

#include <stdexcept>

namespace hems::test {

mqtt_test_client::mqtt_test_client(std::uint16_t port, const std::string& client_id,
                                   bool persistent_session) {
  mosquitto_lib_init();
  client_ = mosquitto_new(client_id.c_str(), !persistent_session, this);
  if (!client_)
    throw std::runtime_error{"mosquitto_new failed"};
  mosquitto_connect_callback_set(client_, &on_connect);
  mosquitto_message_callback_set(client_, &on_message);
  mosquitto_publish_callback_set(client_, &on_publish);
  mosquitto_reconnect_delay_set(client_, 1, 2, false);
  mosquitto_max_inflight_messages_set(client_, 1000);
  if (mosquitto_connect(client_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS)
    throw std::runtime_error{"cannot connect to the MQTT broker on port " + std::to_string(port)};
  mosquitto_loop_start(client_);
}

mqtt_test_client::~mqtt_test_client() {
  mosquitto_disconnect(client_);
  mosquitto_loop_stop(client_, false);
  mosquitto_destroy(client_);
}

void mqtt_test_client::on_connect(struct mosquitto*, void* self, int rc) {
  auto& c = *static_cast<mqtt_test_client*>(self);
  if (rc != 0)
    return;
  std::lock_guard lock{c.mutex_};
  for (const auto& [pattern, qos] : c.subscriptions_) // again after a broker restart
    mosquitto_subscribe(c.client_, nullptr, pattern.c_str(), qos);
  c.connected_ = true;
}

void mqtt_test_client::on_publish(struct mosquitto*, void* self, int) {
  ++static_cast<mqtt_test_client*>(self)->published_;
}

void mqtt_test_client::on_message(struct mosquitto*, void* self, const struct mosquitto_message* m) {
  auto& c = *static_cast<mqtt_test_client*>(self);
  if (c.keep_) {
    std::lock_guard lock{c.mutex_};
    c.received_.push_back({m->topic, std::string{static_cast<const char*>(m->payload),
                                                 static_cast<std::size_t>(m->payloadlen)}});
  }
  ++c.count_;
}

void mqtt_test_client::subscribe(const std::string& pattern, int qos) {
  std::lock_guard lock{mutex_};
  subscriptions_.emplace_back(pattern, qos);
  mosquitto_subscribe(client_, nullptr, pattern.c_str(), qos);
}

bool mqtt_test_client::publish(const std::string& topic, const std::string& payload, bool retain,
                               int qos) {
  return mosquitto_publish(client_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                           payload.data(), qos, retain) == MOSQ_ERR_SUCCESS;
}

std::vector<mqtt_message> mqtt_test_client::received() const {
  std::lock_guard lock{mutex_};
  return received_;
}

bool mqtt_test_client::saw(const std::string& topic, const std::string& payload) const {
  std::lock_guard lock{mutex_};
  for (const auto& m : received_)
    if (m.topic == topic && m.payload == payload)
      return true;
  return false;
}

} // namespace hems::test
