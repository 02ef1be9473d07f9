#include "tests/support/hems_process.hpp"

#include "tests/support/http_client.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hems::test {

namespace {

// fork + exec `args`; the child dies with the test process.
pid_t spawn(std::vector<std::string> args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive a test that crashed
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  return pid;
}

// Sends `signal`, reaps the process, returns its wait status; `pid` becomes -1.
int signal_and_wait(pid_t& pid, int signal) {
  ::kill(pid, signal);
  int status = 0;
  ::waitpid(pid, &status, 0);
  pid = -1;
  return status;
}

} // namespace

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string hems_process::binary() {
  if (const char* b = std::getenv("HEMS_BINARY"))
    return b;
  return HEMS_BINARY_PATH;
}

namespace {

// Extracts "key":value from the small ports JSON the server writes.
std::string json_field(const std::string& text, const std::string& key) {
  auto pos = text.find("\"" + key + "\":");
  if (pos == std::string::npos)
    return {};
  pos += key.size() + 3;
  if (text[pos] == '"') {
    auto end = text.find('"', pos + 1);
    return text.substr(pos + 1, end - pos - 1);
  }
  auto end = text.find_first_of(",}", pos);
  return text.substr(pos, end - pos);
}

} // namespace

hems_process::hems_process(std::filesystem::path data_dir, std::vector<std::string> extra_args)
  : data_dir_(std::move(data_dir)), ports_file_(data_dir_.string() + ".ports") {
  std::filesystem::remove(ports_file_);
  std::vector<std::string> args{binary(), "serve", "--data", data_dir_.string(), "--ports-file",
                                ports_file_.string()};
  // Free ports for every socket, unless the test chose one.
  for (auto [option, value] : {std::pair{"--telemetry", "tcp://127.0.0.1:*"},
                               {"--hub", "tcp://127.0.0.1:*"},
                               {"--feed", "tcp://127.0.0.1:*"},
                               {"--http", "127.0.0.1:0"}})
    if (std::find(extra_args.begin(), extra_args.end(), option) == extra_args.end()) {
      args.emplace_back(option);
      args.emplace_back(value);
    }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(std::move(args));
  std::string text;
  bool up = eventually([&] {
    std::ifstream in{ports_file_};
    if (!in)
      return false;
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_)
      throw std::runtime_error("hems serve exited during start-up");
    return text.find('}') != std::string::npos;
  });
  if (!up)
    throw std::runtime_error("hems serve did not start");
  telemetry_ = json_field(text, "telemetry");
  hub_ = json_field(text, "hub");
  feed_ = json_field(text, "feed");
  http_port_ = static_cast<std::uint16_t>(std::stoi(json_field(text, "http")));
  // Written before the server listens, so it is there by now.
  std::ifstream token_file{data_dir_ / "admin.token"};
  std::getline(token_file, admin_token_);
  server_credentials credentials{admin_token_, ""};
  for (std::size_t i = 0; i + 1 < extra_args.size(); ++i)
    if (extra_args[i] == "--tls-cert")
      credentials.tls_ca_file = extra_args[i + 1]; // the tests' certificates are self-signed
  remember_server(http_port_, credentials);
}

hems_process::~hems_process() {
  if (pid_ > 0)
    stop(SIGTERM);
}

int hems_process::stop(int signal) {
  if (pid_ <= 0)
    return -1;
  int status = signal_and_wait(pid_, signal);
  std::filesystem::remove(ports_file_);
  forget_server(http_port_);
  return status;
}

} // namespace hems::test

#include <netinet/in.h>
#include <sys/socket.h>

namespace hems::test {

std::uint16_t free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

long process_status_kib(pid_t pid, const std::string& field) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0)
      return std::stol(line.substr(field.size() + 1));
  return -1;
}

} // namespace hems::test

namespace hems::test {

child_process::child_process(std::vector<std::string> args) {
  pid_ = spawn(std::move(args));
}

child_process::~child_process() { stop(); }

int child_process::stop(int signal) {
  if (pid_ <= 0)
    return -1;
  return signal_and_wait(pid_, signal);
}

} // namespace hems::test
