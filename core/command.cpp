#include "core/command.hpp"

#include <array>

namespace hems {

namespace {
constexpr std::array<std::string_view, 4> action_names{"on", "off", "set", "start"};
constexpr std::array<std::string_view, 5> status_names{"pending", "done", "failed", "expired",
                                                       "no_hub"};
} // namespace

std::string_view to_string(command_action a) { return action_names[static_cast<std::size_t>(a)]; }
std::string_view to_string(command_status s) { return status_names[static_cast<std::size_t>(s)]; }

std::optional<command_action> parse_command_action(std::string_view name) {
  for (std::size_t i = 0; i < action_names.size(); ++i)
    if (action_names[i] == name)
      return static_cast<command_action>(i);
  return std::nullopt;
}

std::optional<command_status> parse_command_status(std::string_view name) {
  for (std::size_t i = 0; i < status_names.size(); ++i)
    if (status_names[i] == name)
      return static_cast<command_status>(i);
  return std::nullopt;
}

} // namespace hems
