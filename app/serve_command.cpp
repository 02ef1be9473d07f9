// `hems serve`: the composition root. It wires the modules together and owns
// start-up and shutdown order; all behaviour lives in the modules.
//
//   PULL socket -> decoder -> sample_writer (RocksDB, group commit)
//                                  -> fleet directory -> homes -> devices
//   REST (Pistache) -> asks the directory / reads the store

#include "app/serve_command.hpp"

#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include <caf/all.hpp>
#include <zmq.hpp>

#include "actors/fleet_directory.hpp"
#include "adapters/endpoint_policy.hpp"
#include "adapters/zmq_pull_ingest.hpp"
#include "api/live_routes.hpp"
#include "api/rest_server.hpp"
#include "app/cli_options.hpp"
#include "app/recovery.hpp"
#include "core/json_writer.hpp"
#include "storage/sample_writer.hpp"

namespace hems::app {

namespace {

struct serve_config {
  std::string data_dir = "./data";
  std::string telemetry = "tcp://127.0.0.1:5555";
  std::string http_address = "127.0.0.1";
  std::uint16_t http_port = 8080;
  int http_threads = 2;
  std::size_t actor_threads = 0; ///< 0: one per core
  millis offline_after_ms = 5 * 60 * 1000;
  std::optional<std::string> ports_file;
};

constexpr const char* usage =
  "usage: hems serve [--data DIR] [--telemetry tcp://HOST:PORT] [--http HOST:PORT]\n"
  "                  [--http-threads N] [--actor-threads N] [--offline-after SECONDS]\n"
  "                  [--ports-file FILE]\n";

result<serve_config> parse_config(int argc, char** argv) {
  auto opts = cli_options::parse(std::vector<std::string>(argv, argv + argc),
                                 {"data", "telemetry", "http", "http-threads", "actor-threads",
                                  "offline-after", "ports-file"});
  if (!opts)
    return std::unexpected(opts.error());
  if (!opts->positional().empty())
    return fail(errc::invalid_input, "unexpected argument '" + opts->positional().front() + "'");
  serve_config c;
  c.data_dir = opts->get_or("data", c.data_dir);
  c.telemetry = opts->get_or("telemetry", c.telemetry);
  if (auto http = opts->get("http")) {
    auto colon = http->rfind(':');
    if (colon == std::string::npos)
      return fail(errc::invalid_input, "--http: expected HOST:PORT");
    c.http_address = http->substr(0, colon);
    try {
      auto port = std::stoul(http->substr(colon + 1));
      if (port > 65535)
        throw std::out_of_range{"port"};
      c.http_port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
      return fail(errc::invalid_input, "--http: the port must be a number from 0 to 65535");
    }
  }
  auto threads = opts->integer("http-threads", c.http_threads, 1, 64);
  auto actors = opts->integer("actor-threads", 0, 0, 256);
  auto offline = opts->integer("offline-after", 300, 1, 86400 * 365);
  for (auto* r : {&threads, &actors, &offline})
    if (!*r)
      return std::unexpected(r->error());
  c.http_threads = static_cast<int>(*threads);
  c.actor_threads = static_cast<std::size_t>(*actors);
  c.offline_after_ms = *offline * 1000;
  c.ports_file = opts->get("ports-file");
  if (auto ok = adapters::require_loopback("--telemetry", c.telemetry); !ok)
    return std::unexpected(ok.error());
  if (auto ok = adapters::require_loopback("--http", c.http_address); !ok)
    return std::unexpected(ok.error());
  return c;
}

void write_ports_file(const std::string& path, const std::string& telemetry, std::uint16_t http) {
  json_writer w;
  w.begin_object().field("telemetry", telemetry).field("http", static_cast<unsigned>(http));
  w.end_object();
  std::string tmp = path + ".tmp";
  std::ofstream{tmp} << w.str() << '\n';
  std::rename(tmp.c_str(), path.c_str()); // atomic: readers never see half a file
}

int fail_with(const error& e) {
  std::cerr << "hems serve: " << e.detail << '\n';
  return e.code == errc::invalid_input ? 2 : 1;
}

} // namespace

int run_serve_command(int argc, char** argv) {
  auto config = parse_config(argc, argv);
  if (!config) {
    std::cerr << "hems serve: " << config.error().detail << '\n' << usage;
    return 2;
  }
  // Signals are taken by sigwait below; every thread started from here on
  // inherits the blocked mask.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  metrics_registry metrics;
  auto time = std::make_shared<system_clock>();
  auto db = storage::open_rocksdb_store({.dir = config->data_dir});
  if (!db)
    return fail_with(db.error());
  auto records = (*db)->load_devices();
  if (!records)
    return fail_with(records.error());
  auto context = std::make_shared<actors::live_context>();
  context->settings.time = time;
  context->settings.offline_after_ms = config->offline_after_ms;
  context->metrics = std::make_shared<actors::live_metrics>(metrics);
  auto recovered =
    recover_devices(**db, *records, time->now_ms(), context->settings.day_start);
  if (!recovered)
    return fail_with(recovered.error());

  caf::actor_system_config caf_config;
  caf_config.set("logger.verbosity", caf::atom("quiet"));
  caf_config.set("logger.console", caf::atom("none"));
  if (config->actor_threads > 0)
    caf_config.set("scheduler.max-threads", config->actor_threads);
  caf::actor_system system{caf_config};
  auto directory = system.spawn(actors::fleet_directory_behavior, std::move(*recovered),
                                actors::live_context_ptr{context});

  storage::sample_writer writer{**db, storage::device_ledger{std::move(*records)}, metrics, {},
                                [directory](std::vector<sample>&& accepted) {
                                  caf::anon_send(directory, actors::ingest_atom::value,
                                                 std::move(accepted));
                                }};

  zmq::context_t zmq_context{1};
  adapters::telemetry_metrics telemetry_metrics{metrics};
  auto ingest = adapters::pull_ingest::start(
    zmq_context, {.endpoint = config->telemetry}, *time, telemetry_metrics,
    [&writer](std::vector<sample>&& samples, millis received) {
      writer.submit({std::move(samples), received, storage::durability::os_buffered, {}});
    });
  if (!ingest)
    return fail_with(ingest.error());

  std::atomic<bool> ready{false};
  auto services = std::make_shared<api::live_services>(api::live_services{
    system, directory, **db, metrics, [&ready] { return ready.load(); }});
  auto rest = api::rest_server::start({.address = config->http_address,
                                       .port = config->http_port,
                                       .threads = config->http_threads},
                                      api::live_routes(services), metrics);
  if (!rest) {
    (*ingest)->stop();
    return fail_with(rest.error());
  }
  ready = true;
  auto http_url = "http://" + config->http_address + ":" + std::to_string((*rest)->port());
  std::cout << "hems serve: data in " << config->data_dir << "\n"
            << "  telemetry (PUSH to)  " << (*ingest)->endpoint() << "\n"
            << "  REST API             " << http_url << "/devices?home=...  " << http_url
            << "/usage?home=...\n"
            << "  metrics              " << http_url << "/metrics\n"
            << "  listening on loopback only: authorization is not configured yet\n"
            << std::flush;
  if (config->ports_file)
    write_ports_file(*config->ports_file, (*ingest)->endpoint(), (*rest)->port());

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cout << "hems serve: stopping (signal " << signal << ")" << std::endl;
  ready = false;
  (*rest)->stop();
  (*ingest)->stop();
  writer.stop(); // commits everything already received
  caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace hems::app
