#include "core/error.hpp"

namespace hems {

std::string_view to_string(errc code) {
  switch (code) {
    case errc::invalid_input:
      return "invalid_input";
    case errc::not_found:
      return "not_found";
    case errc::conflict:
      return "conflict";
    case errc::infeasible:
      return "infeasible";
    case errc::io_error:
      return "io_error";
    case errc::corruption:
      return "corruption";
    case errc::busy:
      return "busy";
    case errc::unavailable:
      return "unavailable";
    case errc::internal:
      return "internal";
  }
  return "internal";
}

} // namespace hems
