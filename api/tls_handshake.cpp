#include "api/tls_handshake.hpp"

#include <openssl/ssl.h>

// Pistache's listener calls SSL_set_fd(), SSL_set_accept_state() and then
// SSL_accept() on a blocking socket; see tls_handshake.hpp for why this
// returns without handshaking. With the accept state set, OpenSSL completes
// the handshake in the first SSL_read()/SSL_write() on the connection.
extern "C" int SSL_accept(SSL* ssl) {
  SSL_set_accept_state(ssl);
  return 1;
}

namespace hems::api {

bool tls_handshakes_deferred() { return true; }

} // namespace hems::api
