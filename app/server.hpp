#pragma once
// The hems server as one object: opens storage, recovers the devices, starts
// the actors, the write path, the telemetry socket and the REST API, and
// stops them in the reverse order. `hems serve` and the benchmarks use it.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "adapters/mqtt_adapter.hpp"
#include "api/rest_server.hpp"
#include "cluster/cluster_config.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "security/rate_limiter.hpp"

namespace hems::app {

struct server_config {
  std::string data_dir = "./data";
  std::string telemetry = "tcp://127.0.0.1:5555"; ///< PULL, fire-and-forget
  std::string hub = "tcp://127.0.0.1:5557";       ///< ROUTER, the hub link
  std::string feed = "tcp://127.0.0.1:5556";      ///< PUB, the integrator feed
  /// Acknowledged hub batches are fsynced (group commit) unless set false.
  bool hub_fsync = true;
  /// CURVE: the server's secret key file (NAME.key, NAME.pub beside it) and
  /// the directory of allowed client public keys. Both or neither.
  std::optional<std::string> curve_key;
  std::optional<std::string> curve_clients;
  /// The MQTT adapter (docs/MQTT.md): off unless set (`hems serve --mqtt URL`).
  std::optional<adapters::mqtt_adapter_options> mqtt;
  std::string http_address = "127.0.0.1";
  std::uint16_t http_port = 8080; ///< 0 picks a free port
  int http_threads = 2;
  std::size_t actor_threads = 0; ///< 0: one per core
  std::int64_t offline_after_ms = 5 * 60 * 1000;
  /// The server's clock runs this far ahead of (or behind) the machine's:
  /// every timestamp, schedule and plan moves with it (rehearsals, tests).
  std::int64_t clock_offset_ms = 0;
  // REST security and limits (docs/SECURITY.md)
  std::optional<api::tls_files> tls = std::nullopt; ///< HTTPS only, when set
  security::rate_limit per_token_limit = {};
  std::size_t max_body_bytes = 64 << 10;
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds body_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds keepalive_timeout{std::chrono::seconds(60)};
  bool reissue_admin_token = false; ///< write a new admin.token even if an admin token exists

  /// Usage windows, chunks, patterns, notifications (docs/ARCHITECTURE.md).
  bool history = true;
  /// Rendered closed days of GET /usage kept in memory (api/usage_day_cache.hpp).
  std::size_t usage_cache_bytes = 64u << 20;
  std::int64_t window_lateness_ms = 2 * 60 * 1000;
  std::int64_t window_idle_close_ms = 10 * 60 * 1000;
  /// The zone of homes that have none set (PUT /homes/{home}/time_zone).
  std::string default_time_zone = "UTC";
  std::int64_t retain_raw_days = 30;
  std::int64_t retain_minute_windows_days = 90;
  std::int64_t retain_windows_days = 3650;
  /// How often homes' aggregators look at the clock (idle homes close on it).
  std::int64_t history_tick_ms = 5000;

  /// The web dashboard's built files (web/); unset: found next to the
  /// executable (api/static_files.hpp), and `/` answers 404 when there are none.
  std::optional<std::string> web_dir;
  /// A cluster (docs/DEPLOY.md): every member, and which one this node is.
  /// Unset: a single node that owns every home (fleet queries stay local).
  std::optional<cluster::cluster_config> cluster;
  std::string node_id = "local";
  /// The address the middleman listens on (default: this member's host).
  std::optional<std::string> cluster_listen;
  /// How long a fleet query waits for each other member.
  std::chrono::milliseconds cluster_timeout{2000};
};

class server {
public:
  static result<std::unique_ptr<server>> start(const server_config& config);
  ~server();

  /// Stops taking input, commits what was received, and shuts down.
  void stop();

  const std::string& telemetry_endpoint() const;
  const std::string& hub_endpoint() const;
  const std::string& feed_endpoint() const;
  std::uint16_t http_port() const;
  metrics_registry& metrics();
  /// The admin token file written at this start, if one was.
  const std::optional<std::filesystem::path>& admin_token_file() const;

  struct parts;

private:
  explicit server(std::unique_ptr<parts> p);
  std::unique_ptr<parts> parts_;
};

} // namespace hems::app
