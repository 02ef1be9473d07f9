#include "adapters/hub_link.hpp"
#include "adapters/interruptible_poll.hpp"

#include <algorithm>

namespace hems::adapters {

hub_link::counters::counters(metrics_registry& m)
  : hellos(m.add_counter("hems_hub_messages_total", "Messages received from hubs, by type.",
                         "type=\"hello\"")),
    batches(m.add_counter("hems_hub_messages_total", "Messages received from hubs, by type.",
                          "type=\"telemetry\"")),
    command_acks(m.add_counter("hems_hub_messages_total", "Messages received from hubs, by type.",
                               "type=\"command_ack\"")),
    malformed(m.add_counter("hems_hub_messages_rejected_total",
                            "Hub messages refused as malformed (answered with an error).")),
    acks(m.add_counter("hems_hub_acks_total", "Telemetry batches acknowledged as durable.")),
    busy(m.add_counter("hems_hub_busy_total",
                       "Batches refused with retry: too many in flight for their hub.")),
    unreachable(m.add_counter("hems_hub_unreachable_total",
                              "Messages to a hub that was no longer connected.")),
    commands_sent(m.add_counter("hems_commands_sent_total", "Commands sent to hubs (resends too).")),
    redirects(m.add_counter("hems_hub_redirects_total",
                            "Hellos answered with a redirect: homes another cluster node owns.")),
    ack_seconds(m.add_histogram("hems_hub_ack_seconds",
                                "From a batch's arrival to its ack (durable, fsync included).",
                                {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1})) {
  for (auto s : {command_status::done, command_status::failed, command_status::expired,
                 command_status::no_hub})
    outcomes[s] = &m.add_counter("hems_commands_total", "Commands by final outcome.",
                                 "outcome=\"" + std::string{to_string(s)} + "\"");
}

result<std::unique_ptr<hub_link>>
hub_link::start(zmq::context_t& ctx, hub_link_options options, const clock& time,
                metrics_registry& metrics, telemetry_metrics& telemetry, durable_sink sink,
                command_listener on_command, handshake_monitor* monitor) {
  try {
    zmq::socket_t socket{ctx, zmq::socket_type::router};
    socket.set(zmq::sockopt::router_mandatory, true);
    socket.set(zmq::sockopt::router_handover, true); // a reconnecting hub keeps its identity
    socket.set(zmq::sockopt::rcvhwm, options.receive_hwm);
    socket.set(zmq::sockopt::sndhwm, options.send_hwm);
    socket.set(zmq::sockopt::maxmsgsize, options.max_message_bytes);
    socket.set(zmq::sockopt::linger, 0);
    if (options.curve)
      apply_curve(socket, *options.curve);
    if (monitor)
      monitor->watch(socket, "hub");
    socket.bind(options.endpoint);
    auto bound = socket.get(zmq::sockopt::last_endpoint);
    return std::unique_ptr<hub_link>{new hub_link{std::move(socket), std::move(bound),
                                                  std::move(options), time, metrics, telemetry,
                                                  std::move(sink), std::move(on_command)}};
  } catch (const zmq::error_t& e) {
    return fail(errc::io_error,
                "cannot bind the hub link ROUTER socket to " + options.endpoint + ": " + e.what());
  }
}

hub_link::hub_link(zmq::socket_t socket, std::string endpoint, hub_link_options options,
                   const clock& time, metrics_registry& metrics, telemetry_metrics& telemetry,
                   durable_sink sink, command_listener on_command)
  : socket_(std::move(socket)),
    endpoint_(std::move(endpoint)),
    options_(std::move(options)),
    time_(time),
    telemetry_(telemetry),
    sink_(std::move(sink)),
    on_command_(std::move(on_command)),
    counters_(metrics),
    tracker_(options_.retry) {
  metrics.add_gauge_fn("hems_hubs", "Hubs that said hello and are reachable.",
                       [this] { return static_cast<double>(hubs_.load()); });
  thread_ = std::thread{[this] { run(); }};
}

hub_link::~hub_link() { stop(); }

void hub_link::stop() {
  stopping_ = true;
  wakeup_.signal();
  if (thread_.joinable())
    thread_.join();
}

void hub_link::send_command(command c) {
  {
    std::lock_guard lock{mutex_};
    new_commands_.push_back(std::move(c));
  }
  wakeup_.signal();
}

void hub_link::run() {
  while (!stopping_) {
    millis now = time_.now_ms();
    auto wait = std::chrono::milliseconds(100);
    if (auto next = tracker_.next_due(registry_))
      wait = std::min(wait, std::chrono::milliseconds(std::max<millis>(0, *next - now)));
    if (parked_)
      wait = std::min(wait, std::chrono::milliseconds(2)); // retry the sink soon
    // While a batch waits for room, the socket is not read: backpressure.
    zmq::pollitem_t items[] = {{nullptr, wakeup_.fd(), ZMQ_POLLIN, 0},
                               {socket_.handle(), 0, ZMQ_POLLIN, 0}};
    interruptible_poll(items, parked_ ? 1 : 2, wait);
    if (items[0].revents & ZMQ_POLLIN)
      wakeup_.drain();
    finish_completions();
    if (parked_ && hand_over(*parked_))
      parked_.reset();
    if (!parked_ && (items[1].revents & ZMQ_POLLIN))
      receive_messages();
    now = time_.now_ms();
    take_new_commands(now);
    deliver_commands(now);
    hubs_ = registry_.size();
  }
}

void hub_link::receive_messages() {
  // Up to a bounded number per round, so acks and commands are never starved.
  for (int i = 0; i < 256 && !parked_; ++i) {
    zmq::message_t identity, payload;
    if (!socket_.recv(identity, zmq::recv_flags::dontwait))
      return;
    if (!identity.more()) {
      continue; // not from a DEALER: ignore
    }
    (void)socket_.recv(payload, zmq::recv_flags::none);
    bool extra = payload.more();
    while (payload.more()) // the contract has one frame per message
      (void)socket_.recv(payload, zmq::recv_flags::none);
    std::string id{static_cast<const char*>(identity.data()), identity.size()};
    if (extra) {
      counters_.malformed.inc();
      send_to(id, encode_error("message: expected exactly one frame of JSON"));
      continue;
    }
    handle(id, {static_cast<const char*>(payload.data()), payload.size()});
    // An ack goes out as soon as its fsync returned, not after the rest of
    // this round's batches are decoded.
    if (completions_waiting_.load(std::memory_order_acquire))
      finish_completions();
  }
}

void hub_link::handle(const std::string& identity, std::string_view payload) {
  telemetry_.frames.inc();
  auto msg = decoder_.decode(payload);
  if (!msg) {
    counters_.malformed.inc();
    send_to(identity, encode_error(msg.error().detail, msg.error().batch));
    return;
  }
  if (auto* hello = std::get_if<hub_hello>(&*msg)) {
    counters_.hellos.inc();
    handle_hello(identity, *hello);
    return;
  }
  if (auto* t = std::get_if<hub_telemetry>(&*msg)) {
    counters_.batches.inc();
    handle_telemetry(identity, *t);
    return;
  }
  auto& ack = std::get<hub_command_ack>(*msg);
  counters_.command_acks.inc();
  if (auto final = tracker_.acknowledged(ack.id, ack.status, ack.detail, time_.now_ms()))
    record(*final);
}

// The homes this node owns are accepted; the others are redirected, grouped
// by the node that owns them.
void hub_link::handle_hello(const std::string& identity, const hub_hello& hello) {
  redirected_.erase(identity);
  if (!options_.owner_elsewhere) {
    registry_.hello(identity, hello.hub, hello.homes);
    send_to(identity, encode_welcome(hello));
    return;
  }
  hub_hello accepted{hello.hub, {}};
  std::vector<hub_redirect> redirects;
  for (const auto& home : hello.homes) {
    auto owner = options_.owner_elsewhere(home);
    if (!owner) {
      accepted.homes.push_back(home);
      continue;
    }
    auto to = std::find_if(redirects.begin(), redirects.end(),
                           [&](const auto& r) { return r.node == owner->node; });
    if (to == redirects.end()) {
      redirects.push_back({owner->node, owner->hub, {}});
      to = std::prev(redirects.end());
    }
    to->homes.push_back(home);
    redirected_[identity][home] = "node " + owner->node + " (hub link " + owner->hub + ")";
  }
  if (!redirects.empty())
    counters_.redirects.inc();
  registry_.hello(identity, hello.hub, accepted.homes);
  send_to(identity, encode_welcome(accepted, redirects));
}

void hub_link::handle_telemetry(const std::string& identity, hub_telemetry& t) {
  if (!registry_.knows(identity)) {
    send_to(identity, encode_error("hello first: say which homes you speak for", t.batch, true));
    return;
  }
  // A hub sent elsewhere for all its homes keeps its batches for the node it
  // was sent to: refused here with retry, never acknowledged as rejected.
  if (auto r = redirected_.find(identity);
      r != redirected_.end() && !t.samples.samples.empty() &&
      std::all_of(t.samples.samples.begin(), t.samples.samples.end(),
                  [&](const sample& s) { return r->second.contains(s.home); })) {
    send_to(identity, encode_error("redirect: home '" + t.samples.samples.front().home +
                                     "' is owned by " + r->second.at(t.samples.samples.front().home),
                                   t.batch, true));
    return;
  }
  auto& in_flight = in_flight_[identity];
  if (in_flight >= options_.max_batches_in_flight) {
    counters_.busy.inc();
    send_to(identity, encode_error("busy: " + std::to_string(in_flight) +
                                     " batches not yet acknowledged; resend later",
                                   t.batch, true));
    return;
  }
  telemetry_.count(t.samples);
  // A hub speaks only for the homes it announced.
  parked_batch p;
  p.identity = identity;
  p.batch = t.batch;
  p.received_ms = time_.now_ms();
  p.received = std::chrono::steady_clock::now();
  p.rejected = std::move(t.samples.rejected);
  p.samples.reserve(t.samples.samples.size());
  for (std::size_t i = 0; i < t.samples.samples.size(); ++i) {
    auto& s = t.samples.samples[i];
    if (registry_.speaks_for(identity, s.home))
      p.samples.push_back(std::move(s));
    else {
      telemetry_.count(sample_error::home);
      std::string detail = "home: '" + s.home + "' was not announced in this hub's hello";
      if (auto r = redirected_.find(identity); r != redirected_.end())
        if (auto owner = r->second.find(s.home); owner != r->second.end())
          detail = "home: '" + s.home + "' is owned by " + owner->second;
      p.rejected.push_back({t.samples.indexes[i], sample_error::home, std::move(detail)});
    }
  }
  if (p.samples.empty()) {
    send_to(identity, encode_ack(p.batch, 0, 0, p.rejected));
    counters_.acks.inc();
    return;
  }
  ++in_flight;
  if (!hand_over(p))
    parked_ = std::move(p);
}

bool hub_link::hand_over(parked_batch& p) {
  auto identity = p.identity;
  auto batch = p.batch;
  auto received = p.received;
  auto rejected = p.rejected;
  return sink_(p.samples, p.received_ms,
               [this, identity, batch, received, rejected](const durable_result& r) {
                 {
                   std::lock_guard lock{mutex_};
                   completions_.push_back({identity, batch, r, rejected, received});
                   completions_waiting_.store(true, std::memory_order_release);
                 }
                 wakeup_.signal();
               });
}

void hub_link::finish_completions() {
  std::deque<completion> done;
  {
    std::lock_guard lock{mutex_};
    done.swap(completions_);
    completions_waiting_.store(false, std::memory_order_relaxed);
  }
  for (auto& c : done) {
    auto it = in_flight_.find(c.identity);
    if (it != in_flight_.end() && it->second > 0)
      --it->second;
    if (c.result.failure) {
      send_to(c.identity, encode_error("storage: " + *c.result.failure, c.batch, true));
      continue;
    }
    send_to(c.identity, encode_ack(c.batch, c.result.accepted + c.result.duplicates,
                                   c.result.duplicates, c.rejected));
    counters_.acks.inc();
    counters_.ack_seconds.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - c.received).count());
  }
}

void hub_link::take_new_commands(millis now) {
  std::deque<command> fresh;
  {
    std::lock_guard lock{mutex_};
    fresh.swap(new_commands_);
  }
  for (auto& c : fresh)
    record(tracker_.submit(std::move(c), now));
}

void hub_link::deliver_commands(millis now) {
  for (auto& d : tracker_.due(registry_, now)) {
    counters_.commands_sent.inc();
    send_to(d.identity, encode_command(d.cmd));
  }
  for (auto& final : tracker_.expire(now))
    record(final);
}

void hub_link::record(const command_record& r) {
  if (r.final())
    counters_.outcomes[r.status]->inc();
  if (on_command_)
    on_command_(r);
}

bool hub_link::send_to(const std::string& identity, const std::string& payload) {
  try {
    if (!socket_.send(zmq::buffer(identity), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
      return false; // its queue is full: the hub resends what it misses
    socket_.send(zmq::buffer(payload), zmq::send_flags::dontwait);
    return true;
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH) {
      counters_.unreachable.inc();
      registry_.forget(identity); // its commands wait for the next hello
      redirected_.erase(identity);
      in_flight_.erase(identity);
      return false;
    }
    throw;
  }
}

} // namespace hems::adapters
