#pragma once
// A command to a device, as hems issues it and the hub link carries it, and
// the outcome it ends with. Every command has an id, an expiry and exactly
// one final outcome, which is stored and published.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace hems {

enum class command_action : std::uint8_t { on, off, set, start };

enum class command_status : std::uint8_t {
  pending, ///< not yet acknowledged by a hub (maybe never sent: no hub yet)
  done,    ///< the hub reports the device did it
  failed,  ///< the hub reports it could not (see detail)
  expired, ///< sent, but not acknowledged before its expiry
  no_hub,  ///< no hub for its home said hello before its expiry
};

std::string_view to_string(command_action a);
std::string_view to_string(command_status s);
std::optional<command_action> parse_command_action(std::string_view name);
std::optional<command_status> parse_command_status(std::string_view name);

struct command {
  std::string id;
  std::string home;
  std::string device;
  command_action action = command_action::on;
  std::map<std::string, double, std::less<>> params; ///< for `set`, e.g. setpoint_c
  std::string reason;                                ///< why, in words a resident can read
  std::string source;                                ///< who asked: a token, schedule, optimizer
  millis issued_ms = 0;
  millis expires_ms = 0;

  friend bool operator==(const command&, const command&) = default;
};

/// A command and what became of it so far.
struct command_record {
  command cmd;
  command_status status = command_status::pending;
  std::string detail;   ///< the hub's words on failure, or why it expired
  std::uint32_t attempts = 0; ///< times it was sent to a hub
  millis updated_ms = 0;

  bool final() const { return status != command_status::pending; }
  friend bool operator==(const command_record&, const command_record&) = default;
};

} // namespace hems
