#pragma once
// A minimal blocking HTTP/1.1 client for end-to-end tests: one request per
// connection, plain or TLS (OpenSSL), enough to talk to the real server
// without another dependency.
//
// The client remembers credentials per server port, as a browser or a curl
// config would: hems_process registers its admin token (and its test CA when
// it serves TLS), so `http_get(hems.http_port(), "/devices?home=h")` is an
// authenticated request. A request that sets its own `Authorization` header
// sends that instead; an empty one sends none (an anonymous request).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace hems::test {

struct http_response {
  int status = 0; ///< 0: no connection (or no answer)
  std::map<std::string, std::string> headers; ///< lower-case names
  std::string body;
};

struct server_credentials {
  std::string bearer_token; ///< sent as Authorization: Bearer unless the request sets its own
  std::string tls_ca_file;  ///< non-empty: speak TLS and verify the server against this CA
};

void remember_server(std::uint16_t port, server_credentials credentials);
void forget_server(std::uint16_t port);
server_credentials credentials_for(std::uint16_t port);

http_response http_request(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {});

inline http_response http_get(std::uint16_t port, const std::string& target) {
  return http_request(port, "GET", target);
}

/// GET with a given token ("" for none).
inline http_response http_get_as(std::uint16_t port, const std::string& token,
                                 const std::string& target) {
  return http_request(port, "GET", target, "",
                      {{"Authorization", token.empty() ? "" : "Bearer " + token}});
}

/// Writes raw bytes and reads whatever comes back until the server closes or
/// `timeout` passes (protocol-level tests: slow clients, malformed requests).
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace hems::test
