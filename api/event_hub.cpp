#include "api/event_hub.hpp"

#include <chrono>

#include "core/json_writer.hpp"
#include "core/sample.hpp"

namespace hems::api {

namespace {

void write_power_fields(json_writer& w, const actors::home_view& view) {
  w.field("power_w", view.total_power_w);
  w.key("devices").begin_array();
  for (const auto& d : view.devices)
    w.begin_object()
        .field("device", d.status.device)
        .field("power_w", d.power_w)
        .field("state", d.status.memo.last ? to_string(d.status.memo.last->state) : "unknown")
        .field("online", d.online)
        .end_object();
  w.end_array();
}

// The power event without its time: two events with the same signature say
// the same thing.
std::string power_signature(const actors::home_view& view) {
  json_writer w;
  w.begin_object();
  write_power_fields(w, view);
  w.end_object();
  return w.take();
}

} // namespace

std::string sse_event(std::string_view name, std::string_view json) {
  std::string out;
  out.reserve(json.size() + name.size() + 16);
  out.append("event: ").append(name).append("\n");
  // A data field ends at a newline: each line of the payload gets its own.
  std::size_t start = 0;
  while (start <= json.size()) {
    auto end = json.find('\n', start);
    if (end == std::string_view::npos)
      end = json.size();
    out.append("data: ").append(json.substr(start, end - start)).append("\n");
    start = end + 1;
  }
  out.append("\n");
  return out;
}

std::string power_event_json(const actors::home_view& view) {
  json_writer w;
  w.begin_object().field("home", view.home).field("ts_ms", view.as_of_ms);
  write_power_fields(w, view);
  w.end_object();
  return w.take();
}

event_hub::event_hub(const clock& time, metrics_registry& metrics, power_source power,
                     event_hub_options options)
    : time_(time), power_(std::move(power)), options_(options),
      opened_(
          metrics.add_counter("hems_event_streams_total", "Event streams (GET /events) opened.")),
      refused_full_(metrics.add_counter("hems_event_streams_refused_total",
                                        "Event streams refused: the server or the token is at its "
                                        "limit.",
                                        "reason=\"server_full\"")),
      refused_token_(metrics.add_counter("hems_event_streams_refused_total",
                                         "Event streams refused: the server or the token is at its "
                                         "limit.",
                                         "reason=\"token_limit\"")),
      dropped_slow_(metrics.add_counter("hems_event_streams_closed_total",
                                        "Event streams closed by the server or the client.",
                                        "reason=\"slow_client\"")),
      closed_gone_(metrics.add_counter("hems_event_streams_closed_total",
                                       "Event streams closed by the server or the client.",
                                       "reason=\"client_gone\"")),
      closed_age_(metrics.add_counter("hems_event_streams_closed_total",
                                      "Event streams closed by the server or the client.",
                                      "reason=\"max_age\"")),
      events_sent_(metrics.add_counter("hems_events_sent_total",
                                       "Server-sent events written, one per stream.")) {
  metrics.add_gauge_fn("hems_event_streams_open", "Event streams open now.",
                       [this] { return static_cast<double>(open_.load()); });
}

event_hub::~event_hub() {
  stop();
}

std::expected<stream_opener, http_reply> event_hub::reserve(const std::string& home,
                                                            const std::string& token_id) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock{mutex_};
    if (stopped_ || streams_.size() >= options_.max_streams) {
      refused_full_.inc();
      auto r = error_reply(503, "unavailable",
                           "events: the server has " + std::to_string(options_.max_streams) +
                               " event streams open, its limit; retry later");
      r.headers.emplace_back("Retry-After", "5");
      return std::unexpected(std::move(r));
    }
    auto& mine = per_token_[token_id];
    if (mine >= options_.max_streams_per_token) {
      refused_token_.inc();
      auto r =
          error_reply(429, "rate_limited",
                      "events: this token has " + std::to_string(options_.max_streams_per_token) +
                          " event streams open, its limit; close one first");
      r.headers.emplace_back("Retry-After", "5");
      return std::unexpected(std::move(r));
    }
    ++mine;
    id = next_id_++;
    stream s;
    s.home = home;
    s.token = token_id;
    streams_.emplace(id, std::move(s));
  }
  // Gives the place back if the opener is dropped without being called.
  struct reservation {
    reservation(event_hub* h, std::uint64_t i) : hub(h), id(i) {}
    reservation(const reservation&) = delete;
    reservation& operator=(const reservation&) = delete;
    ~reservation() {
      if (!attached)
        hub->release(id);
    }
    event_hub* hub;
    std::uint64_t id;
    bool attached = false;
  };
  auto held = std::make_shared<reservation>(this, id);
  return stream_opener{[held](std::shared_ptr<stream_sink> sink) {
    held->attached = true;
    held->hub->attach(held->id, std::move(sink));
  }};
}

void event_hub::release(std::uint64_t id) {
  std::lock_guard lock{mutex_};
  auto it = streams_.find(id);
  if (it == streams_.end())
    return;
  if (auto t = per_token_.find(it->second.token); t != per_token_.end() && --t->second == 0)
    per_token_.erase(t);
  streams_.erase(it);
}

void event_hub::attach(std::uint64_t id, std::shared_ptr<stream_sink> sink) {
  std::lock_guard lock{mutex_};
  auto it = streams_.find(id);
  if (stopped_ || it == streams_.end()) {
    sink->close();
    return;
  }
  it->second.sink = std::move(sink);
  it->second.last_write_ms = time_.now_ms();
  it->second.opened_ms = it->second.last_write_ms;
  ++per_home_[it->second.home];
  open_.fetch_add(1);
  opened_.inc();
  // The newcomer learns the home's power now rather than at the next change.
  if (power_) {
    if (auto view = power_(it->second.home))
      write(id, it->second, sse_event("power", power_event_json(*view)), time_.now_ms());
  }
}

bool event_hub::write(std::uint64_t id, stream& s, std::string_view bytes, millis now) {
  if (!s.sink)
    return true; // not open yet: it gets the home's power when it is
  if (s.sink->pending_bytes() > options_.max_pending_bytes) {
    drop(id, dropped_slow_);
    return false;
  }
  if (!s.sink->write(bytes)) {
    drop(id, closed_gone_);
    return false;
  }
  s.last_write_ms = now;
  events_sent_.inc();
  return true;
}

void event_hub::drop(std::uint64_t id, counter& reason) {
  auto it = streams_.find(id);
  if (it == streams_.end())
    return;
  auto& s = it->second;
  // Counted before the close is queued: the client may see its stream end
  // (on Pistache's I/O thread) and read /metrics before this thread goes on.
  reason.inc();
  if (s.sink) {
    open_.fetch_sub(1);
    s.sink->close();
    if (auto h = per_home_.find(s.home); h != per_home_.end() && --h->second == 0) {
      per_home_.erase(h);
      power_state_.erase(s.home);
    }
  }
  if (auto t = per_token_.find(s.token); t != per_token_.end() && --t->second == 0)
    per_token_.erase(t);
  streams_.erase(it);
}

void event_hub::publish(const std::string& home, std::string_view event, std::string_view json) {
  std::lock_guard lock{mutex_};
  if (stopped_ || !per_home_.contains(home))
    return;
  auto bytes = sse_event(event, json);
  auto now = time_.now_ms();
  for (auto it = streams_.begin(); it != streams_.end();) {
    auto id = it->first;
    auto& s = it->second;
    ++it; // write() may erase this stream
    if (s.home == home)
      write(id, s, bytes, now);
  }
}

void event_hub::publish_if_heard(const std::string& home, std::string_view event,
                                 const std::function<std::string()>& render) {
  if (has_streams(home))
    publish(home, event, render());
}

void event_hub::publish_plan(const std::string& home, millis computed_ms) {
  publish_if_heard(home, "plan", [&] {
    json_writer w;
    w.begin_object().field("home", home).field("computed_ms", computed_ms).end_object();
    return w.take();
  });
}

void event_hub::send_power(const std::string& home, millis now, bool force) {
  auto& state = power_state_[home];
  if (!force && now - state.sent_ms < options_.power_interval_ms)
    return;
  auto view = power_(home);
  if (!view)
    return;
  auto signature = power_signature(*view);
  if (signature == state.signature)
    return;
  state.signature = std::move(signature);
  state.sent_ms = now;
  auto bytes = sse_event("power", power_event_json(*view));
  for (auto it = streams_.begin(); it != streams_.end();) {
    auto id = it->first;
    auto& s = it->second;
    ++it;
    if (s.home == home)
      write(id, s, bytes, now);
  }
}

void event_hub::tick() {
  std::lock_guard lock{mutex_};
  if (stopped_)
    return;
  auto now = time_.now_ms();
  // Clients that left: their places free up without waiting for a write.
  for (auto it = streams_.begin(); it != streams_.end();) {
    auto id = it->first;
    const auto& s = it->second;
    bool gone = s.sink && !s.sink->open();
    bool old = s.sink && options_.max_stream_ms > 0 && now - s.opened_ms >= options_.max_stream_ms;
    ++it;
    if (gone)
      drop(id, closed_gone_);
    else if (old)
      drop(id, closed_age_);
  }
  if (power_) {
    std::vector<std::string> homes;
    for (const auto& [home, n] : per_home_)
      homes.push_back(home);
    for (const auto& home : homes)
      send_power(home, now, false);
  }
  for (auto it = streams_.begin(); it != streams_.end();) {
    auto id = it->first;
    auto& s = it->second;
    ++it;
    if (s.sink && now - s.last_write_ms >= options_.keepalive_ms)
      write(id, s, ": keep-alive\n\n", now);
  }
}

void event_hub::start() {
  std::lock_guard lock{mutex_};
  if (thread_.joinable() || stopped_)
    return;
  thread_ = std::thread([this] {
    std::unique_lock lock{mutex_};
    while (!stopped_) {
      wake_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms));
      if (stopped_)
        break;
      lock.unlock();
      tick();
      lock.lock();
    }
  });
}

void event_hub::stop() {
  {
    std::lock_guard lock{mutex_};
    if (!stopped_) {
      stopped_ = true;
      for (auto& [id, s] : streams_)
        if (s.sink)
          s.sink->close();
      streams_.clear();
      per_token_.clear();
      per_home_.clear();
      power_state_.clear();
      open_.store(0);
    }
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

std::size_t event_hub::open_streams() const {
  return static_cast<std::size_t>(open_.load());
}

bool event_hub::has_streams(const std::string& home) const {
  std::lock_guard lock{mutex_};
  return per_home_.contains(home);
}

} // namespace hems::api
