// Pushing telemetry to hems from C++ with cppzmq (docs/TELEMETRY.md).
//   g++ -std=c++17 push_samples.cpp -lzmq -o push_samples
//   ./push_samples tcp://127.0.0.1:5555
#include <chrono>
#include <cstdio>
#include <string>

#include <zmq.hpp>

int main(int argc, char** argv) {
  const char* endpoint = argc > 1 ? argv[1] : "tcp://127.0.0.1:5555";
  zmq::context_t ctx{1};
  zmq::socket_t push{ctx, zmq::socket_type::push};
  push.set(zmq::sockopt::linger, 30000); // up to 30 s to deliver what is queued before exiting
  push.connect(endpoint);

  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  // One frame: an array of samples (up to 10,000, at most 1 MiB).
  char frame[512];
  std::snprintf(frame, sizeof frame,
                R"([{"home":"h-cpp","device":"heat-pump","ts":%lld,"power_w":1450.0,)"
                R"("energy_wh":8123.5,"state":"on","seq":1,"kind":"hvac","temperature_c":20.5},)"
                R"({"home":"h-cpp","device":"living-room","ts":%lld,"power_w":0,"kind":"presence",)"
                R"("occupied":true}])",
                static_cast<long long>(now), static_cast<long long>(now));
  push.send(zmq::buffer(std::string{frame}), zmq::send_flags::none);
  std::printf("sent 2 samples to %s\n", endpoint);
}
