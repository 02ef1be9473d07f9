#include "tests/support/mosquitto_broker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <vector>
#include <stdexcept>

namespace hems::test {

namespace {

bool accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

} // namespace

std::string mosquitto_broker::binary() {
  for (const char* p : {"/usr/sbin/mosquitto", "/usr/bin/mosquitto"})
    if (std::filesystem::exists(p))
      return p;
  throw std::runtime_error{"mosquitto is not installed (deploy/setup.sh installs it)"};
}

mosquitto_broker::mosquitto_broker(std::filesystem::path dir, std::uint16_t port,
                                   const broker_security& security)
    : dir_(std::move(dir)), port_(port ? port : free_tcp_port()) {
  std::filesystem::create_directories(dir_);
  std::ofstream conf{dir_ / "mosquitto.conf"};
  // Run as ourselves: as root, mosquitto would switch to the user
  // `mosquitto`, who may not write to our temporary directory.
  if (auto* me = ::getpwuid(::geteuid()))
    conf << "user " << me->pw_name << "\n";
  conf << "per_listener_settings false\n";
  // With TLS, clients name the host `localhost` (the certificate's name),
  // which may resolve to ::1 first: listen on both loopback addresses.
  for (const char* address : security.tls_cert.empty() ? std::vector<const char*>{"127.0.0.1"}
                                                       : std::vector<const char*>{"127.0.0.1", "::1"}) {
    conf << "listener " << port_ << " " << address << "\n";
    if (!security.tls_cert.empty()) {
      conf << "certfile " << security.tls_cert.string() << "\n"
           << "keyfile " << security.tls_key.string() << "\n";
      if (!security.client_ca.empty())
        conf << "cafile " << security.client_ca.string() << "\n"
             << "require_certificate true\n";
    }
  }
  if (!security.username.empty()) {
    auto passwords = dir_ / "passwords";
    auto command = "mosquitto_passwd -b -c " + passwords.string() + " " + security.username + " " +
                   security.password + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
      throw std::runtime_error{"mosquitto_passwd failed"};
    conf << "allow_anonymous false\npassword_file " << passwords.string() << "\n";
  } else {
    conf << "allow_anonymous true\n";
  }
  conf << "persistence true\n"
       << "persistence_location " << (dir_ / "").string() << "\n"
       << "max_queued_messages 100000\n"
       << "log_dest file " << (dir_ / "mosquitto.log").string() << "\n";
  conf.close();
  start();
}

mosquitto_broker::~mosquitto_broker() { stop(); }

void mosquitto_broker::start() {
  process_ = std::make_unique<child_process>(
    std::vector<std::string>{binary(), "-c", (dir_ / "mosquitto.conf").string()});
  if (!eventually([&] { return accepts(port_); }))
    throw std::runtime_error{"mosquitto did not start on port " + std::to_string(port_)};
}

void mosquitto_broker::stop() {
  if (process_)
    process_->stop(15); // SIGTERM: mosquitto saves its persistence file
  process_.reset();
}

} // namespace hems::test
