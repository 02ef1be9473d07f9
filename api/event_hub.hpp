#pragma once
// The live-event fan-out behind GET /events (server-sent events,
// docs/AUTOMATION.md): every open stream of a home gets that home's `power`
// events (at most once per interval, only when something changed),
// `notification`, `command` and `plan` events, and a keep-alive comment.
//
// Publishers call from any thread (actors, the hub link, the optimizer);
// writes only queue bytes on the connection (stream_sink), so a publisher
// never waits for a client. A client that falls more than max_pending_bytes
// behind is dropped and counted; streams are bounded per token (429) and per
// server (503). One thread ticks power events and keep-alives; tests call
// tick() by hand with a manual clock.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "actors/messages.hpp"
#include "api/http.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace hems::api {

struct event_hub_options {
  std::size_t max_streams = 256;             ///< the whole server: 503 beyond
  std::size_t max_streams_per_token = 8;     ///< one token: 429 beyond
  std::size_t max_pending_bytes = 256 << 10; ///< a client this far behind is dropped
  millis power_interval_ms = 1000;           ///< at most one power event per home per interval
  millis keepalive_ms = 15'000;              ///< a comment line on quiet streams
  millis tick_ms = 200;                      ///< how often the hub's thread looks
  /// A stream this old is ended cleanly (the client reconnects). Set below the
  /// HTTP keep-alive timeout, at which Pistache closes a quiet connection.
  millis max_stream_ms = 0; ///< 0: no limit
};

/// A home's live view for its power events; nullopt when it has no devices.
using power_source = std::function<std::optional<actors::home_view>(const std::string& home)>;

/// `event: <name>` with `json` as its data lines, as a server-sent event.
std::string sse_event(std::string_view name, std::string_view json);

/// The `power` event's data: the home's total and each device.
std::string power_event_json(const actors::home_view& view);

class event_hub {
public:
  event_hub(const clock& time, metrics_registry& metrics, power_source power,
            event_hub_options options = {});
  ~event_hub();
  event_hub(const event_hub&) = delete;
  event_hub& operator=(const event_hub&) = delete;

  /// A stream for `home` and `token_id`, ready to attach once the reply's head
  /// is sent (the returned opener); or the 429/503 reply when full. A place
  /// reserved and never opened is given back when the opener is dropped.
  std::expected<stream_opener, http_reply> reserve(const std::string& home,
                                                   const std::string& token_id);

  /// An event for every open stream of `home`.
  void publish(const std::string& home, std::string_view event, std::string_view json);
  /// The same, rendering the JSON only when someone listens to `home`.
  void publish_if_heard(const std::string& home, std::string_view event,
                        const std::function<std::string()>& render);
  /// The optimizer's hook: `plan` `{"home", "computed_ms"}`.
  void publish_plan(const std::string& home, millis computed_ms);

  /// Power events and keep-alives that are due, and streams whose client left.
  void tick();
  /// Ticks every tick_ms on a thread of its own until stop().
  void start();
  /// Closes every stream, refuses new ones, and publishing does nothing more.
  /// Call before the HTTP server stops: sinks write into its connections.
  void stop();

  std::size_t open_streams() const;
  bool has_streams(const std::string& home) const;

private:
  struct stream {
    std::string home;
    std::string token;
    std::shared_ptr<stream_sink> sink; ///< null until the reply's head is out
    millis last_write_ms = 0;
    millis opened_ms = 0;
  };
  struct home_power {
    std::string signature; ///< the last power event without its time
    millis sent_ms = 0;
  };

  void attach(std::uint64_t id, std::shared_ptr<stream_sink> sink);
  void release(std::uint64_t id);
  // Both with mutex_ held.
  bool write(std::uint64_t id, stream& s, std::string_view bytes, millis now);
  void drop(std::uint64_t id, counter& reason);
  void send_power(const std::string& home, millis now, bool force);

  const clock& time_;
  power_source power_;
  event_hub_options options_;
  mutable std::mutex mutex_;
  bool stopped_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, stream> streams_;
  std::map<std::string, std::size_t> per_token_;
  std::map<std::string, std::size_t> per_home_; ///< attached streams
  std::map<std::string, home_power> power_state_;
  std::atomic<std::int64_t> open_{0};
  counter& opened_;
  counter& refused_full_;
  counter& refused_token_;
  counter& dropped_slow_;
  counter& closed_gone_;
  counter& closed_age_;
  counter& events_sent_;
  std::thread thread_;
  std::condition_variable wake_;
};

} // namespace hems::api
