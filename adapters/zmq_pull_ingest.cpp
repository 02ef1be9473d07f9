#include "adapters/zmq_pull_ingest.hpp"

namespace hems::adapters {

result<std::unique_ptr<pull_ingest>> pull_ingest::start(zmq::context_t& ctx,
                                                        pull_ingest_options opts,
                                                        const clock& time,
                                                        telemetry_metrics& metrics, sink_fn sink,
                                                        handshake_monitor* monitor) {
  try {
    zmq::socket_t socket{ctx, zmq::socket_type::pull};
    socket.set(zmq::sockopt::rcvhwm, opts.receive_hwm);
    socket.set(zmq::sockopt::maxmsgsize, opts.max_message_bytes);
    socket.set(zmq::sockopt::rcvtimeo, 100); // wake up to notice stop()
    socket.set(zmq::sockopt::linger, 0);
    if (opts.curve)
      apply_curve(socket, *opts.curve);
    if (monitor)
      monitor->watch(socket, "telemetry");
    socket.bind(opts.endpoint);
    auto bound = socket.get(zmq::sockopt::last_endpoint);
    return std::unique_ptr<pull_ingest>{
      new pull_ingest{std::move(socket), std::move(bound), time, metrics, std::move(sink)}};
  } catch (const zmq::error_t& e) {
    return fail(errc::io_error, "cannot bind telemetry PULL socket to " + opts.endpoint + ": " +
                                  e.what());
  }
}

pull_ingest::pull_ingest(zmq::socket_t socket, std::string endpoint, const clock& time,
                         telemetry_metrics& metrics, sink_fn sink)
  : socket_(std::move(socket)),
    endpoint_(std::move(endpoint)),
    time_(time),
    metrics_(metrics),
    sink_(std::move(sink)) {
  thread_ = std::thread{[this] { run(); }};
}

pull_ingest::~pull_ingest() { stop(); }

void pull_ingest::stop() {
  stopping_ = true;
  if (thread_.joinable())
    thread_.join();
}

void pull_ingest::run() {
  telemetry_decoder decoder;
  decoded_samples decoded;
  zmq::message_t frame;
  while (!stopping_) {
    zmq::recv_result_t got;
    try {
      got = socket_.recv(frame, zmq::recv_flags::none);
    } catch (const zmq::error_t&) {
      break; // context terminated
    }
    if (!got)
      continue; // timeout: check for stop
    metrics_.frames.inc();
    if (frame.more()) {
      // Multi-part messages are not part of the contract: drop every part.
      metrics_.count(frame_error::not_json);
      while (frame.more() && socket_.recv(frame, zmq::recv_flags::dontwait)) {
      }
      continue;
    }
    millis received = time_.now_ms();
    auto ok = decoder.decode_frame({static_cast<const char*>(frame.data()), frame.size()}, decoded);
    if (!ok) {
      metrics_.count(ok.error());
      continue;
    }
    metrics_.count(decoded);
    if (!decoded.samples.empty())
      sink_(std::move(decoded.samples), received);
    decoded.samples.clear();
  }
}

} // namespace hems::adapters
