// MQTT benchmark (issue 10): messages per second through the MQTT adapter
// into hems (mapped, stored in RocksDB, applied by the device actors), next
// to Mosquitto's own delivery rate to a plain subscriber, measured in the
// same run with the same broker, publisher and messages.
//
//   build/release/bench/mqtt_bench [--messages N] [--devices D]
//
// The messages are Zigbee2MQTT plug states (`zigbee2mqtt/plug-NNNN`,
// {"power":..,"energy":..,"state":"ON"}), published at QoS 1 as fast as
// libmosquitto sends them; both subscribers take QoS 1.

#include <filesystem>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "app/cli_options.hpp"
#include "app/server.hpp"
#include "bench/bench_util.hpp"
#include "tests/support/mosquitto_broker.hpp"
#include "tests/support/mqtt_test_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems;
using namespace hems::bench;

namespace {

struct message {
  std::string topic, payload;
};

std::vector<message> make_messages(std::size_t n, std::size_t devices) {
  std::vector<message> out;
  out.reserve(n);
  std::mt19937 rng{7};
  std::uniform_real_distribution<double> power{0, 3000};
  for (std::size_t i = 0; i < n; ++i) {
    char topic[64], payload[160];
    std::snprintf(topic, sizeof topic, "zigbee2mqtt/plug-%04zu", i % devices);
    std::snprintf(payload, sizeof payload,
                  R"({"energy":%.3f,"linkquality":80,"power":%.1f,"state":"ON","voltage":230})",
                  1.0 + static_cast<double>(i / devices) * 0.001, power(rng));
    out.push_back({topic, payload});
  }
  return out;
}

void publish_all(std::uint16_t port, const std::vector<message>& messages) {
  test::mqtt_test_client publisher{port, "bench-publisher"};
  while (!publisher.connected())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (const auto& m : messages)
    while (!publisher.publish(m.topic, m.payload))
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // Disconnecting drops what libmosquitto has not sent yet: wait for the acks.
  while (publisher.published_count() < messages.size())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

template <class Done>
double rate_of(std::size_t n, std::uint16_t port, const std::vector<message>& messages, Done done) {
  auto start = std::chrono::steady_clock::now();
  std::thread publisher{[&] { publish_all(port, messages); }};
  while (!done() && seconds_since(start) < 600)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  double rate = done() ? static_cast<double>(n) / seconds_since(start) : 0;
  publisher.join();
  if (rate == 0)
    std::cerr << "error: not everything arrived within 600 s\n";
  return rate;
}

} // namespace

int main(int argc, char** argv) {
  auto opts = app::cli_options::parse(std::vector<std::string>(argv + 1, argv + argc),
                                      {"messages", "devices"});
  if (!opts) {
    std::cerr << opts.error().detail << "\nusage: mqtt_bench [--messages N] [--devices D]\n";
    return 2;
  }
  auto n = static_cast<std::size_t>(*opts->integer("messages", 200'000, 1, 100'000'000));
  auto devices = static_cast<std::size_t>(*opts->integer("devices", 1000, 1, 100'000));
  auto messages = make_messages(n, devices);
  test::temp_dir dir;
  test::mosquitto_broker broker{dir.path() / "broker"};

  // The peer: Mosquitto delivering to a plain subscriber.
  double plain = 0;
  {
    test::mqtt_test_client subscriber{broker.port(), "bench-subscriber"};
    subscriber.count_only();
    subscriber.subscribe("zigbee2mqtt/#");
    while (!subscriber.connected())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    plain = rate_of(n, broker.port(), messages, [&] { return subscriber.received_count() >= n; });
  }

  // hems: the adapter, the write path and the actors.
  app::server_config c;
  c.data_dir = (dir.path() / "data").string();
  c.telemetry = c.hub = c.feed = "tcp://127.0.0.1:*";
  c.http_port = 0;
  adapters::mqtt_adapter_options mqtt;
  (void)adapters::parse_mqtt_url(broker.url(), mqtt.broker);
  mqtt.broker.client_id = "hems-bench";
  c.mqtt = mqtt;
  auto srv = app::server::start(c);
  if (!srv) {
    std::cerr << srv.error().detail << '\n';
    return 1;
  }
  auto value = [&](const char* series) {
    return prometheus_value((*srv)->metrics().render(), series);
  };
  while (value("hems_mqtt_connected") != 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double through = rate_of(n, broker.port(), messages, [&] {
    return value("hems_samples_applied_total") >= static_cast<double>(n);
  });
  auto stored = value("hems_samples_stored_total");
  (*srv)->stop();

  std::cout << "mqtt_bench: " << with_commas(static_cast<double>(n)) << " Zigbee2MQTT messages, "
            << devices << " devices, QoS 1, one broker on loopback\n"
            << "  mosquitto -> plain subscriber   " << with_commas(plain) << " messages/s\n"
            << "  mosquitto -> hems (stored, applied) " << with_commas(through) << " messages/s ("
            << static_cast<int>(100 * through / plain + 0.5) << "% of the broker's delivery)\n";
  if (plain == 0 || through == 0 || stored != static_cast<double>(n)) {
    std::cerr << "error: stored " << stored << " of " << n << " samples\n";
    return 1;
  }
  return 0;
}
