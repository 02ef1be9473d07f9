#include "adapters/mqtt_adapter.hpp"

#include <mosquitto.h>

#include "adapters/mqtt_command_encoding.hpp"

namespace hems::adapters {

namespace {

std::once_flag library_once;

} // namespace

mqtt_adapter::mqtt_adapter(mqtt_adapter_options options, const clock& time,
                           metrics_registry& metrics, sample_sink sink, command_listener on_command)
    : options_(std::move(options)), time_(time), metrics_(metrics), sink_(std::move(sink)),
      on_command_(std::move(on_command)), mapper_(options_.mapping),
      devices_(options_.default_home) {}

result<std::unique_ptr<mqtt_adapter>> mqtt_adapter::start(mqtt_adapter_options options,
                                                          const clock& time,
                                                          metrics_registry& metrics,
                                                          sample_sink sink,
                                                          command_listener on_command) {
  if (!is_valid_id(options.default_home))
    return fail(errc::invalid_input, "--mqtt-home: expected an id (1 to 64 of A-Z a-z 0-9 . _ -)");
  std::call_once(library_once, [] { mosquitto_lib_init(); });
  std::unique_ptr<mqtt_adapter> a{
    new mqtt_adapter(std::move(options), time, metrics, std::move(sink), std::move(on_command))};
  const auto& b = a->options_.broker;
  // A persistent session: the broker keeps our subscriptions and queues QoS 1
  // messages while hems is away.
  a->client_ = mosquitto_new(b.client_id.c_str(), false, a.get());
  if (!a->client_)
    return fail(errc::internal, "mqtt: cannot create a client");
  mosquitto_int_option(a->client_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (b.username) {
    auto rc = mosquitto_username_pw_set(a->client_, b.username->c_str(),
                                        b.password ? b.password->c_str() : nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return fail(errc::invalid_input, std::string{"mqtt username: "} + mosquitto_strerror(rc));
  }
  if (b.tls) {
    auto rc = mosquitto_tls_set(a->client_, b.ca_file ? b.ca_file->c_str() : nullptr,
                                b.ca_file ? nullptr : "/etc/ssl/certs",
                                b.cert_file ? b.cert_file->c_str() : nullptr,
                                b.key_file ? b.key_file->c_str() : nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return fail(errc::invalid_input, std::string{"mqtt TLS files: "} + mosquitto_strerror(rc));
  } else if (b.ca_file || b.cert_file || b.key_file) {
    return fail(errc::invalid_input, "--mqtt-ca, --mqtt-cert and --mqtt-key need an mqtts:// URL");
  }
  mosquitto_connect_callback_set(a->client_, &mqtt_adapter::on_connect);
  mosquitto_disconnect_callback_set(a->client_, &mqtt_adapter::on_disconnect);
  mosquitto_message_callback_set(a->client_, &mqtt_adapter::on_message);
  a->thread_ = std::thread{[p = a.get()] { p->run(); }};
  return a;
}

mqtt_adapter::~mqtt_adapter() {
  stop();
  if (client_)
    mosquitto_destroy(client_);
}

void mqtt_adapter::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

bool mqtt_adapter::owns(const std::string& home, const std::string& device) const {
  std::lock_guard lock{mutex_};
  return owned_.contains({home, device});
}

void mqtt_adapter::send_command(command c) {
  {
    std::lock_guard lock{mutex_};
    new_commands_.push_back(std::move(c));
  }
  wake_.notify_all();
}

void mqtt_adapter::run() {
  const auto& b = options_.broker;
  bool socket_open = false, first = true;
  unsigned attempt = 0;
  millis next_connect = 0;
  while (!stopping_) {
    millis now = time_.now_ms();
    take_new_commands(now);
    for (auto& r : book_.expire(now))
      record(r);
    if (!socket_open && now >= next_connect) {
      int rc = first ? mosquitto_connect_async(client_, b.host.c_str(), b.port, b.keepalive_s)
                     : mosquitto_reconnect_async(client_);
      if (rc == MOSQ_ERR_SUCCESS) {
        socket_open = true;
        first = false;
      } else {
        if (rc == MOSQ_ERR_INVAL)
          first = true; // e.g. the host did not resolve: try from scratch
        metrics_.connect_failures.inc();
        next_connect = now + mqtt_reconnect_delay(b, ++attempt);
      }
    }
    if (!socket_open) {
      std::unique_lock lock{mutex_};
      auto until = next_connect;
      if (auto e = book_.next_expiry())
        until = std::min(until, *e);
      wake_.wait_for(lock, std::chrono::milliseconds(std::clamp<millis>(until - now, 1, 1000)),
                     [&] { return stopping_.load() || !new_commands_.empty(); });
      continue;
    }
    int rc = mosquitto_loop(client_, 100, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
      // The socket is gone: a lost session, or an attempt that never got one.
      (session_up_ ? metrics_.disconnects : metrics_.connect_failures).inc();
      session_up_ = false;
      connected_ = false;
      metrics_.connected.set(0);
      socket_open = false;
      next_connect = time_.now_ms() + mqtt_reconnect_delay(b, ++attempt);
    } else if (connected_) {
      attempt = 0;
    }
  }
  if (socket_open)
    mosquitto_disconnect(client_);
  metrics_.connected.set(0);
}

void mqtt_adapter::on_connect(struct mosquitto*, void* self, int rc) {
  auto& a = *static_cast<mqtt_adapter*>(self);
  if (rc != 0)
    return; // refused (credentials, not authorized): the loop sees the socket close and retries
  a.connected_ = true;
  a.session_up_ = true;
  a.metrics_.connected.set(1);
  a.metrics_.connects.inc();
  a.mapper_.take_new_state_topics(); // subscriptions() covers them
  a.subscribe(a.mapper_.subscriptions());
  for (const auto& c : a.book_.unpublished())
    a.publish(c);
}

void mqtt_adapter::on_disconnect(struct mosquitto*, void* self, int) {
  auto& a = *static_cast<mqtt_adapter*>(self);
  a.connected_ = false;
  a.metrics_.connected.set(0);
}

void mqtt_adapter::on_message(struct mosquitto*, void* self, const struct mosquitto_message* m) {
  auto& a = *static_cast<mqtt_adapter*>(self);
  a.handle(m->topic ? std::string_view{m->topic} : std::string_view{},
           {static_cast<const char*>(m->payload), static_cast<std::size_t>(std::max(0, m->payloadlen))});
}

void mqtt_adapter::subscribe(const std::vector<std::string>& topics) {
  for (const auto& t : topics)
    mosquitto_subscribe(client_, nullptr, t.c_str(), 1);
}

void mqtt_adapter::handle(std::string_view topic, std::string_view payload) {
  metrics_.messages.inc();
  millis now = time_.now_ms();
  auto mapped = mapper_.map(topic, payload);
  if (auto fresh = mapper_.take_new_state_topics(); !fresh.empty() && connected_)
    subscribe(fresh);
  if (mapped.rejected) {
    metrics_.rejected[static_cast<std::size_t>(*mapped.rejected)]->inc();
    return;
  }
  if (mapped.readings.empty()) {
    metrics_.ignored.inc();
    return;
  }
  metrics_.mapped.inc();
  auto dropped = devices_.dropped();
  auto samples = devices_.merge(std::move(mapped.readings), now);
  metrics_.devices_dropped.inc(devices_.dropped() - dropped);
  if (samples.empty())
    return;
  {
    std::lock_guard lock{mutex_};
    for (const auto& s : samples)
      owned_.emplace(s.home, s.device);
  }
  // Confirmations first: the samples may wait for storage.
  for (const auto& s : samples)
    if (s.state != device_state::unknown)
      for (auto& r : book_.observed(s.home, s.device, s.state, now))
        record(r);
  metrics_.samples.inc(samples.size());
  sink_(std::move(samples), now);
}

void mqtt_adapter::take_new_commands(millis now) {
  std::deque<command> fresh;
  {
    std::lock_guard lock{mutex_};
    fresh.swap(new_commands_);
  }
  for (auto& c : fresh) {
    auto route = devices_.route(c.home, c.device);
    std::string refusal;
    if (!route)
      refusal = "the device is not known to the MQTT adapter";
    else if (!*route)
      refusal = "the device published no command topic over MQTT";
    else if (auto p = encode_mqtt_command(**route, c, 0); !p)
      refusal = p.error().detail;
    if (!refusal.empty()) {
      command_record pending;
      pending.cmd = c;
      pending.updated_ms = now;
      record(pending);
      record(mqtt_command_book::refuse(std::move(c), std::move(refusal), now));
      continue;
    }
    for (auto& r : book_.submit(c, now))
      record(r);
    if (connected_)
      publish(c);
  }
}

void mqtt_adapter::publish(const command& c) {
  auto route = devices_.route(c.home, c.device);
  if (!route || !*route)
    return;
  auto p = encode_mqtt_command(**route, c, ++rpc_id_);
  if (!p)
    return;
  int rc = mosquitto_publish(client_, nullptr, p->topic.c_str(), static_cast<int>(p->payload.size()),
                             p->payload.data(), 1, false);
  if (rc == MOSQ_ERR_SUCCESS) {
    book_.published(c.id, p->topic);
    metrics_.commands_published.inc();
  }
}

void mqtt_adapter::record(const command_record& r) {
  if (r.final())
    if (auto it = metrics_.outcomes.find(r.status); it != metrics_.outcomes.end())
      it->second->inc();
  if (on_command_)
    on_command_(r);
}

} // namespace hems::adapters
