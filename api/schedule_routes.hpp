#pragma once
// Schedules over REST (docs/AUTOMATION.md): POST /schedule creates one
// (validated, 404 for an unknown home or device, 409 when it breaks a safety
// rule), GET /schedule?home=H lists a home's, DELETE /schedule/{id} removes
// one. The home's scheduler is told after every change.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http.hpp"
#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/sample.hpp"
#include "storage/schedule_book.hpp"
#include "streams/automation_types.hpp"

namespace hems::api {

struct schedule_services {
  storage::schedule_book& book;
  const clock& time;
  /// Whether the home exists (an unknown one answers 404).
  std::function<bool(const std::string& home)> known_home;
  /// The kind of a device of the home; nullopt: no such device (404).
  std::function<std::optional<device_kind>(const std::string& home, const std::string& device)>
      device_kind_of;
  /// The home's safety settings (its preferences, or the defaults).
  std::function<streams::safety_settings(const std::string& home)> safety;
  /// Called after a home's schedules changed (its scheduler reloads them).
  std::function<void(const std::string& home)> changed = {};
};

std::vector<route> schedule_routes(std::shared_ptr<schedule_services> services);

/// The safety gate for commands over REST (command_services::refuse): a
/// resident may switch anything but an essential device off.
std::function<std::optional<std::string>(const command&)>
rest_command_gate(std::function<streams::safety_settings(const std::string& home)> safety);

} // namespace hems::api
