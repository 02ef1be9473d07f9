#include "sim/sample_json.hpp"

namespace hems::sim {

void write_sample(json_writer& w, const sample& s) {
  w.begin_object()
      .field("home", s.home)
      .field("device", s.device)
      .field("ts", static_cast<std::int64_t>(s.ts_ms))
      .field("power_w", s.power_w);
  if (s.energy_wh)
    w.field("energy_wh", *s.energy_wh);
  if (s.state != device_state::unknown)
    w.field("state", to_string(s.state));
  if (s.seq)
    w.field("seq", *s.seq);
  if (s.kind != device_kind::unknown)
    w.field("kind", to_string(s.kind));
  if (s.occupied)
    w.field("occupied", *s.occupied);
  if (s.temperature_c)
    w.field("temperature_c", *s.temperature_c);
  if (s.setpoint_c)
    w.field("setpoint_c", *s.setpoint_c);
  if (s.soc_pct)
    w.field("soc_pct", *s.soc_pct);
  w.end_object();
}

std::string sample_to_json(const sample& s) {
  json_writer w;
  write_sample(w, s);
  return w.take();
}

std::size_t encode_frames(std::span<const sample> samples, std::vector<encoded_frame>& out,
                          frame_limits limits) {
  std::size_t frames = 0;
  std::string frame;
  std::size_t in_frame = 0;
  auto close = [&] {
    frame.push_back(']');
    out.push_back({std::move(frame), in_frame});
    frame.clear();
    in_frame = 0;
    ++frames;
  };
  for (const auto& s : samples) {
    std::string one = sample_to_json(s);
    // +2: the separator before it and the closing bracket after it.
    bool full = in_frame == limits.max_samples ||
                (in_frame > 0 && frame.size() + one.size() + 2 > limits.max_bytes);
    if (full)
      close();
    frame.push_back(in_frame == 0 ? '[' : ',');
    frame += one;
    ++in_frame;
  }
  if (in_frame > 0)
    close();
  return frames;
}

} // namespace hems::sim
