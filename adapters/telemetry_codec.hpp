#pragma once
// The telemetry contract's sample format (docs/TELEMETRY.md): JSON frames in,
// validated samples out. A frame is one sample object or an array of up to
// 10,000; a sample that breaks a rule is rejected alone with a reason, a frame
// that is not JSON (or too large, too deep, not UTF-8) is rejected whole.

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/sample.hpp"

namespace hems::adapters {

inline constexpr std::size_t max_frame_bytes = 1 << 20;
inline constexpr std::size_t max_samples_per_frame = 10'000;
/// Objects and arrays may nest this deep (unknown fields may hold structure).
inline constexpr std::size_t max_json_depth = 32;

/// Why a whole frame was dropped.
enum class frame_error : std::uint8_t {
  too_large,
  not_utf8,
  not_json,
  too_deep,
  not_sample_or_array,
  too_many_samples,
};
inline constexpr std::size_t frame_error_count = 6;
std::string_view to_string(frame_error e);

/// Which rule a rejected sample broke: named after the field at fault.
enum class sample_error : std::uint8_t {
  not_object,
  duplicate_field,
  home,
  device,
  ts,
  power_w,
  energy_wh,
  state,
  seq,
  kind,
  occupied,
  temperature_c,
  setpoint_c,
  soc_pct,
};
inline constexpr std::size_t sample_error_count = 14;
std::string_view to_string(sample_error e);

struct sample_rejection {
  std::uint32_t index = 0; ///< position in the frame's array (0 for a lone sample)
  sample_error reason = sample_error::not_object;
  std::string detail; ///< e.g. "power_w: not finite"
};

struct decoded_samples {
  std::vector<sample> samples;
  std::vector<std::uint32_t> indexes; ///< each accepted sample's position in the frame
  std::vector<sample_rejection> rejected;
  void clear() {
    samples.clear();
    indexes.clear();
    rejected.clear();
  }
};

/// Timestamps outside [2000-01-01, 2100-01-01) are rejected: a clock that far
/// off is broken, and its samples would pollute history.
inline constexpr millis min_ts_ms = 946'684'800'000;
inline constexpr millis max_ts_ms = 4'102'444'800'000;

/// Decodes frames. Holds parser buffers, so keep one per thread and reuse it.
class telemetry_decoder {
public:
  telemetry_decoder();

  /// Decodes a frame of samples into `out` (cleared first). On a frame error
  /// `out` holds nothing.
  std::expected<void, frame_error> decode_frame(std::string_view frame, decoded_samples& out);

  /// Parses `frame` as a JSON document and keeps it for `samples_of`;
  /// used by links whose messages wrap sample arrays (the hub link).
  std::expected<simdjson::dom::element, frame_error> parse(std::string_view frame);

  /// Decodes an already parsed sample array (or lone sample object).
  std::expected<void, frame_error> decode_samples(simdjson::dom::element samples,
                                                  decoded_samples& out);

private:
  std::expected<void, frame_error> decode_frame_slow(decoded_samples& out);

  simdjson::dom::parser parser_;
  std::string buffer_; ///< the frame, copied with simdjson's padding
};

} // namespace hems::adapters
