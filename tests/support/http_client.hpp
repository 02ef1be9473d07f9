#pragma once
// A minimal blocking HTTP/1.1 client for end-to-end tests: one request per
// connection, enough to talk to the real server without another dependency.

#include <map>
#include <string>

namespace hems::test {

struct http_response {
  int status = 0; ///< 0: no connection
  std::map<std::string, std::string> headers; ///< lower-case names
  std::string body;
};

http_response http_request(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {});

inline http_response http_get(std::uint16_t port, const std::string& target) {
  return http_request(port, "GET", target);
}

} // namespace hems::test
