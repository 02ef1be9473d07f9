#pragma once
// Where hems may listen. Until keys and TLS are configured, every socket
// stays on loopback; a non-loopback address is refused with a reason.

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hems::adapters {

/// True for tcp://127.x.x.x, tcp://[::1], tcp://localhost, ipc:// and inproc://.
bool is_loopback_endpoint(std::string_view endpoint);

/// Fails with a clear reason when `endpoint` would listen beyond loopback.
result<void> require_loopback(std::string_view what, std::string_view endpoint);

} // namespace hems::adapters
