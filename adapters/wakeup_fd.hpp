#pragma once
// An eventfd that other threads signal to wake a thread blocked in
// zmq::poll: socket threads poll their ZeroMQ sockets and this fd together,
// so work handed over from other threads (acks, commands, feed messages) is
// picked up at once without a second ZeroMQ socket per producer.

namespace hems::adapters {

class wakeup_fd {
public:
  wakeup_fd();
  ~wakeup_fd();
  wakeup_fd(const wakeup_fd&) = delete;
  wakeup_fd& operator=(const wakeup_fd&) = delete;

  /// Wakes the polling thread (any thread, any number of times).
  void signal();
  /// Clears pending signals (the polling thread, after waking).
  void drain();
  int fd() const { return fd_; }

private:
  int fd_;
};

} // namespace hems::adapters
