#include "tests/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace hems::test {

namespace {

std::mutex credentials_mutex;
std::map<std::uint16_t, server_credentials> known_servers;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int connect_loopback(std::uint16_t port, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One connection, plain or TLS.
class connection {
public:
  connection(std::uint16_t port, const std::string& ca_file)
    : fd_(connect_loopback(port, std::chrono::seconds(10))) {
    if (fd_ < 0 || ca_file.empty())
      return;
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_ || SSL_CTX_load_verify_locations(ctx_.get(), ca_file.c_str(), nullptr) != 1) {
      fail();
      return;
    }
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    ssl_.reset(SSL_new(ctx_.get()));
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), "127.0.0.1");
    SSL_set_fd(ssl_.get(), fd_);
    if (SSL_connect(ssl_.get()) != 1)
      fail();
  }
  ~connection() {
    ssl_.reset();
    if (fd_ >= 0)
      ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  bool send_all(const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      long n = ssl_ ? SSL_write(ssl_.get(), data.data() + sent, static_cast<int>(data.size() - sent))
                    : ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  long receive(char* buf, std::size_t size) {
    return ssl_ ? SSL_read(ssl_.get(), buf, static_cast<int>(size)) : ::recv(fd_, buf, size, 0);
  }

private:
  void fail() {
    ERR_clear_error();
    ssl_.reset();
    ::close(fd_);
    fd_ = -1;
  }
  struct ctx_free {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  };
  struct ssl_free {
    void operator()(SSL* s) const { SSL_free(s); }
  };
  int fd_;
  std::unique_ptr<SSL_CTX, ctx_free> ctx_;
  std::unique_ptr<SSL, ssl_free> ssl_;
};

} // namespace

void remember_server(std::uint16_t port, server_credentials credentials) {
  std::lock_guard lock{credentials_mutex};
  known_servers[port] = std::move(credentials);
}

void forget_server(std::uint16_t port) {
  std::lock_guard lock{credentials_mutex};
  known_servers.erase(port);
}

server_credentials credentials_for(std::uint16_t port) {
  std::lock_guard lock{credentials_mutex};
  auto it = known_servers.find(port);
  return it == known_servers.end() ? server_credentials{} : it->second;
}

http_response http_request(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::string& body,
                           const std::map<std::string, std::string>& headers) {
  http_response out;
  auto credentials = credentials_for(port);
  connection conn{port, credentials.tls_ca_file};
  if (!conn.ok())
    return out;
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  bool own_authorization = false;
  for (const auto& [k, v] : headers) {
    if (lower(k) == "authorization") {
      own_authorization = true;
      if (v.empty())
        continue; // anonymous
    }
    req += k + ": " + v + "\r\n";
  }
  if (!own_authorization && !credentials.bearer_token.empty())
    req += "Authorization: Bearer " + credentials.bearer_token + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!conn.send_all(req))
    return out;
  std::string raw;
  char buf[65536];
  for (;;) {
    auto n = conn.receive(buf, sizeof buf);
    if (n <= 0)
      break;
    raw.append(buf, static_cast<std::size_t>(n));
    // Stop once the whole body (by Content-Length) has arrived.
    auto end = raw.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto head = lower(raw.substr(0, end));
      auto cl = head.find("content-length:");
      if (cl != std::string::npos && raw.size() >= end + 4 + std::stoul(head.substr(cl + 15)))
        break;
    }
  }
  auto end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos)
    return out;
  out.status = std::stoi(raw.substr(9, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < end) {
    auto eol = raw.find("\r\n", pos);
    auto line = raw.substr(pos, eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      out.headers[lower(line.substr(0, colon))] = value;
    }
    pos = eol + 2;
  }
  out.body = raw.substr(end + 4);
  return out;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout) {
  int fd = connect_loopback(port, timeout);
  if (fd < 0)
    return {};
  std::string raw;
  if (::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return raw;
}

} // namespace hems::test
