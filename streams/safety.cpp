#include "streams/safety.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hems::streams {

namespace {

bool contains_word(std::string_view text, std::string_view word) {
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  auto it = std::search(text.begin(), text.end(), word.begin(), word.end(),
                        [&](char a, char b) { return lower(a) == b; });
  return it != text.end();
}

bool named_essential(std::string_view text) {
  constexpr std::array<std::string_view, 3> words = {"fridge", "freezer", "medical"};
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return contains_word(text, w); });
}

std::string minutes(millis ms) {
  return std::to_string((ms + 59'999) / 60'000) + " min";
}

safety_refusal refuse(std::string rule, std::string detail) {
  return safety_refusal{std::move(rule), std::move(detail)};
}

bool switches_on(command_action a) {
  return a == command_action::on || a == command_action::start;
}

} // namespace

std::string_view to_string(command_source s) {
  switch (s) {
  case command_source::rest:
    return "rest";
  case command_source::schedule:
    return "schedule";
  case command_source::optimizer:
    return "optimizer";
  case command_source::demand_response:
    return "demand_response";
  }
  return "rest";
}

bool is_essential(const safety_settings& settings, std::string_view device, std::string_view name) {
  return settings.essential_devices.contains(device) || named_essential(device) ||
         named_essential(name);
}

bool is_protected(const safety_settings& settings, std::string_view device) {
  return settings.protected_devices.contains(device);
}

std::optional<safety_refusal> check_command(const safety_settings& settings,
                                            const device_safety_state& d, command_action action,
                                            command_source source, millis now) {
  if (action == command_action::off && is_essential(settings, d.device, d.name))
    return refuse("essential", d.device + " is essential: it is never switched off");
  if (!automated(source))
    return std::nullopt; // a resident's own command is a manual change itself
  if (is_protected(settings, d.device))
    return refuse("protected", d.device + " is protected: automation never touches it");
  if (d.manual_change_ms && now < *d.manual_change_ms + settings.manual_override_ms)
    return refuse("manual_override",
                  d.device + " was changed by hand: automation leaves it alone for another " +
                      minutes(*d.manual_change_ms + settings.manual_override_ms - now));
  if (action == command_action::off && d.state == device_state::on &&
      now < d.state_since_ms + settings.min_on_ms)
    return refuse("min_on", d.device + " must stay on for another " +
                                minutes(d.state_since_ms + settings.min_on_ms - now));
  if (switches_on(action) && d.state == device_state::off &&
      now < d.state_since_ms + settings.min_off_ms)
    return refuse("min_off", d.device + " must stay off for another " +
                                 minutes(d.state_since_ms + settings.min_off_ms - now));
  return std::nullopt;
}

std::optional<safety_refusal> check_schedule_target(const safety_settings& settings,
                                                    std::string_view device, std::string_view name,
                                                    bool switches_off) {
  std::string id{device};
  if (switches_off && is_essential(settings, device, name))
    return refuse("essential", id + " is essential: automation never switches it off");
  if (is_protected(settings, device))
    return refuse("protected", id + " is protected: automation never touches it");
  return std::nullopt;
}

void note_automated(device_safety_state& d, command_action action, millis at) {
  d.last_automated = action;
  d.last_automated_ms = at;
  d.followed = (action == command_action::off && d.state == device_state::off) ||
               (switches_on(action) && d.state == device_state::on);
}

bool note_state(device_safety_state& d, device_state state, millis at) {
  if (state != device_state::on && state != device_state::off)
    return false;
  if (state == d.state)
    return false;
  bool was_known = d.state == device_state::on || d.state == device_state::off;
  d.state = state;
  // The first state seen has lasted for an unknown time: count it as old, so
  // a scheduler that just started does not hold every device for min on/off.
  d.state_since_ms = was_known ? at : 0;
  if (!was_known || !d.last_automated || at < d.last_automated_ms)
    return false;
  bool wanted_on = switches_on(*d.last_automated);
  bool wanted_off = *d.last_automated == command_action::off;
  bool matches =
      (wanted_on && state == device_state::on) || (wanted_off && state == device_state::off);
  if (matches) {
    d.followed = true;
    return false;
  }
  if (!d.followed || (!wanted_on && !wanted_off))
    return false;
  // Followed the command, now switched back: a resident's hand.
  d.manual_change_ms = at;
  d.followed = false;
  d.last_automated.reset();
  return true;
}

} // namespace hems::streams
