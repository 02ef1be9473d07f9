// `hems serve`: options, the server, and waiting for a signal to stop.

#include "app/serve_command.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "adapters/endpoint_policy.hpp"
#include "app/admin_token.hpp"
#include "app/cli_options.hpp"
#include "app/mqtt_options.hpp"
#include "app/server.hpp"
#include "cluster/cluster_config.hpp"
#include "core/json_writer.hpp"
#include "streams/local_time.hpp"

namespace hems::app {

namespace {

struct serve_config : server_config {
  std::optional<std::string> ports_file;
};

constexpr const char* usage =
  "usage: hems serve [--data DIR] [--http HOST:PORT] [--telemetry tcp://HOST:PORT]\n"
  "                  [--hub tcp://HOST:PORT] [--feed tcp://HOST:PORT] [--hub-durability fsync|buffered]\n"
  "                  [--curve-key FILE.key --curve-clients DIR] [--http-threads N]\n"
  "                  [--actor-threads N] [--offline-after SECONDS] [--ports-file FILE]\n"
  "                  [--tls-cert PEM --tls-key PEM] [--insecure-http]\n"
  "                  [--rate-limit PER_SECOND] [--rate-burst N] [--max-body BYTES]\n"
  "                  [--header-timeout S] [--body-timeout S] [--keepalive-timeout S]\n"
  "                  [--new-admin-token] [--clock-offset SECONDS]\n"
  "                  [--no-history] [--window-lateness SECONDS] [--window-idle-close SECONDS]\n"
  "                  [--time-zone ZONE] [--retain-raw-days N] [--retain-minute-windows-days N]\n"
  "                  [--retain-windows-days N] [--web-dir DIR]\n"
  "                  [--mqtt mqtt://HOST[:PORT]|mqtts://HOST[:PORT] [--mqtt-home ID]\n"
  "                   [--mqtt-client-id ID] [--mqtt-username NAME --mqtt-password-file FILE]\n"
  "                   [--mqtt-ca PEM] [--mqtt-cert PEM --mqtt-key PEM] [--mqtt-mapping FILE]\n"
  "                   [--mqtt-discovery-prefix P] [--mqtt-statestream-base B]\n"
  "                   [--mqtt-zigbee2mqtt-base B]]\n"
  "                  [--cluster FILE --node-id ID [--cluster-listen ADDR]\n"
  "                   [--cluster-timeout MS] [--cluster-private-network]]\n"
  "The REST API listens beyond loopback only with TLS (or --insecure-http behind a\n"
  "TLS proxy). The first start writes an admin token to DIR/admin.token (mode 0600);\n"
  "--new-admin-token writes a fresh one (when the file was lost).\n"
  "--clock-offset runs the server's clock that many seconds ahead (negative: behind)\n"
  "of the machine's, for rehearsing a later hour; hubs must stamp samples likewise.\n"
  "--mqtt reads the devices of an MQTT broker (Home Assistant, Zigbee2MQTT, Shelly,\n"
  "Tasmota, or a mapping file) into the home --mqtt-home and sends their commands\n"
  "back (docs/MQTT.md). A prefix or base of \"none\" turns that ecosystem off.\n"
  "--cluster makes this process the member --node-id of the cluster the file lists\n"
  "(docs/DEPLOY.md): it owns its share of the homes, redirects hubs of other homes,\n"
  "and answers fleet queries with every member. Nodes talk unencrypted: beyond\n"
  "loopback only on a private network (--cluster-private-network).\n";

// --cluster FILE --node-id ID: this process is one member of the file's cluster.
result<void> cluster_options(const cli_options& opts, serve_config& c) {
  auto file = opts.get("cluster");
  auto id = opts.get("node-id");
  if (!file) {
    for (const char* name : {"node-id", "cluster-listen", "cluster-timeout"})
      if (opts.has(name))
        return fail(errc::invalid_input, std::string{"--"} + name + " needs --cluster FILE");
    return {};
  }
  if (!id)
    return fail(errc::invalid_input, "--cluster needs --node-id: which member this process is");
  auto config = cluster::load_cluster_config(*file);
  if (!config)
    return fail(errc::invalid_input, "--cluster " + config.error().detail);
  const auto* self = config->find(*id);
  if (!self)
    return fail(errc::invalid_input, "--node-id: '" + *id + "' is not a member of " + *file);
  auto timeout = opts.integer("cluster-timeout", 2000, 50, 60'000);
  if (!timeout)
    return std::unexpected(timeout.error());
  c.cluster_timeout = std::chrono::milliseconds(*timeout);
  c.cluster_listen = opts.get("cluster-listen");
  auto listen = c.cluster_listen.value_or(self->host);
  if (!opts.has("cluster-private-network") &&
      !adapters::is_loopback_endpoint("tcp://" + listen + ":" + std::to_string(self->port)))
    return fail(errc::invalid_input,
                "--cluster: member " + *id + " listens on " + listen +
                  ", not a loopback address: nodes talk unencrypted, so beyond loopback they "
                  "need --cluster-private-network (a network only the nodes reach)");
  c.node_id = *id;
  c.cluster = std::move(*config);
  return {};
}

result<serve_config> parse_config(int argc, char** argv) {
  std::set<std::string> with_value{"data", "telemetry", "hub", "feed", "hub-durability", "curve-key", "curve-clients", "http",
     "http-threads", "actor-threads", "offline-after", "ports-file", "tls-cert", "tls-key",
     "rate-limit", "rate-burst", "max-body", "header-timeout", "body-timeout", "keepalive-timeout",
     "window-lateness", "window-idle-close", "time-zone", "retain-raw-days",
     "retain-minute-windows-days", "retain-windows-days", "web-dir", "cluster", "node-id",
     "cluster-listen", "cluster-timeout", "clock-offset"};
  with_value.insert(mqtt_option_names().begin(), mqtt_option_names().end());
  auto opts = cli_options::parse(std::vector<std::string>(argv, argv + argc), with_value,
                                 {"insecure-http", "new-admin-token", "no-history",
                                  "cluster-private-network"});
  if (!opts)
    return std::unexpected(opts.error());
  if (!opts->positional().empty())
    return fail(errc::invalid_input, "unexpected argument '" + opts->positional().front() + "'");
  serve_config c;
  c.data_dir = opts->get_or("data", c.data_dir);
  c.telemetry = opts->get_or("telemetry", c.telemetry);
  c.hub = opts->get_or("hub", c.hub);
  c.feed = opts->get_or("feed", c.feed);
  auto durability = opts->get_or("hub-durability", "fsync");
  if (durability != "fsync" && durability != "buffered")
    return fail(errc::invalid_input, "--hub-durability: expected fsync or buffered");
  c.hub_fsync = durability == "fsync";
  c.curve_key = opts->get("curve-key");
  c.curve_clients = opts->get("curve-clients");
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
  auto rate = opts->integer("rate-limit", 50, 0, 1'000'000'000);
  auto burst = opts->integer("rate-burst", 100, 1, 1'000'000'000);
  auto max_body = opts->integer("max-body", 64 << 10, 1024, 16 << 20);
  auto header_timeout = opts->integer("header-timeout", 10, 1, 3600);
  auto body_timeout = opts->integer("body-timeout", 10, 1, 3600);
  auto keepalive_timeout = opts->integer("keepalive-timeout", 60, 1, 3600);
  auto clock_offset = opts->integer("clock-offset", 0, -10LL * 365 * 86400, 10LL * 365 * 86400);
  for (auto* r : {&threads, &actors, &offline, &rate, &burst, &max_body, &header_timeout,
                  &body_timeout, &keepalive_timeout, &clock_offset})
    if (!*r)
      return std::unexpected(r->error());
  c.http_threads = static_cast<int>(*threads);
  c.actor_threads = static_cast<std::size_t>(*actors);
  c.offline_after_ms = *offline * 1000;
  c.clock_offset_ms = *clock_offset * 1000;
  c.per_token_limit = {.per_second = static_cast<double>(*rate),
                       .burst = static_cast<double>(*burst)};
  c.max_body_bytes = static_cast<std::size_t>(*max_body);
  c.header_timeout = std::chrono::seconds(*header_timeout);
  c.body_timeout = std::chrono::seconds(*body_timeout);
  c.keepalive_timeout = std::chrono::seconds(*keepalive_timeout);
  c.ports_file = opts->get("ports-file");
  c.history = !opts->has("no-history");
  auto lateness = opts->integer("window-lateness", c.window_lateness_ms / 1000, 0, 86400);
  auto idle = opts->integer("window-idle-close", c.window_idle_close_ms / 1000, 1, 86400 * 7);
  auto raw_days = opts->integer("retain-raw-days", c.retain_raw_days, 1, 36500);
  auto minute_days = opts->integer("retain-minute-windows-days", c.retain_minute_windows_days, 1, 36500);
  auto window_days = opts->integer("retain-windows-days", c.retain_windows_days, 1, 36500);
  for (auto* r : {&lateness, &idle, &raw_days, &minute_days, &window_days})
    if (!*r)
      return std::unexpected(r->error());
  c.window_lateness_ms = *lateness * 1000;
  c.window_idle_close_ms = *idle * 1000;
  c.retain_raw_days = *raw_days;
  c.retain_minute_windows_days = *minute_days;
  c.retain_windows_days = *window_days;
  c.default_time_zone = opts->get_or("time-zone", c.default_time_zone);
  if (!streams::local_zone::from_name(c.default_time_zone))
    return fail(errc::invalid_input, "--time-zone: unknown time zone '" + c.default_time_zone + "'");
  c.reissue_admin_token = opts->has("new-admin-token");
  c.web_dir = opts->get("web-dir");
  auto mqtt = mqtt_options_from(*opts);
  if (!mqtt)
    return std::unexpected(mqtt.error());
  c.mqtt = std::move(*mqtt);
  auto cert = opts->get("tls-cert");
  auto key = opts->get("tls-key");
  if (cert.has_value() != key.has_value())
    return fail(errc::invalid_input, "--tls-cert and --tls-key go together");
  if (cert)
    c.tls = api::tls_files{*cert, *key};
  // Beyond loopback, the ZeroMQ links need CURVE (keys and an allow-list).
  if (!c.curve_key || !c.curve_clients)
    for (auto [name, endpoint] : {std::pair{"--telemetry", c.telemetry}, {"--hub", c.hub},
                                  {"--feed", c.feed}})
      if (!adapters::is_loopback_endpoint(endpoint))
        return fail(errc::invalid_input,
                    std::string{name} + " " + endpoint +
                      " is not a loopback address: beyond loopback the ZeroMQ links require "
                      "CURVE (--curve-key and --curve-clients; see `hems keys`)");
  if (auto ok = cluster_options(*opts, c); !ok)
    return std::unexpected(ok.error());
  if (auto ok = adapters::require_tls_beyond_loopback("--http", c.http_address, c.tls.has_value(),
                                                      opts->has("insecure-http"));
      !ok)
    return std::unexpected(ok.error());
  return c;
}

void write_ports_file(const std::string& path, server& s) {
  json_writer w;
  w.begin_object()
    .field("telemetry", s.telemetry_endpoint())
    .field("hub", s.hub_endpoint())
    .field("feed", s.feed_endpoint())
    .field("http", static_cast<unsigned>(s.http_port()));
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

  auto srv = server::start(*config);
  if (!srv)
    return fail_with(srv.error());
  auto http_url = std::string{config->tls ? "https://" : "http://"} + config->http_address + ":" +
                  std::to_string((*srv)->http_port());
  auto token_file = std::filesystem::path{config->data_dir} / admin_token_file_name;
  std::cout << "hems serve: data in " << config->data_dir << "\n"
            << "  telemetry (PUSH to)  " << (*srv)->telemetry_endpoint() << "\n"
            << "  hub link (DEALER to) " << (*srv)->hub_endpoint() << "\n"
            << "  feed (SUB to)        " << (*srv)->feed_endpoint() << "\n"
            << "  REST API             " << http_url << "/devices?home=...  " << http_url
            << "/usage?home=...\n"
            << "  metrics              " << http_url << "/metrics\n"
            << (config->mqtt ? "  MQTT broker          " +
                                 std::string{config->mqtt->broker.tls ? "mqtts://" : "mqtt://"} +
                                 config->mqtt->broker.host + ":" +
                                 std::to_string(config->mqtt->broker.port) + " (devices into home " +
                                 config->mqtt->default_home + ")\n"
                             : std::string{})
            << (config->cluster ? "  cluster              member " + config->node_id + " of " +
                                    std::to_string(config->cluster->members.size()) + " nodes\n"
                                : std::string{})
            << (config->curve_key
                  ? "  ZeroMQ links: CURVE, clients allowed from " + *config->curve_clients + "\n"
                  : std::string{"  ZeroMQ links: loopback only (no CURVE keys configured)\n"});
  if ((*srv)->admin_token_file())
    std::cout << "  admin token          written to " << token_file.string()
              << " (mode 0600; keep it secret)\n";
  else if (std::filesystem::exists(token_file))
    std::cout << "  admin token          in " << token_file.string() << "\n";
  else
    std::cout << "  admin token          " << token_file.string()
              << " is gone; --new-admin-token writes a new one\n";
  std::cout << "  try                  curl" << (config->tls ? " --cacert CERT" : "")
            << " -H \"Authorization: Bearer $(cat " << token_file.string() << ")\" '" << http_url
            << "/tokens'\n"
            << std::flush;
  if (config->ports_file)
    write_ports_file(*config->ports_file, **srv);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cout << "hems serve: stopping (signal " << signal << ")" << std::endl;
  (*srv)->stop();
  return 0;
}

} // namespace hems::app
