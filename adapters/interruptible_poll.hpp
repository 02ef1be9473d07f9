#pragma once
// zmq::poll that treats a signal arriving during the wait (EINTR) as "nothing
// happened": the caller's loop then notices its stop flag, instead of an
// exception ending the process (cppzmq throws on EINTR).

#include <chrono>

#include <zmq.hpp>

namespace hems::adapters {

inline int interruptible_poll(zmq::pollitem_t* items, std::size_t count,
                              std::chrono::milliseconds timeout) {
  try {
    return zmq::poll(items, count, timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR)
      return 0;
    throw;
  }
}

} // namespace hems::adapters
