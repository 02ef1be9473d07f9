// `hems serve`: options, the server, and waiting for a signal to stop.

#include "app/serve_command.hpp"

#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "adapters/endpoint_policy.hpp"
#include "app/cli_options.hpp"
#include "app/server.hpp"
#include "core/json_writer.hpp"
#include "streams/local_time.hpp"

namespace hems::app {

namespace {

struct serve_config : server_config {
  std::optional<std::string> ports_file;
};

constexpr const char* usage =
  "usage: hems serve [--data DIR] [--telemetry tcp://HOST:PORT] [--http HOST:PORT]\n"
  "                  [--http-threads N] [--actor-threads N] [--offline-after SECONDS]\n"
  "                  [--ports-file FILE]\n"
  "                  [--no-history] [--window-lateness SECONDS] [--window-idle-close SECONDS]\n"
  "                  [--time-zone ZONE] [--retain-raw-days N] [--retain-minute-windows-days N]\n"
  "                  [--retain-windows-days N]\n";

result<serve_config> parse_config(int argc, char** argv) {
  auto opts = cli_options::parse(
    std::vector<std::string>(argv, argv + argc),
    {"data", "telemetry", "http", "http-threads", "actor-threads", "offline-after", "ports-file",
     "window-lateness", "window-idle-close", "time-zone", "retain-raw-days",
     "retain-minute-windows-days", "retain-windows-days"},
    {"no-history"});
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

  auto srv = server::start(*config);
  if (!srv)
    return fail_with(srv.error());
  auto http_url = "http://" + config->http_address + ":" + std::to_string((*srv)->http_port());
  std::cout << "hems serve: data in " << config->data_dir << "\n"
            << "  telemetry (PUSH to)  " << (*srv)->telemetry_endpoint() << "\n"
            << "  REST API             " << http_url << "/devices?home=...  " << http_url
            << "/usage?home=...\n"
            << "  metrics              " << http_url << "/metrics\n"
            << "  listening on loopback only: authorization is not configured yet\n"
            << std::flush;
  if (config->ports_file)
    write_ports_file(*config->ports_file, (*srv)->telemetry_endpoint(), (*srv)->http_port());

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cout << "hems serve: stopping (signal " << signal << ")" << std::endl;
  (*srv)->stop();
  return 0;
}

} // namespace hems::app
