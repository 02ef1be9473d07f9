#include "adapters/hub_client.hpp"
#include "adapters/interruptible_poll.hpp"

namespace hems::adapters {

namespace {
constexpr std::size_t remembered_commands = 1024;
constexpr int max_redirects_in_a_row = 8;
}

hub_client::hub_client(zmq::context_t& ctx, hub_client_options options, const clock& time,
                       std::uint64_t seed)
  : options_(std::move(options)),
    time_(time),
    socket_(ctx, zmq::socket_type::dealer),
    rng_(seed) {
  socket_.set(zmq::sockopt::routing_id, options_.hub);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::reconnect_ivl, 100);
  socket_.set(zmq::sockopt::reconnect_ivl_max, 5000);
  if (options_.curve)
    apply_curve(socket_, *options_.curve);
  endpoint_ = options_.endpoint;
  socket_.connect(endpoint_);
  say_hello();
}

void hub_client::say_hello() {
  socket_.send(zmq::buffer(encode_hello({options_.hub, options_.homes})), zmq::send_flags::dontwait);
  hello_at_ = time_.now_ms();
}

millis hub_client::jitter(millis around) {
  // Uniform in [around/2, around]: hubs that lost the server together do
  // not all come back at the same instant.
  std::uniform_int_distribution<millis> d{around / 2, std::max<millis>(around, 1)};
  return d(rng_);
}

std::uint64_t hub_client::send(std::string samples_json, std::size_t samples) {
  auto number = next_batch_++;
  batch b;
  b.message = encode_telemetry(number, samples_json);
  b.samples = samples;
  batches_.emplace(number, std::move(b));
  return number;
}

void hub_client::schedule_resend(batch& b, millis now) {
  b.backoff_ms = b.backoff_ms == 0 ? 200 : std::min(b.backoff_ms * 2, options_.max_backoff_ms);
  b.resend_at = now + jitter(b.backoff_ms);
  if (b.in_flight) {
    b.in_flight = false;
    --in_flight_;
  }
}

void hub_client::flush() {
  millis now = time_.now_ms();
  if (!welcomed_ && now - hello_at_ > options_.ack_timeout_ms)
    say_hello();
  // First every batch whose ack is overdue (the server or the link lost
  // it) goes back to waiting for a resend, so a full window never hides one.
  for (auto& [number, b] : batches_)
    if (b.in_flight && now - b.resend_at > options_.ack_timeout_ms)
      schedule_resend(b, now);
  // Then the oldest waiting batches go out, in order, as far as the window
  // allows; a batch backing off holds the newer ones back too.
  for (auto& [number, b] : batches_) {
    if (in_flight_ >= options_.window || b.resend_at > now)
      break;
    if (b.in_flight)
      continue;
    if (!socket_.send(zmq::buffer(b.message), zmq::send_flags::dontwait))
      break; // the socket's queue is full: later
    if (b.backoff_ms > 0)
      ++stats_.resends;
    b.in_flight = true;
    b.resend_at = now; // from now on: when it was sent
    b.sent_at = std::chrono::steady_clock::now();
    ++in_flight_;
  }
}

void hub_client::on_readable(const command_handler& handler) {
  zmq::message_t msg;
  while (socket_.recv(msg, zmq::recv_flags::dontwait)) {
    auto m = decode_server_message({static_cast<const char*>(msg.data()), msg.size()});
    if (m)
      handle(*m, handler);
  }
}

void hub_client::poll(std::chrono::milliseconds wait, const command_handler& handler) {
  flush();
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  interruptible_poll(&item, 1, wait);
  if (item.revents & ZMQ_POLLIN)
    on_readable(handler);
  flush();
}

void hub_client::handle(const server_message& m, const command_handler& handler) {
  millis now = time_.now_ms();
  if (auto* welcome = std::get_if<server_welcome>(&m)) {
    if (options_.follow_redirects && welcome->homes.empty() && welcome->redirect.size() == 1 &&
        redirects_in_a_row_ < max_redirects_in_a_row) {
      follow(welcome->redirect.front());
      return;
    }
    redirects_in_a_row_ = 0;
    redirected_ = welcome->redirect;
    welcomed_ = true;
    return;
  }
  if (auto* ack = std::get_if<server_ack>(&m)) {
    auto it = batches_.find(ack->batch);
    if (it == batches_.end())
      return; // a late duplicate ack
    if (it->second.in_flight)
      --in_flight_;
    acknowledged_.push_back({ack->batch, std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - it->second.sent_at)});
    batches_.erase(it);
    ++stats_.batches_acked;
    stats_.samples_accepted += ack->accepted - ack->duplicates;
    stats_.samples_duplicate += ack->duplicates;
    stats_.samples_rejected += ack->rejected.size();
    return;
  }
  if (auto* error = std::get_if<server_error>(&m)) {
    if (error->detail.starts_with("hello first")) {
      // The server restarted and forgot us: hello, then resend everything.
      welcomed_ = false;
      say_hello();
      for (auto& [number, b] : batches_)
        if (b.in_flight) {
          b.in_flight = false;
          --in_flight_;
          b.resend_at = now;
        }
      return;
    }
    if (error->batch) {
      auto it = batches_.find(*error->batch);
      if (it == batches_.end())
        return;
      if (error->retry)
        schedule_resend(it->second, now);
      else { // malformed: resending would not help
        if (it->second.in_flight)
          --in_flight_;
        batches_.erase(it);
      }
    }
    return;
  }
  const auto& cmd = std::get<command>(m);
  ++stats_.commands;
  auto known = answered_.find(cmd.id);
  hub_command_ack ack = known != answered_.end() ? known->second : handler(cmd);
  ack.id = cmd.id;
  if (known == answered_.end()) {
    answered_.emplace(cmd.id, ack);
    answered_order_.push_back(cmd.id);
    if (answered_order_.size() > remembered_commands) {
      answered_.erase(answered_order_.front());
      answered_order_.pop_front();
    }
  }
  socket_.send(zmq::buffer(encode_command_ack(ack)), zmq::send_flags::dontwait);
}

// Every home belongs to another node: connect there, say hello again, and
// send every unacknowledged batch to it (the old node refused them with retry).
void hub_client::follow(const hub_redirect& to) {
  ++redirects_in_a_row_;
  ++stats_.redirects;
  try {
    socket_.disconnect(endpoint_);
  } catch (const zmq::error_t&) {
    // not connected any more: nothing to undo
  }
  endpoint_ = to.hub;
  socket_.connect(endpoint_);
  welcomed_ = false;
  say_hello();
  millis now = time_.now_ms();
  for (auto& [number, b] : batches_) {
    if (b.in_flight) {
      b.in_flight = false;
      --in_flight_;
    }
    b.resend_at = now;
    b.backoff_ms = 0;
  }
}

std::vector<hub_client::acknowledged_batch> hub_client::take_acknowledged() {
  std::vector<acknowledged_batch> out;
  out.swap(acknowledged_);
  return out;
}

} // namespace hems::adapters
