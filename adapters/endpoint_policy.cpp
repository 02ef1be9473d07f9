#include "adapters/endpoint_policy.hpp"

namespace hems::adapters {

bool is_loopback_endpoint(std::string_view endpoint) {
  if (endpoint.starts_with("ipc://") || endpoint.starts_with("inproc://"))
    return true;
  for (std::string_view prefix : {"tcp://", "http://", "https://"})
    if (endpoint.starts_with(prefix)) {
      endpoint.remove_prefix(prefix.size());
      break;
    }
  return endpoint.starts_with("127.") || endpoint.starts_with("[::1]") ||
         endpoint.starts_with("localhost:") || endpoint == "localhost";
}

result<void> require_loopback(std::string_view what, std::string_view endpoint) {
  if (is_loopback_endpoint(endpoint))
    return {};
  return fail(errc::invalid_input,
              std::string{what} + " " + std::string{endpoint} +
                " is not a loopback address: until authorization is configured, hems listens "
                "on loopback only");
}

result<void> require_tls_beyond_loopback(std::string_view what, std::string_view address, bool tls,
                                         bool insecure_http_allowed) {
  if (tls || insecure_http_allowed || is_loopback_endpoint(address))
    return {};
  return fail(errc::invalid_input,
              std::string{what} + " " + std::string{address} +
                " is not a loopback address: beyond loopback the REST API needs TLS "
                "(--tls-cert and --tls-key), or --insecure-http when a TLS proxy fronts it");
}

} // namespace hems::adapters
