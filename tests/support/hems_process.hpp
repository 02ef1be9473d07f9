#pragma once
// Runs the real `hems serve` binary for end-to-end tests: a temporary data
// directory, loopback ports picked by the server itself (read back from its
// --ports-file), and kill() for crash tests. It reads the admin token the
// server wrote to <data>/admin.token and registers it with the HTTP client
// (with the certificate as CA when the server serves TLS), so plain
// http_get(hems.http_port(), ...) calls are authenticated.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hems::test {

/// Polls `condition` until it holds or `limit` passes; returns whether it held.
/// (Waits for an event, never for time itself to pass.)
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = std::chrono::seconds(20));

class hems_process {
public:
  /// Starts `hems serve --data <data_dir>` with extra arguments.
  hems_process(std::filesystem::path data_dir, std::vector<std::string> extra_args = {});
  ~hems_process();

  std::uint16_t http_port() const { return http_port_; }
  /// The first admin token (the contents of <data>/admin.token).
  const std::string& admin_token() const { return admin_token_; }
  const std::string& telemetry_endpoint() const { return telemetry_; }
  const std::string& hub_endpoint() const { return hub_; }
  const std::string& feed_endpoint() const { return feed_; }
  pid_t pid() const { return pid_; }

  /// Sends a signal and waits for the process to end; returns its exit status.
  int stop(int signal = 15);
  /// kill -9, as a crash or power cut of the process would.
  void kill_hard() { stop(9); }

  /// The path of the hems binary (HEMS_BINARY, set by CMake).
  static std::string binary();

private:
  std::filesystem::path data_dir_;
  std::filesystem::path ports_file_;
  pid_t pid_ = -1;
  std::uint16_t http_port_ = 0;
  std::string telemetry_;
  std::string admin_token_;
  std::string hub_;
  std::string feed_;
};

} // namespace hems::test

namespace hems::test {

/// A TCP port on 127.0.0.1 that was free a moment ago (for a server that
/// must come back on the same port after a restart).
std::uint16_t free_tcp_port();

/// A line of the server's /proc status (VmRSS, VmHWM) in KiB, or -1.
long process_status_kib(pid_t pid, const std::string& field);

} // namespace hems::test

namespace hems::test {

/// Another program (e.g. `hems simulate`) running beside the test; killed
/// when the test ends or crashes.
class child_process {
public:
  explicit child_process(std::vector<std::string> args);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  /// Sends `signal` and waits; returns the exit status.
  int stop(int signal = 15);
  pid_t pid() const { return pid_; }

private:
  pid_t pid_ = -1;
};

} // namespace hems::test
