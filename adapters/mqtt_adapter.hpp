#pragma once
// The MQTT adapter: one thread owns a libmosquitto client connected to the
// broker a home already runs. It subscribes (QoS 1, persistent session) to
// every topic the mapper reads, turns messages into samples for the same
// write path as the ZeroMQ ingest, and publishes commands to the devices
// that came from MQTT; their next state message confirms them.
//
// The connection is retried with doubling delays (--mqtt backoff), and the
// subscriptions are renewed on every connect, so a broker restart costs
// nothing but the time it is away: hems keeps its devices, and retained and
// queued messages arrive again.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "adapters/mqtt_broker_options.hpp"
#include "adapters/mqtt_command_book.hpp"
#include "adapters/mqtt_device_table.hpp"
#include "adapters/mqtt_mapper.hpp"
#include "adapters/mqtt_metrics.hpp"
#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/metrics.hpp"
#include "core/sample.hpp"

struct mosquitto;
struct mosquitto_message;

namespace hems::adapters {

struct mqtt_adapter_options {
  mqtt_broker_options broker;
  mqtt_mapper_options mapping;
  std::string default_home = "home"; ///< the home of devices whose mapping names none
};

class mqtt_adapter {
public:
  /// Takes samples (blocking when storage is behind: backpressure).
  using sample_sink = std::function<void(std::vector<sample>&&, millis received)>;
  /// Every change of a command's record: taken (pending) and final.
  using command_listener = std::function<void(const command_record&)>;

  static result<std::unique_ptr<mqtt_adapter>> start(mqtt_adapter_options options,
                                                     const clock& time, metrics_registry& metrics,
                                                     sample_sink sink, command_listener on_command);
  ~mqtt_adapter();
  mqtt_adapter(const mqtt_adapter&) = delete;
  mqtt_adapter& operator=(const mqtt_adapter&) = delete;

  /// Whether the device came from MQTT (its commands go there). Any thread.
  bool owns(const std::string& home, const std::string& device) const;
  /// Queues a command for an MQTT device (any thread).
  void send_command(command c);
  void stop();

private:
  mqtt_adapter(mqtt_adapter_options options, const clock& time, metrics_registry& metrics,
               sample_sink sink, command_listener on_command);
  static void on_connect(struct mosquitto*, void* self, int rc);
  static void on_disconnect(struct mosquitto*, void* self, int rc);
  static void on_message(struct mosquitto*, void* self, const struct mosquitto_message* m);

  void run();
  void handle(std::string_view topic, std::string_view payload);
  void subscribe(const std::vector<std::string>& topics);
  void take_new_commands(millis now);
  void publish(const command& c);
  void record(const command_record& r);

  mqtt_adapter_options options_;
  const clock& time_;
  mqtt_metrics metrics_;
  sample_sink sink_;
  command_listener on_command_;
  struct mosquitto* client_ = nullptr;

  // Owned by the adapter's thread.
  mqtt_mapper mapper_;
  mqtt_device_table devices_;
  mqtt_command_book book_;
  bool connected_ = false;  ///< subscribed and publishing
  bool session_up_ = false; ///< the current socket got a CONNACK (counts its loss once)
  std::uint64_t rpc_id_ = 0;

  // Shared with other threads.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<command> new_commands_;
  std::set<std::pair<std::string, std::string>> owned_;

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace hems::adapters
