#include "app/simulate_command.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <date/date.h>

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

// Exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

} // namespace

result<millis> parse_time_arg(std::string_view text) {
  millis ms = 0;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    if (!parse_int(text, ms))
      return fail(errc::invalid_input, "out of range");
    return ms;
  }
  // RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  int y, mo, d, h, mi, s;
  const char* shape = "expected milliseconds since the epoch or RFC 3339 like "
                      "2025-11-27T06:00:00Z";
  if (!digits(text, 0, 4, y) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, mo) ||
      text[7] != '-' || !digits(text, 8, 2, d) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, h) ||
      text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' || !digits(text, 17, 2, s))
    return fail(errc::invalid_input, shape);
  std::size_t pos = 19;
  millis fraction_ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t start = ++pos;
    double scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ms += static_cast<millis>((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start)
      return fail(errc::invalid_input, shape);
  }
  millis offset_ms = 0;
  std::string_view zone = text.substr(std::min(pos, text.size()));
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh, om;
    if (!digits(zone, 1, 2, oh) || !digits(zone, 4, 2, om) || oh > 23 || om > 59)
      return fail(errc::invalid_input, shape);
    offset_ms = (oh * 60 + om) * 60'000LL * (zone[0] == '-' ? -1 : 1);
  } else {
    return fail(errc::invalid_input, shape);
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60)
    return fail(errc::invalid_input, "not a valid date and time");
  millis days = date::sys_days{ymd}.time_since_epoch().count();
  return days * 86'400'000LL + ((h * 60LL + mi) * 60 + s) * 1000 + fraction_ms - offset_ms;
}

std::string simulate_usage() {
  return R"(usage: hems simulate [options]

Plays simulated homes and pushes their telemetry to the server's PULL socket.

  --homes N              homes in the neighbourhood (default 20)
  --devices-per-home K   devices per home, picked from a realistic mix (default 10)
  --rate HZ              samples per device per second, e.g. 0.1 (default 1)
  --endpoint E           where to push (default tcp://127.0.0.1:5555)
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
        "--homes", "--devices-per-home", "--rate", "--endpoint", "--seed",
        "--tz",    "--duration",         "--from", "--to",       "--step-ms"};
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
  auto tp = date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}};
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(tp));
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
    stats = sim::fast_forward(homes, **sender, stop_requested, ff, on_progress);
  } else {
    char until[64] = "Ctrl-C to stop";
    if (o.duration_s)
      std::snprintf(until, sizeof until, "for %g s", *o.duration_s);
    std::printf("hems simulate: %d homes x %zu devices at %g Hz -> %s (%s)\n", o.homes,
                homes.device_count() / static_cast<std::size_t>(o.homes), o.rate_hz,
                o.endpoint.c_str(), until);
    std::fflush(stdout);
    system_clock wall;
    sim::realtime_options rt;
    if (o.duration_s)
      rt.duration_ms = static_cast<millis>(*o.duration_s * 1000.0);
    stats = sim::play_realtime(homes, **sender, wall, sim::sleeping_wait(wall, stop_requested),
                               stop_requested, rt, on_progress);
  }
  if (stop_requested.load())
    (*sender)->drop_unsent(); // asked to stop: do not wait for a server that may be gone
  print_progress(stop_requested.load() ? "stopped:" : "done:", stats, progress.elapsed_s());
  return 0;
}

} // namespace hems
