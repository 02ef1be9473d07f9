#pragma once
// Commands over REST: POST /commands sends one to a device through its
// home's hub; GET /commands?home=H lists a home's commands and outcomes.

#include <functional>
#include <memory>
#include <vector>

#include "api/http.hpp"
#include "core/clock.hpp"
#include "core/command.hpp"
#include "storage/store.hpp"

namespace hems::api {

struct command_services {
  storage::store& db;
  const clock& time;
  std::function<void(command)> send;
  /// Whether the device exists in the home (unknown devices answer 404).
  std::function<bool(const std::string& home, const std::string& device)> known_device;
  /// The safety gate (streams/safety.hpp): why a command may not go (409), if it may not.
  std::function<std::optional<std::string>(const command&)> refuse = {};
};

std::vector<route> command_routes(std::shared_ptr<command_services> services);

/// A command record as JSON (REST and the feed).
std::string command_json(const command_record& r);

} // namespace hems::api
