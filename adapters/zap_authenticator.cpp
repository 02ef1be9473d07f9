#include "adapters/zap_authenticator.hpp"

#include <array>
#include <vector>

#include "adapters/curve.hpp"

namespace hems::adapters {

result<std::unique_ptr<zap_authenticator>> zap_authenticator::start(zmq::context_t& ctx,
                                                                    std::filesystem::path allow_dir,
                                                                    metrics_registry& metrics) {
  if (!std::filesystem::is_directory(allow_dir))
    return fail(errc::invalid_input, "--curve-clients " + allow_dir.string() +
                                       ": not a directory of allowed public keys (*.pub)");
  try {
    zmq::socket_t socket{ctx, zmq::socket_type::rep};
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 100); // wake up to notice stop()
    socket.bind("inproc://zeromq.zap.01");
    return std::unique_ptr<zap_authenticator>{
      new zap_authenticator{std::move(socket), std::move(allow_dir), metrics}};
  } catch (const zmq::error_t& e) {
    return fail(errc::io_error, std::string{"cannot start the ZAP handler: "} + e.what());
  }
}

zap_authenticator::zap_authenticator(zmq::socket_t socket, std::filesystem::path allow_dir,
                                     metrics_registry& metrics)
  : socket_(std::move(socket)),
    allow_dir_(std::move(allow_dir)),
    accepted_(metrics.add_counter("hems_curve_peers_total", "CURVE handshakes by outcome.",
                                  "outcome=\"accepted\"")),
    refused_key_(metrics.add_counter("hems_curve_peers_total", "CURVE handshakes by outcome.",
                                     "outcome=\"unknown_key\"")),
    refused_mechanism_(metrics.add_counter("hems_curve_peers_total",
                                           "CURVE handshakes by outcome.",
                                           "outcome=\"not_curve\"")) {
  reload_if_changed();
  thread_ = std::thread{[this] { run(); }};
}

zap_authenticator::~zap_authenticator() { stop(); }

void zap_authenticator::stop() {
  stopping_ = true;
  if (thread_.joinable())
    thread_.join();
}

void zap_authenticator::reload_if_changed() {
  std::error_code ec;
  auto stamp = std::filesystem::last_write_time(allow_dir_, ec);
  if (ec || stamp == loaded_at_)
    return;
  std::set<std::string> keys;
  for (const auto& entry : std::filesystem::directory_iterator{allow_dir_, ec})
    if (entry.path().extension() == ".pub")
      if (auto key = read_curve_key(entry.path()))
        keys.insert(*key);
  allowed_ = std::move(keys);
  loaded_at_ = stamp;
}

bool zap_authenticator::allows(const std::string& z85_key) {
  reload_if_changed();
  return allowed_.count(z85_key) > 0;
}

void zap_authenticator::run() {
  while (!stopping_) {
    // A ZAP request: version, request id, domain, address, identity,
    // mechanism, then the mechanism's credentials (CURVE: the client's key).
    std::vector<zmq::message_t> frames;
    zmq::message_t frame;
    try {
      if (!socket_.recv(frame, zmq::recv_flags::none))
        continue; // timeout
      frames.push_back(std::move(frame));
      while (frames.back().more()) {
        zmq::message_t next;
        (void)socket_.recv(next, zmq::recv_flags::none);
        frames.push_back(std::move(next));
      }
    } catch (const zmq::error_t&) {
      return;
    }
    // REP must answer every request, even one that is not ZAP.
    auto mechanism = frames.size() >= 6 ? frames[5].to_string() : std::string{};
    auto request_id = frames.size() >= 2 ? frames[1].to_string() : std::string{};
    std::string status = "400", text = "CURVE required";
    if (mechanism == "CURVE" && frames.size() >= 7 && frames[6].size() == 32) {
      char z85[41];
      zmq_z85_encode(z85, static_cast<const std::uint8_t*>(frames[6].data()), 32);
      if (allows(z85)) {
        status = "200";
        text = "OK";
        accepted_.inc();
      } else {
        text = "unknown key";
        refused_key_.inc();
      }
    } else {
      refused_mechanism_.inc();
    }
    std::array<std::string, 6> reply{"1.0", request_id, status, text, "", ""};
    for (std::size_t i = 0; i < reply.size(); ++i)
      socket_.send(zmq::buffer(reply[i]),
                   i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
}

} // namespace hems::adapters
