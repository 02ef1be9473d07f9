#pragma once
// The whole REST API in-process, as the server builds it (api::rest_api over
// a real RocksDB store and a real actor system), with a manual clock and two
// homes: "h-own" and "h-other". Everything of h-other carries the marker
// "other-secret" (its device, its tokens' labels), so a response that leaks
// it is easy to spot. Requests go straight to the guarded route handlers:
// the same table and the same checks the server runs behind Pistache.

#include <caf/all.hpp>

#include "actors/fleet_directory.hpp"
#include "actors/live_board.hpp"
#include "api/dr_routes.hpp"
#include "api/fleet_routes.hpp"
#include "api/cluster_routes.hpp"
#include "api/rest_api.hpp"
#include "cluster/cluster_node.hpp"
#include "cluster/fleet_live.hpp"
#include "tests/support/temp_dir.hpp"

namespace hems::test {

inline constexpr millis api_t0 = 1795737600000; // 2026-11-27T00:00:00Z
inline constexpr const char* own_home = "h-own";
inline constexpr const char* other_home = "h-other";
inline constexpr const char* secret_marker = "other-secret";

struct api_fixture {
  explicit api_fixture(security::rate_limit limit = {.per_second = 0, .burst = 1}) {
    db = std::move(*storage::open_rocksdb_store({.dir = dir.path()}));
    config.set("logger.verbosity", caf::atom("quiet"));
    config.set("logger.console", caf::atom("none"));
    config.set("scheduler.max-threads", 2);
    system = std::make_unique<caf::actor_system>(config);
    auto context = std::make_shared<actors::live_context>();
    context->settings.time = time;
    context->metrics = std::make_shared<actors::live_metrics>(metrics);
    std::vector<actors::recovered_device> devices;
    auto batch = db->new_batch();
    // heat-pump: the device of the documented POST /commands example.
    for (auto [home, device] : {std::pair{own_home, "own-fridge"},
                                {other_home, "other-secret-device"},
                                {own_home, "heat-pump"},
                                {other_home, "heat-pump"}}) {
      sample s;
      s.home = home;
      s.device = device;
      s.ts_ms = api_t0 - 1000;
      s.power_w = 120;
      s.seq = 1;
      s.kind = device_kind::appliance;
      s.state = device_state::on;
      batch->put_sample(s);
      actors::device_status status;
      status.device = device;
      status.kind = s.kind;
      status.memo.last = s;
      status.memo.day = streams::utc_day_start(s.ts_ms);
      status.last_seen_ms = s.ts_ms;
      devices.push_back({home, status});
      board->put(home, status);
    }
    (void)db->commit(*batch, storage::durability::os_buffered);
    directory = system->spawn(actors::fleet_directory_behavior, std::move(devices),
                              actors::live_context_ptr{context});
    auto live = std::make_shared<api::live_services>(
      api::live_services{*system, directory, *db, metrics, [] { return true; }});
    auto commands = std::make_shared<api::command_services>(api::command_services{
      *db, *time, [this](command c) { sent_commands.push_back(std::move(c)); },
      [live](const std::string& home, const std::string& device) {
        auto view = api::ask_home_view(*live, home);
        return view && std::any_of(view->devices.begin(), view->devices.end(),
                                   [&](const auto& d) { return d.status.device == device; });
      }});
    commands->refuse = api::rest_command_gate([](const std::string&) { return streams::safety_settings{}; });
    schedules = std::move(*storage::schedule_book::open(*db));
    auto schedule_services = std::make_shared<api::schedule_services>(api::schedule_services{
      *schedules, *time,
      [live](const std::string& home) { return api::ask_home_view(*live, home).has_value(); },
      [live](const std::string& home, const std::string& device) -> std::optional<device_kind> {
        auto view = api::ask_home_view(*live, home);
        if (view)
          for (const auto& d : view->devices)
            if (d.status.device == device)
              return d.status.kind;
        return std::nullopt;
      },
      [](const std::string&) { return streams::safety_settings{}; }});
    auto history = std::make_shared<api::history_services>(
      api::history_services{*system, directory, *db, "UTC"});
    live->usage_windows = [history](const api::http_request& req, const std::string& home) {
      return api::usage_windows(*history, req, home);
    };
    api::rest_api_options options;
    options.per_token_limit = limit;
    options.schedules = schedule_services;
    api = std::make_unique<api::rest_api>(*db, *time, metrics, live, commands, history, options);
    events = std::make_shared<api::event_hub>(
      *time, metrics, [live](const std::string& home) -> std::optional<actors::home_view> {
        auto view = api::ask_home_view(*live, home);
        return view ? std::optional{*view} : std::nullopt;
      });
    api->serve_events(events);
    api->add(api::fleet_routes(std::make_shared<api::fleet_services>(api::fleet_services{
      *db, *time, api::local_fleet_source(board, context->settings, db->history()), nullptr})));
    api->add(api::dr_routes(std::make_shared<api::dr_services>(api::dr_services{
      *db, *time, [this](const streams::dr_event& e) { dr_changes.push_back(e); }, nullptr,
      "UTC"})));
    // The cluster's routes, on a node of one (as `hems serve` without --cluster).
    auto node = std::make_shared<cluster::node_context>();
    node->config = cluster::single_node_config("local");
    node->self_id = "local";
    node->networked = false;
    node->handlers[cluster::live_query_kind] = cluster::live_fleet_handler(context);
    cluster_node = system->spawn(cluster::cluster_node_behavior, cluster::node_context_ptr{node});
    api->add(api::cluster_routes(
      std::make_shared<api::cluster_services>(api::cluster_services{*system, cluster_node})));
    admin = issue(security::role::admin, {}).text;
  }

  ~api_fixture() {
    api.reset();
    caf::anon_send_exit(cluster_node, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
  }

  security::issued_token issue(security::role r, std::vector<std::string> homes,
                               std::optional<millis> expires = {}, std::string label = "") {
    bool other = std::find(homes.begin(), homes.end(), other_home) != homes.end();
    auto scope = homes.empty() ? security::home_scope::everything()
                               : security::home_scope::of(std::move(homes));
    return *api->tokens().issue({.role = r,
                                 .scope = std::move(scope),
                                 .expires_ms = expires,
                                 .label = other ? label + " " + secret_marker + "-label" : label},
                                "fixture");
  }

  const api::route& find(const std::string& method, const std::string& path) {
    if (routes.empty())
      routes = api->routes();
    for (const auto& r : routes)
      if (r.method == method && r.path == path)
        return r;
    throw std::runtime_error("no route " + method + " " + path);
  }

  temp_dir dir;
  std::unique_ptr<storage::store> db;
  std::unique_ptr<storage::schedule_book> schedules;
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>(api_t0);
  metrics_registry metrics;
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  actors::fleet_directory_actor directory;
  std::shared_ptr<api::event_hub> events; ///< GET /events
  cluster::cluster_node_actor cluster_node;
  std::unique_ptr<api::rest_api> api;
  std::vector<api::route> routes;
  std::string admin; ///< an admin token's text
  std::vector<command> sent_commands; ///< what POST /commands handed to the hub link
  /// The fleet views' live state (the fixture's devices).
  std::shared_ptr<actors::live_board> board = std::make_shared<actors::live_board>();
  std::vector<streams::dr_event> dr_changes; ///< what the DR routes handed to the coordinator
};

inline api::http_request make_request(const std::string& method, const std::string& path,
                                      std::optional<std::string> token = {}) {
  api::http_request req;
  req.method = method;
  req.path = path;
  req.remote = "127.0.0.1";
  if (token)
    req.headers["authorization"] = "Bearer " + *token;
  return req;
}

} // namespace hems::test
