#pragma once
// TLS handshakes off Pistache's accept thread.
//
// Pistache 0.0.5 (Debian 12's, with Debian's fix for CVE-like unbounded
// handshakes) runs SSL_accept() on its single listener thread, blocking, with
// a 10 s receive timeout: one client that connects and stays silent stops
// every new connection for 10 s, and a client that trickles its handshake
// for longer. hems therefore defines SSL_accept itself (tls_handshake.cpp):
// the executable's definition takes precedence over libssl's for Pistache's
// call, marks the connection as the server side and returns at once. Pistache
// then hands the connection to its epoll reactor, sets the socket
// non-blocking, and OpenSSL performs the handshake inside the reactor's first
// SSL_read(), one non-blocking step per readable event, like any other input:
// a silent or slow client holds its own connection and nothing else, and the
// handshakes' CPU work is spread over the reactor threads. The header and
// keep-alive timeouts close connections that never finish.
//
// Nothing else in hems calls SSL_accept (the test clients connect, they do
// not accept).

namespace hems::api {

/// Whether the deferral is linked in (it is whenever this is called: calling
/// it is what pulls tls_handshake.cpp out of the static library).
bool tls_handshakes_deferred();

} // namespace hems::api
