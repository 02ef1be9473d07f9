#pragma once
// The safety gate every command passes, whoever sends it (docs/AUTOMATION.md
// "Safety"): essential devices are never switched off, protected ones never
// touched by automation, compressors keep their minimum on and off times, and
// a resident's manual change wins over automation for a while. Plain C++: the
// scheduler, the REST command route and (later) demand response call it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/sample.hpp"
#include "streams/automation_types.hpp"

namespace hems::streams {

/// Who asks for a command. `rest` is a resident or operator over POST
/// /commands; the others are automation.
enum class command_source : std::uint8_t { rest, schedule, optimizer, demand_response };

std::string_view to_string(command_source s);
inline bool automated(command_source s) {
  return s != command_source::rest;
}

/// What the gate knows of one device.
struct device_safety_state {
  std::string device;
  std::string name; ///< as the hub names it; may be empty
  device_kind kind = device_kind::unknown;
  device_state state = device_state::unknown;
  millis state_since_ms = 0; ///< when it last changed between on and off (0: unknown, long ago)
  /// The last command automation sent it, and when.
  std::optional<command_action> last_automated;
  millis last_automated_ms = 0;
  bool followed = false; ///< the device reached the state of the last automated command
  /// The last manual change against automation (a resident switched it back).
  std::optional<millis> manual_change_ms;
};

/// Why a command may not go; `code` is the REST error code (always "safety").
struct safety_refusal {
  std::string rule;   ///< essential, protected, min_on, min_off, manual_override
  std::string detail; ///< "fridge is essential: automation never switches it off"
};

/// Essential: in the settings' list, or its id or name says fridge, freezer or medical.
bool is_essential(const safety_settings& settings, std::string_view device, std::string_view name);
bool is_protected(const safety_settings& settings, std::string_view device);

/// Whether `action` may go to the device now; the refusal when not.
std::optional<safety_refusal> check_command(const safety_settings& settings,
                                            const device_safety_state& device,
                                            command_action action, command_source source,
                                            millis now);

/// A schedule's effect on a device, checked when it is created: an `off`
/// (or a window, which switches off outside it) of an essential device, or
/// anything on a protected one, is refused.
std::optional<safety_refusal> check_schedule_target(const safety_settings& settings,
                                                    std::string_view device, std::string_view name,
                                                    bool switches_off);

/// Records that automation sent `action` (the gate allowed it).
void note_automated(device_safety_state& device, command_action action, millis at);

/// Records a reported on/off state. Returns true when it is a manual change
/// against the last automated command: the device had followed it and is now
/// switched back. Automation then leaves it alone for manual_override_ms.
bool note_state(device_safety_state& device, device_state state, millis at);

} // namespace hems::streams
