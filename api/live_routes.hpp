#pragma once
// The live-path endpoints: GET /devices, GET /usage (real time and raw
// samples), /healthz, /readyz and /metrics.

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/live_settings.hpp"
#include "actors/messages.hpp"
#include "api/http.hpp"
#include "core/metrics.hpp"
#include "storage/store.hpp"

namespace hems::api {

/// What the live routes need from the rest of the server.
struct live_services {
  caf::actor_system& system;
  actors::fleet_directory_actor directory;
  storage::store& db;
  metrics_registry& metrics;
  std::function<bool()> ready;
  std::chrono::milliseconds ask_timeout{2000};
  /// GET /usage with a window resolution (api/history_routes.hpp); unset:
  /// answered 400, windows are not kept.
  std::function<http_reply(const http_request&, const std::string& home)> usage_windows = {};
  /// With a board, live views are read from it instead of asking the actors.
  actors::live_context_ptr live = {};
};

std::vector<route> live_routes(std::shared_ptr<live_services> services);

/// A home's live view from the actors; the error reply is 404 for an unknown
/// home and 503 when the actors do not answer in time.
std::expected<actors::home_view, http_reply> ask_home_view(live_services& s,
                                                           const std::string& home);

} // namespace hems::api
