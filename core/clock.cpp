#include "core/clock.hpp"

#include <chrono>

namespace hems {

millis system_clock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
         offset_ms_;
}

} // namespace hems
