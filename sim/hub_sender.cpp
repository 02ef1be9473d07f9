#include "sim/hub_sender.hpp"

#include "adapters/interruptible_poll.hpp"

#include <thread>
#include <vector>

namespace hems::sim {

hub_sender::hub_sender(hub_sender_options options, neighbourhood& homes, const clock& time,
                       const std::atomic<bool>* stop)
  : options_(std::move(options)), homes_(homes), time_(time), stop_(stop) {}

adapters::hub_client& hub_sender::hub_for(std::string_view home) {
  auto it = hubs_.find(home);
  if (it == hubs_.end()) {
    adapters::hub_client_options o;
    o.endpoint = options_.endpoint;
    o.hub = "hub-" + std::string{home};
    o.homes = {std::string{home}};
    o.curve = options_.curve;
    it = hubs_.emplace(std::string{home}, std::make_unique<adapters::hub_client>(ctx_, o, time_))
           .first;
  }
  return *it->second;
}

adapters::hub_command_ack hub_sender::carry_out(const hems::command& c) {
  sim::command sc;
  sc.id = c.id;
  sc.device = c.device;
  sc.action = *sim::parse_command_action(hems::to_string(c.action));
  for (const auto& [name, value] : c.params)
    sc.params.emplace(name, value);
  auto outcome = homes_.apply(c.home, sc, time_.now_ms());
  (outcome.done ? commands_done_ : commands_failed_)++;
  return {c.id, outcome.done ? hems::command_status::done : hems::command_status::failed, outcome.detail};
}

void hub_sender::serve_once(std::chrono::milliseconds wait) {
  std::vector<zmq::pollitem_t> items;
  std::vector<adapters::hub_client*> clients;
  items.reserve(hubs_.size());
  for (auto& [home, hub] : hubs_) {
    hub->flush();
    items.push_back({hub->socket().handle(), 0, ZMQ_POLLIN, 0});
    clients.push_back(hub.get());
  }
  if (items.empty()) {
    std::this_thread::sleep_for(wait);
    return;
  }
  adapters::interruptible_poll(items.data(), items.size(), wait);
  auto handler = [this](const hems::command& c) { return carry_out(c); };
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].revents & ZMQ_POLLIN)
      clients[i]->on_readable(handler);
}

bool hub_sender::send(std::string&& frame, std::size_t samples, std::string_view home) {
  auto& hub = hub_for(home);
  // Backpressure: a hub holding too much waits for the server's acks.
  while (hub.unacknowledged() >= options_.max_unacknowledged) {
    if (stop_ && stop_->load())
      return false;
    serve_once(std::chrono::milliseconds(10));
  }
  hub.send(std::move(frame), samples);
  hub.flush();
  return true;
}

void hub_sender::serve_until(millis until) {
  while (!(stop_ && stop_->load())) {
    millis now = time_.now_ms();
    if (now >= until)
      return;
    serve_once(std::chrono::milliseconds(std::min<millis>(until - now, 100)));
  }
}

bool hub_sender::drain(millis timeout_ms) {
  millis deadline = time_.now_ms() + timeout_ms;
  for (;;) {
    bool all_acked = true;
    for (auto& [home, hub] : hubs_)
      all_acked = all_acked && hub->unacknowledged() == 0;
    if (all_acked)
      return true;
    if ((stop_ && stop_->load()) || time_.now_ms() >= deadline)
      return false;
    serve_once(std::chrono::milliseconds(20));
  }
}

hub_sender_stats hub_sender::stats() const {
  hub_sender_stats s;
  for (const auto& [home, hub] : hubs_) {
    s.batches_acked += hub->stats().batches_acked;
    s.samples_accepted += hub->stats().samples_accepted;
    s.resends += hub->stats().resends;
  }
  s.commands_done = commands_done_;
  s.commands_failed = commands_failed_;
  return s;
}

} // namespace hems::sim
