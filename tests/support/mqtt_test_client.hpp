#pragma once
// A plain libmosquitto client for tests and benchmarks: publishes as a
// device or an ecosystem's bridge would, and records what it receives on
// its subscriptions (to see the commands hems publishes).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace hems::test {

struct mqtt_message {
  std::string topic;
  std::string payload;
};

class mqtt_test_client {
public:
  /// Connects to 127.0.0.1:`port` and runs libmosquitto's network thread.
  /// A persistent session keeps its subscriptions and queued messages on the
  /// broker while the client is away (across a broker restart, too).
  mqtt_test_client(std::uint16_t port, const std::string& client_id,
                   bool persistent_session = false);
  ~mqtt_test_client();
  mqtt_test_client(const mqtt_test_client&) = delete;
  mqtt_test_client& operator=(const mqtt_test_client&) = delete;

  bool connected() const { return connected_; }
  void subscribe(const std::string& pattern, int qos = 1);
  /// Queues a message (QoS 1 unless told); false when libmosquitto refused it.
  bool publish(const std::string& topic, const std::string& payload, bool retain = false,
               int qos = 1);
  /// Everything received so far.
  std::vector<mqtt_message> received() const;
  std::uint64_t received_count() const { return count_; }
  /// Messages the broker has acknowledged (QoS 1) or that were sent (QoS 0).
  std::uint64_t published_count() const { return published_; }
  /// Whether a message on `topic` with `payload` arrived.
  bool saw(const std::string& topic, const std::string& payload) const;
  /// Stop keeping messages (only count them): benchmarks.
  void count_only() { keep_ = false; }

private:
  static void on_connect(struct mosquitto*, void* self, int rc);
  static void on_publish(struct mosquitto*, void* self, int mid);
  static void on_message(struct mosquitto*, void* self, const struct mosquitto_message* m);

  struct mosquitto* client_ = nullptr;
  std::atomic<bool> connected_{false};
  std::atomic<bool> keep_{true};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> published_{0};
  mutable std::mutex mutex_;
  std::vector<mqtt_message> received_;
  std::vector<std::pair<std::string, int>> subscriptions_;
};

} // namespace hems::test
