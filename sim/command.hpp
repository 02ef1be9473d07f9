#pragma once
// A command to a simulated device, as the hub link will deliver it
// (telemetry contract: `on`, `off`, `set` with params, `start` for a deferred
// appliance cycle), and what became of it (`done`, or `failed` with a detail).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hems::sim {

enum class command_action { on, off, set, start };

std::string_view to_string(command_action a);
/// Parses a contract action name; nullopt when it is not one.
std::optional<command_action> parse_command_action(std::string_view name);

struct command {
  std::string id;     ///< the server's command id, echoed in the acknowledgement
  std::string device; ///< device id within the home
  command_action action = command_action::on;
  std::map<std::string, double, std::less<>> params; ///< for `set`, e.g. setpoint_c

  std::optional<double> param(std::string_view name) const {
    auto it = params.find(name);
    return it == params.end() ? std::nullopt : std::optional<double>{it->second};
  }
};

struct command_outcome {
  bool done = false;
  std::string detail; ///< why it failed (empty when done)

  static command_outcome ok() { return {true, {}}; }
  static command_outcome failed(std::string why) { return {false, std::move(why)}; }
  std::string_view status() const { return done ? "done" : "failed"; }
};

} // namespace hems::sim
