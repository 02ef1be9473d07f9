#include "adapters/zmq_feed.hpp"
#include "adapters/interruptible_poll.hpp"

namespace hems::adapters {

result<std::unique_ptr<feed_publisher>> feed_publisher::start(zmq::context_t& ctx,
                                                              feed_options options,
                                                              metrics_registry& metrics,
                                                              handshake_monitor* monitor) {
  try {
    zmq::socket_t socket{ctx, zmq::socket_type::xpub};
    socket.set(zmq::sockopt::sndhwm, options.send_hwm);
    socket.set(zmq::sockopt::linger, 0);
    if (options.curve)
      apply_curve(socket, *options.curve);
    if (monitor)
      monitor->watch(socket, "feed");
    socket.bind(options.endpoint);
    auto bound = socket.get(zmq::sockopt::last_endpoint);
    return std::unique_ptr<feed_publisher>{
      new feed_publisher{std::move(socket), std::move(bound), options.queue_capacity, metrics}};
  } catch (const zmq::error_t& e) {
    return fail(errc::io_error, "cannot bind the feed PUB socket to " + options.endpoint + ": " +
                                  e.what());
  }
}

feed_publisher::feed_publisher(zmq::socket_t socket, std::string endpoint, std::size_t capacity,
                               metrics_registry& metrics)
  : socket_(std::move(socket)),
    endpoint_(std::move(endpoint)),
    capacity_(capacity),
    sent_(metrics.add_counter("hems_feed_messages_total", "Messages sent on the integrator feed.")),
    dropped_(metrics.add_counter("hems_feed_dropped_total",
                                 "Feed messages dropped because the feed's queue was full.")) {
  metrics.add_gauge_fn("hems_feed_subscriptions", "Distinct topic prefixes subscribed to.",
                       [this] { return static_cast<double>(subscriptions_.load()); });
  thread_ = std::thread{[this] { run(); }};
}

feed_publisher::~feed_publisher() { stop(); }

void feed_publisher::stop() {
  stopping_ = true;
  wakeup_.signal();
  if (thread_.joinable())
    thread_.join();
}

void feed_publisher::publish(std::string topic, std::string json) {
  {
    std::lock_guard lock{mutex_};
    if (queue_.size() >= capacity_) {
      dropped_.inc();
      return;
    }
    queue_.emplace_back(std::move(topic), std::move(json));
  }
  wakeup_.signal();
}

void feed_publisher::publish_if_heard(const std::string& topic,
                                      const std::function<std::string()>& encode) {
  if (has_subscribers())
    publish(topic, encode());
}

void feed_publisher::run() {
  std::deque<std::pair<std::string, std::string>> batch;
  while (!stopping_) {
    zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, wakeup_.fd(), ZMQ_POLLIN, 0}};
    interruptible_poll(items, 2, std::chrono::milliseconds(200));
    if (items[0].revents & ZMQ_POLLIN) {
      // Subscription changes: 1 = subscribe, 0 = unsubscribe, then the prefix.
      zmq::message_t msg;
      while (socket_.recv(msg, zmq::recv_flags::dontwait)) {
        if (msg.size() > 0)
          subscriptions_ += static_cast<const char*>(msg.data())[0] == 1 ? 1 : -1;
      }
    }
    if (items[1].revents & ZMQ_POLLIN)
      wakeup_.drain();
    {
      std::lock_guard lock{mutex_};
      batch.swap(queue_);
    }
    for (auto& [topic, json] : batch) {
      // PUB semantics: a subscriber whose queue is full misses the message;
      // the send itself never blocks.
      socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      socket_.send(zmq::buffer(json), zmq::send_flags::dontwait);
      sent_.inc();
    }
    batch.clear();
  }
}

} // namespace hems::adapters
