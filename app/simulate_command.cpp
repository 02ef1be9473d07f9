#include "app/simulate_command.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "adapters/curve.hpp"
#include "core/time_format.hpp"
#include "sim/hub_sender.hpp"
#include "sim/neighbourhood.hpp"
#include "sim/playback.hpp"
#include "sim/push_sender.hpp"

namespace hems {

namespace {

template <class Int> bool parse_int(std::string_view s, Int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && std::isfinite(out);
}

error bad(std::string_view option, std::string what) {
  return error{errc::invalid_input, std::string{option} + ": " + std::move(what)};
}

std::string quoted(std::string_view v) {
  // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on "'" + s + "'".
  std::string q;
  q.reserve(v.size() + 2);
  q.push_back('\'');
  q.append(v);
  q.push_back('\'');
  return q;
}

} // namespace

result<millis> parse_time_arg(std::string_view text) {
  if (auto t = parse_time(text); t && *t >= 0)
    return *t;
  return fail(errc::invalid_input,
              "expected milliseconds since the epoch or RFC 3339 like 2025-11-27T06:00:00Z");
}

std::string simulate_usage() {
  return R"(usage: hems simulate [options]

Plays simulated homes and sends their telemetry to a hems server: over the hub
link by default (acknowledged, and the simulated devices obey commands), or
fire-and-forget to the PULL socket with --link push.

  --homes N              homes in the neighbourhood (default 20)
  --devices-per-home K   devices per home, picked from a realistic mix (default 10)
  --rate HZ              samples per device per second, e.g. 0.1 (default 1)
  --link hub|push        hub link (DEALER, default) or fire-and-forget PUSH
  --endpoint E           the server's socket (default tcp://127.0.0.1:5557 for hub,
                         tcp://127.0.0.1:5555 for push)
  --curve-key FILE       this simulator's CURVE secret key (NAME.key; `hems keys`)
  --server-key FILE      the server's CURVE public key (NAME.pub)
  --seed S               same seed, same homes and samples (default 1)
  --tz ZONE              the homes' time zone: UTC, +01:00, Europe/Berlin (default UTC)
  --meter                add a whole-home meter to each home
  --duration SECONDS     stop after this long (default: until SIGINT or SIGTERM)
  --from T --to T        fast-forward: every step of [from, to) as fast as possible;
                         T is ms since the epoch or RFC 3339 (2025-11-27T06:00:00Z)
  --step-ms MS           fast-forward step (default 60000)
  --help                 this text
)";
}

result<simulate_options> parse_simulate_args(std::span<const std::string_view> args) {
  simulate_options o;
  bool rate_given = false, step_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view name = arg, value;
    bool has_inline_value = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_inline_value = true;
    }
    if (name == "--help" || name == "-h") {
      o.help = true;
      continue;
    }
    if (name == "--meter") {
      if (has_inline_value)
        return std::unexpected(bad(name, "takes no value"));
      o.meters = true;
      continue;
    }
    static constexpr std::string_view with_value[] = {
        "--homes", "--devices-per-home", "--rate", "--endpoint",  "--seed",       "--tz",
        "--duration", "--from",          "--to",   "--step-ms", "--link", "--curve-key",
        "--server-key"};
    if (std::find(std::begin(with_value), std::end(with_value), name) == std::end(with_value))
      return std::unexpected(
          error{errc::invalid_input, "unknown option " + quoted(arg) + " (see --help)"});
    if (!has_inline_value) {
      if (i + 1 >= args.size())
        return std::unexpected(bad(name, "missing value"));
      value = args[++i];
    }

    if (name == "--homes" || name == "--devices-per-home") {
      int n = 0;
      int most = name == "--homes" ? 100'000 : 10'000;
      if (!parse_int(value, n) || n < 1 || n > most)
        return std::unexpected(bad(name, "expected a whole number from 1 to " +
                                             std::to_string(most) + ", got " + quoted(value)));
      (name == "--homes" ? o.homes : o.devices_per_home) = n;
    } else if (name == "--rate") {
      if (!parse_double(value, o.rate_hz) || o.rate_hz <= 0 || o.rate_hz > 1000)
        return std::unexpected(bad(
            name, "expected samples per second above 0 and at most 1000, got " + quoted(value)));
      rate_given = true;
    } else if (name == "--endpoint") {
      if (value.empty())
        return std::unexpected(bad(name, "must not be empty"));
      o.endpoint = std::string{value};
    } else if (name == "--link") {
      if (value != "hub" && value != "push")
        return std::unexpected(bad(name, "expected hub or push, got " + quoted(value)));
      o.link = std::string{value};
    } else if (name == "--curve-key" || name == "--server-key") {
      (name == "--curve-key" ? o.curve_key : o.server_key) = std::string{value};
    } else if (name == "--seed") {
      if (!parse_int(value, o.seed))
        return std::unexpected(bad(name, "expected a whole number, got " + quoted(value)));
    } else if (name == "--tz") {
      o.time_zone = std::string{value};
    } else if (name == "--duration") {
      double s = 0;
      if (!parse_double(value, s) || s <= 0)
        return std::unexpected(bad(name, "expected seconds above 0, got " + quoted(value)));
      o.duration_s = s;
    } else if (name == "--from" || name == "--to") {
      auto t = parse_time_arg(value);
      if (!t)
        return std::unexpected(bad(name, t.error().detail + ", got " + quoted(value)));
      (name == "--from" ? o.from : o.to) = *t;
    } else if (name == "--step-ms") {
      if (!parse_int(value, o.step_ms) || o.step_ms < 1)
        return std::unexpected(
            bad(name, "expected whole milliseconds of at least 1, got " + quoted(value)));
      step_given = true;
    }
  }
  if (o.help)
    return o;
  if (o.endpoint.empty())
    o.endpoint = o.link == "hub" ? "tcp://127.0.0.1:5557" : "tcp://127.0.0.1:5555";
  if (o.curve_key.has_value() != o.server_key.has_value())
    return std::unexpected(
      bad(o.curve_key ? "--server-key" : "--curve-key", "CURVE needs both --curve-key and --server-key"));
  if (o.curve_key && o.link != "hub")
    return std::unexpected(bad("--curve-key", "is for the hub link (--link hub)"));
  if (auto zone = sim::local_zone::from_name(o.time_zone); !zone)
    return std::unexpected(bad("--tz", zone.error().detail));
  if (o.from.has_value() != o.to.has_value())
    return std::unexpected(
        bad(o.from ? "--to" : "--from", "fast-forward needs both --from and --to"));
  if (o.fast_forward()) {
    if (*o.from >= *o.to)
      return std::unexpected(bad("--to", "must be after --from"));
    if (o.duration_s)
      return std::unexpected(bad("--duration", "is for real-time playback, not with --from/--to"));
    if (rate_given)
      return std::unexpected(
          bad("--rate", "is for real-time playback; fast-forward uses --step-ms"));
  } else if (step_given) {
    return std::unexpected(bad("--step-ms", "is for fast-forward, with --from and --to"));
  }
  return o;
}

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int) {
  stop_requested.store(true);
}

// Installs SIGINT/SIGTERM handlers for the command's lifetime.
class stop_signals {
public:
  stop_signals() {
    stop_requested.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~stop_signals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

private:
  struct sigaction old_int_ {
  }, old_term_{};
};

// At most one line every few seconds of wall time.
class progress_printer {
public:
  explicit progress_printer(std::chrono::seconds every) : every_(every) {}
  bool due() {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < every_)
      return false;
    last_ = now;
    return true;
  }
  double elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

private:
  std::chrono::seconds every_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

std::string format_utc(millis ms) {
  auto text = format_rfc3339(ms); // 2025-11-27T06:00:00.000Z
  return text.substr(0, 19) + "Z";
}

void print_progress(const char* what, const sim::playback_stats& s, double elapsed_s) {
  double per_s = elapsed_s > 0 ? static_cast<double>(s.samples) / elapsed_s : 0.0;
  std::string sim_time = s.last_ts ? ", at " + format_utc(*s.last_ts) : "";
  std::printf("hems simulate: %s %llu samples in %llu frames (%.0f samples/s)%s\n", what,
              static_cast<unsigned long long>(s.samples), static_cast<unsigned long long>(s.frames),
              per_s, sim_time.c_str());
  std::fflush(stdout);
}

} // namespace

int run_simulate_command(int argc, char** argv) {
  std::vector<std::string_view> args(argv, argv + std::max(0, argc));
  auto parsed = parse_simulate_args(args);
  if (!parsed) {
    std::fprintf(stderr, "hems simulate: %s\n", parsed.error().detail.c_str());
    return 2;
  }
  const simulate_options& o = *parsed;
  if (o.help) {
    std::fputs(simulate_usage().c_str(), stdout);
    return 0;
  }

  sim::neighbourhood_config config;
  config.homes = o.homes;
  config.devices_per_home = o.devices_per_home;
  config.seed = o.seed;
  config.zone = *sim::local_zone::from_name(o.time_zone);
  config.meters = o.meters;
  config.rate_hz = o.rate_hz;
  sim::neighbourhood homes{config};

  stop_signals signals;
  progress_printer progress{std::chrono::seconds{5}};
  progress_printer blocked_notice{std::chrono::seconds{5}};
  system_clock wall;
  // The sink: the hub link (acknowledged, commands obeyed) or a PUSH socket.
  std::unique_ptr<sim::frame_sink> sink;
  sim::hub_sender* hubs = nullptr;
  sim::push_sender* pusher = nullptr;
  if (o.link == "hub") {
    sim::hub_sender_options hub_options;
    hub_options.endpoint = o.endpoint;
    if (o.curve_key) {
      auto keys = adapters::read_curve_keypair(*o.curve_key);
      auto server = adapters::read_curve_key(*o.server_key);
      if (!keys || !server) {
        std::fprintf(stderr, "hems simulate: %s\n",
                     (!keys ? keys.error() : server.error()).detail.c_str());
        return 2;
      }
      hub_options.curve = adapters::curve_client{*keys, *server};
    }
    auto h = std::make_unique<sim::hub_sender>(hub_options, homes, wall, &stop_requested);
    hubs = h.get();
    sink = std::move(h);
  } else {
    sim::push_sender_options sender_options;
    sender_options.endpoint = o.endpoint;
    sender_options.while_blocked = [&] {
      if (blocked_notice.due()) {
        std::printf("hems simulate: waiting: the queue to %s is full (is the server running?)\n",
                    o.endpoint.c_str());
        std::fflush(stdout);
      }
    };
    if (o.fast_forward()) {
      // Bigger frames: fewer queued, and more time to drain them at the end.
      sender_options.send_hwm = 64;
      sender_options.linger_ms = 10'000;
    }
    auto sender = sim::push_sender::connect(sender_options, &stop_requested);
    if (!sender) {
      std::fprintf(stderr, "hems simulate: --endpoint: %s\n", sender.error().detail.c_str());
      return 2;
    }
    pusher = sender->get();
    sink = std::move(*sender);
  }

  sim::playback_stats stats;
  auto on_progress = [&](const sim::playback_stats& s) {
    if (progress.due())
      print_progress("sent", s, progress.elapsed_s());
  };
  if (o.fast_forward()) {
    std::printf(
        "hems simulate: fast-forward %d homes x %zu devices, %s .. %s every %lld ms -> %s\n",
        o.homes, homes.device_count() / static_cast<std::size_t>(o.homes),
        format_utc(*o.from).c_str(), format_utc(*o.to).c_str(), static_cast<long long>(o.step_ms),
        o.endpoint.c_str());
    std::fflush(stdout);
    sim::fast_forward_options ff;
    ff.from = *o.from;
    ff.to = *o.to;
    ff.step_ms = o.step_ms;
    stats = sim::fast_forward(homes, *sink, stop_requested, ff, on_progress);
  } else {
    char until[64] = "Ctrl-C to stop";
    if (o.duration_s)
      std::snprintf(until, sizeof until, "for %g s", *o.duration_s);
    std::printf("hems simulate: %d homes x %zu devices at %g Hz -> %s (%s)\n", o.homes,
                homes.device_count() / static_cast<std::size_t>(o.homes), o.rate_hz,
                o.endpoint.c_str(), until);
    std::fflush(stdout);
    sim::realtime_options rt;
    if (o.duration_s)
      rt.duration_ms = static_cast<millis>(*o.duration_s * 1000.0);
    auto wait = hubs ? sim::wait_fn{[hubs](millis until) { hubs->serve_until(until); }}
                     : sim::sleeping_wait(wall, stop_requested);
    stats = sim::play_realtime(homes, *sink, wall, wait, stop_requested, rt, on_progress);
  }
  if (pusher && stop_requested.load())
    pusher->drop_unsent(); // asked to stop: do not wait for a server that may be gone
  if (hubs) {
    if (!stop_requested.load() && !hubs->drain(30'000))
      std::printf("hems simulate: some batches were not acknowledged within 30 s\n");
    auto h = hubs->stats();
    std::printf("hems simulate: %llu samples acknowledged in %llu batches (%llu resent); "
                "commands: %llu done, %llu failed\n",
                static_cast<unsigned long long>(h.samples_accepted),
                static_cast<unsigned long long>(h.batches_acked),
                static_cast<unsigned long long>(h.resends),
                static_cast<unsigned long long>(h.commands_done),
                static_cast<unsigned long long>(h.commands_failed));
  }
  print_progress(stop_requested.load() ? "stopped:" : "done:", stats, progress.elapsed_s());
  return 0;
}

} // namespace hems
