#pragma once
// `hems simulate`: plays a neighbourhood of simulated homes and pushes their
// telemetry to the server's PULL socket, in real time (forever, or for
// --duration) or fast-forward over a past or future range (--from/--to).
// See docs/SIMULATOR.md.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace hems {

struct simulate_options {
  int homes = 20;
  int devices_per_home = 10;
  double rate_hz = 1.0;
  std::string link = "hub";           ///< hub (DEALER, acknowledged) or push
  std::string endpoint;               ///< empty: the link's default
  std::optional<std::string> curve_key, server_key;
  std::uint64_t seed = 1;
  std::string time_zone = "UTC";
  bool meters = false;
  std::optional<double> duration_s; ///< real time: forever when absent
  std::optional<millis> from, to;   ///< fast-forward when present
  millis step_ms = 60'000;
  bool help = false;

  bool fast_forward() const { return from.has_value(); }
};

/// Parses the arguments after `simulate`. Errors name the option; the
/// caller prints them and exits with 2.
result<simulate_options> parse_simulate_args(std::span<const std::string_view> args);

/// Times on the command line: milliseconds since the epoch, or RFC 3339
/// ("2025-11-27T06:00:00Z", "2025-11-27T07:00:00.5+01:00").
result<millis> parse_time_arg(std::string_view text);

std::string simulate_usage();

/// The `hems simulate` subcommand; argv holds the arguments after the word
/// `simulate` (argc of them). Returns the process exit code: 0 done or
/// stopped by SIGINT/SIGTERM, 1 failed while running, 2 bad options.
int run_simulate_command(int argc, char** argv);

} // namespace hems
