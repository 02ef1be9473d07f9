// The composition root: wires the modules together and owns start-up and
// shutdown order; all behaviour lives in the modules.
//
//   PULL socket -> decoder -> sample_writer (RocksDB, group commit)
//                                  -> fleet directory -> homes -> devices
//   REST (Pistache) -> asks the directory / reads the store

#include "app/server.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include "actors/fleet_directory.hpp"
#include "adapters/zmq_pull_ingest.hpp"
#include "api/live_routes.hpp"
#include "api/rest_api.hpp"
#include "api/rest_server.hpp"
#include "app/admin_token.hpp"
#include "app/recovery.hpp"
#include "storage/sample_writer.hpp"

namespace hems::app {

// Members are destroyed in reverse order: REST and sockets first, storage last.
struct server::parts {
  metrics_registry metrics;
  std::shared_ptr<system_clock> time = std::make_shared<system_clock>();
  std::unique_ptr<storage::store> db;
  caf::actor_system_config caf_config; // the actor system keeps a reference to it
  std::unique_ptr<caf::actor_system> system;
  actors::fleet_directory_actor directory;
  std::unique_ptr<storage::sample_writer> writer;
  zmq::context_t zmq_context{1};
  std::unique_ptr<adapters::telemetry_metrics> telemetry_metrics;
  std::unique_ptr<adapters::pull_ingest> ingest;
  std::atomic<bool> ready{false};
  std::unique_ptr<api::rest_api> api;
  std::optional<std::filesystem::path> admin_token_file;
  std::unique_ptr<api::rest_server> rest;
  bool stopped = false;
};

result<std::unique_ptr<server>> server::start(const server_config& config) {
  auto p = std::make_unique<parts>();
  auto db = storage::open_rocksdb_store({.dir = config.data_dir});
  if (!db)
    return std::unexpected(db.error());
  p->db = std::move(*db);
  auto records = p->db->load_devices();
  if (!records)
    return std::unexpected(records.error());

  auto context = std::make_shared<actors::live_context>();
  context->settings.time = p->time;
  context->settings.offline_after_ms = config.offline_after_ms;
  context->metrics = std::make_shared<actors::live_metrics>(p->metrics);
  auto recovered = recover_devices(*p->db, *records, p->time->now_ms(), context->settings.day_start);
  if (!recovered)
    return std::unexpected(recovered.error());

  p->caf_config.set("logger.verbosity", caf::atom("quiet"));
  p->caf_config.set("logger.console", caf::atom("none"));
  if (config.actor_threads > 0)
    p->caf_config.set("scheduler.max-threads", config.actor_threads);
  p->system = std::make_unique<caf::actor_system>(p->caf_config);
  p->directory = p->system->spawn(actors::fleet_directory_behavior, std::move(*recovered),
                                  actors::live_context_ptr{context});

  p->writer = std::make_unique<storage::sample_writer>(
    *p->db, storage::device_ledger{std::move(*records)}, p->metrics, storage::writer_options{},
    [directory = p->directory](std::vector<sample>&& accepted) {
      caf::anon_send(directory, actors::ingest_atom::value, std::move(accepted));
    });

  p->telemetry_metrics = std::make_unique<adapters::telemetry_metrics>(p->metrics);
  auto ingest = adapters::pull_ingest::start(
    p->zmq_context, {.endpoint = config.telemetry}, *p->time, *p->telemetry_metrics,
    [writer = p->writer.get()](std::vector<sample>&& samples, millis received) {
      writer->submit({std::move(samples), received, storage::durability::os_buffered, {}});
    });
  if (!ingest)
    return std::unexpected(ingest.error());
  p->ingest = std::move(*ingest);

  auto services = std::make_shared<api::live_services>(
    api::live_services{*p->system, p->directory, *p->db, p->metrics,
                       [ready = &p->ready] { return ready->load(); }});
  p->api = std::make_unique<api::rest_api>(*p->db, *p->time, p->metrics, services,
                                           api::rest_api_options{config.per_token_limit});
  auto admin = ensure_admin_token(p->api->tokens(), p->api->audit(), config.data_dir,
                                  config.reissue_admin_token);
  if (!admin)
    return std::unexpected(admin.error());
  p->admin_token_file = *admin;
  auto rest = api::rest_server::start({.address = config.http_address,
                                       .port = config.http_port,
                                       .threads = config.http_threads,
                                       .max_body_bytes = config.max_body_bytes,
                                       .tls = config.tls,
                                       .header_timeout = config.header_timeout,
                                       .body_timeout = config.body_timeout,
                                       .keepalive_timeout = config.keepalive_timeout},
                                      p->api->routes(), p->metrics);
  if (!rest)
    return std::unexpected(rest.error());
  p->rest = std::move(*rest);
  p->ready = true;
  return std::unique_ptr<server>{new server{std::move(p)}};
}

server::server(std::unique_ptr<parts> p) : parts_(std::move(p)) {}

server::~server() { stop(); }

void server::stop() {
  auto& p = *parts_;
  if (p.stopped)
    return;
  p.stopped = true;
  p.ready = false;
  p.rest->stop();
  p.ingest->stop();
  p.writer->stop(); // commits everything already received
  caf::anon_send_exit(p.directory, caf::exit_reason::user_shutdown);
}

const std::string& server::telemetry_endpoint() const { return parts_->ingest->endpoint(); }
std::uint16_t server::http_port() const { return parts_->rest->port(); }
metrics_registry& server::metrics() { return parts_->metrics; }
const std::optional<std::filesystem::path>& server::admin_token_file() const {
  return parts_->admin_token_file;
}

} // namespace hems::app
