#include "sim/push_sender.hpp"

#include <zmq.hpp>

namespace hems::sim {

struct push_sender::impl {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::push};
};

push_sender::push_sender(std::unique_ptr<impl> p, const std::atomic<bool>* stop,
                         std::function<void()> while_blocked)
    : impl_(std::move(p)), stop_(stop), while_blocked_(std::move(while_blocked)) {}

push_sender::~push_sender() = default;

result<std::unique_ptr<push_sender>> push_sender::connect(const push_sender_options& options,
                                                          const std::atomic<bool>* stop) {
  auto p = std::make_unique<impl>();
  try {
    p->socket.set(zmq::sockopt::sndhwm, options.send_hwm);
    p->socket.set(zmq::sockopt::linger, options.linger_ms);
    // Wake up regularly while blocked, to notice the stop flag.
    p->socket.set(zmq::sockopt::sndtimeo, 100);
    p->socket.connect(options.endpoint);
  } catch (const zmq::error_t& e) {
    return fail(errc::invalid_input, "cannot connect to '" + options.endpoint + "': " + e.what());
  }
  return std::unique_ptr<push_sender>(new push_sender(std::move(p), stop, options.while_blocked));
}

void push_sender::drop_unsent() {
  impl_->socket.set(zmq::sockopt::linger, 0);
}

bool push_sender::send(std::string&& frame, std::size_t samples, std::string_view) {
  zmq::message_t message{frame.data(), frame.size()};
  for (;;) {
    try {
      if (impl_->socket.send(message, zmq::send_flags::none)) {
        ++frames_;
        samples_ += samples;
        bytes_ += frame.size();
        return true;
      }
    } catch (const zmq::error_t&) {
      return false; // the context is shutting down
    }
    // Timed out: the queue is full (server slow or absent). Keep trying
    // until it drains, unless asked to stop.
    if (stop_ && stop_->load(std::memory_order_relaxed))
      return false;
    if (while_blocked_)
      while_blocked_();
  }
}

} // namespace hems::sim
