#pragma once
// Where hems may listen. Sockets without keys or TLS stay on loopback; a
// non-loopback address is refused with a reason. The REST API may listen
// beyond loopback with TLS (its callers authenticate with bearer tokens),
// or in plain HTTP only when told so explicitly (behind a TLS proxy).

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hems::adapters {

/// True for tcp://127.x.x.x, tcp://[::1], tcp://localhost, ipc:// and inproc://.
bool is_loopback_endpoint(std::string_view endpoint);

/// Fails with a clear reason when `endpoint` would listen beyond loopback.
result<void> require_loopback(std::string_view what, std::string_view endpoint);

/// The REST API's rule: loopback always; beyond it only with TLS, or with
/// `insecure_http_allowed` (--insecure-http).
result<void> require_tls_beyond_loopback(std::string_view what, std::string_view address, bool tls,
                                         bool insecure_http_allowed);

} // namespace hems::adapters
