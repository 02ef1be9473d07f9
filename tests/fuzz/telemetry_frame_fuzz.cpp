// Fuzz target: one telemetry frame, as the PULL socket receives it. Whatever
// the bytes, decoding must not crash, and what it accepts must obey the
// contract.

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "adapters/telemetry_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static hems::adapters::telemetry_decoder decoder;
  hems::adapters::decoded_samples out;
  auto ok = decoder.decode_frame({reinterpret_cast<const char*>(data), size}, out);
  if (!ok && !(out.samples.empty() && out.rejected.empty()))
    std::abort(); // a dropped frame yields nothing
  if (out.samples.size() + out.rejected.size() > hems::adapters::max_samples_per_frame)
    std::abort();
  for (const auto& s : out.samples) {
    if (!hems::is_valid_id(s.home) || !hems::is_valid_id(s.device) || !std::isfinite(s.power_w) ||
        std::fabs(s.power_w) > 1e6 || s.ts_ms < hems::adapters::min_ts_ms ||
        s.ts_ms >= hems::adapters::max_ts_ms)
      std::abort();
    if (s.soc_pct && (*s.soc_pct < 0 || *s.soc_pct > 100))
      std::abort();
  }
  for (const auto& r : out.rejected)
    if (r.detail.empty())
      std::abort();
  return 0;
}
