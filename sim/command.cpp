#include "sim/command.hpp"

namespace hems::sim {

std::string_view to_string(command_action a) {
  switch (a) {
  case command_action::on:
    return "on";
  case command_action::off:
    return "off";
  case command_action::set:
    return "set";
  case command_action::start:
    return "start";
  }
  return "on";
}

std::optional<command_action> parse_command_action(std::string_view name) {
  for (auto a :
       {command_action::on, command_action::off, command_action::set, command_action::start})
    if (to_string(a) == name)
      return a;
  return std::nullopt;
}

} // namespace hems::sim
