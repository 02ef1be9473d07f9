#pragma once
// The project's own error type. Foreign errors (rocksdb::Status, zmq::error_t,
// caf::error) are translated into these at the boundary of the module that
// calls the foreign library, so callers never see a third-party type.

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace hems {

enum class errc : std::uint8_t {
  invalid_input, ///< the caller sent something malformed; detail names the field
  not_found,     ///< the object does not exist
  conflict,      ///< the request contradicts current state or a safety rule
  infeasible,    ///< a well-formed problem without a solution
  io_error,      ///< the disk or network failed
  corruption,    ///< stored data does not decode
  busy,          ///< try again later (backpressure, lock held)
  unavailable,   ///< the component is shut down or not ready
  internal,      ///< a bug: an invariant did not hold
};

std::string_view to_string(errc code);

struct error {
  errc code;
  std::string detail;
};

template <class T>
using result = std::expected<T, error>;

/// Shorthand for returning an error from a function returning result<T>.
inline std::unexpected<error> fail(errc code, std::string detail) {
  return std::unexpected<error>{error{code, std::move(detail)}};
}

} // namespace hems
