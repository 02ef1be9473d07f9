#include "sim/sample_json.hpp"

namespace hems::sim {

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
