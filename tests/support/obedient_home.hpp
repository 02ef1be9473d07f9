#pragma once
// A home of simulated devices as a hub sees them, for end-to-end tests of
// automation: each batch reports every device's state, and the devices do
// what they are told (a light switched off draws nothing, a started cycle
// draws its power). Also: reading one device's live power over REST.

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>
#include <zmq.hpp>

#include "adapters/hub_client.hpp"
#include "core/command.hpp"
#include "core/json_writer.hpp"
#include "core/sample_json.hpp"
#include "tests/support/http_client.hpp"

namespace hems::test {

// The devices of one home, as a hub sees them: they do what they are told.
struct simulated_home {
  struct device {
    device_kind kind;
    device_state state;
    double power_on_w;
    std::optional<bool> occupied;
  };
  std::string home;
  std::map<std::string, device> devices;
  std::vector<command> received;
  std::uint64_t seq = 0;

  std::string batch(millis now) {
    json_writer w;
    w.begin_array();
    ++seq;
    for (const auto& [id, d] : devices) {
      sample s;
      s.home = home;
      s.device = id;
      s.ts_ms = now;
      s.seq = seq;
      s.kind = d.kind;
      s.state = d.state;
      s.power_w = d.state == device_state::on ? d.power_on_w : 0;
      s.occupied = d.occupied;
      write_sample(w, s);
    }
    w.end_array();
    return w.take();
  }

  adapters::hub_command_ack obey(const command& c) {
    received.push_back(c);
    auto it = devices.find(c.device);
    if (it == devices.end())
      return {c.id, command_status::failed, "no such device"};
    if (c.action == command_action::off)
      it->second.state = device_state::off;
    else if (c.action == command_action::on || c.action == command_action::start)
      it->second.state = device_state::on;
    return {c.id, command_status::done, ""};
  }
};

inline bool has_command(const simulated_home& h, const std::string& device, command_action a) {
  return std::any_of(h.received.begin(), h.received.end(),
                     [&](const command& c) { return c.device == device && c.action == a; });
}

inline double device_power(std::uint16_t port, const std::string& home, const std::string& device) {
  auto r = http_get(port, "/devices?home=" + home);
  simdjson::dom::parser p;
  auto doc = p.parse(r.body);
  if (doc.error())
    return -1;
  simdjson::dom::array devices;
  if (doc["devices"].get(devices))
    return -1;
  for (auto d : devices) {
    std::string_view id;
    double power;
    if (!d["id"].get(id) && id == device && !d["power_w"].get(power))
      return power;
  }
  return -1;
}

/// A hub for one simulated home, like a real one: every device's state once a
/// second, commands obeyed as they arrive.
struct obedient_hub {
  obedient_hub(zmq::context_t& ctx, const std::string& endpoint, const std::string& hub_id,
               simulated_home devices, const clock& time)
      : home(std::move(devices)), time_(time),
        hub_(ctx, options(endpoint, hub_id, home.home), time) {}

  /// Sends the batch when a second has passed, then handles what arrived.
  void tick() {
    auto now = time_.now_ms();
    if (now - last_sent_ >= 1000) {
      hub_.send(home.batch(now), home.devices.size());
      last_sent_ = now;
    }
    hub_.poll(std::chrono::milliseconds(20), [this](const command& c) { return home.obey(c); });
  }

  simulated_home home;

private:
  static adapters::hub_client_options
  options(const std::string& endpoint, const std::string& hub_id, const std::string& home_id) {
    adapters::hub_client_options o;
    o.endpoint = endpoint;
    o.hub = hub_id;
    o.homes = {home_id};
    o.ack_timeout_ms = 2000;
    return o;
  }

  const clock& time_;
  adapters::hub_client hub_;
  millis last_sent_ = 0;
};

} // namespace hems::test
