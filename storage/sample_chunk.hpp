#pragma once
// A chunk: one device's raw samples of one hour, stored as one value in
// columns (time, seq, power, meter, state, ...), each encoded for what
// telemetry looks like: timestamps and seqs as delta-of-delta, numbers as
// decimal fixed point when they round-trip exactly (sensors report 0.1 W or
// 0.001 Wh steps) with deltas or delta-of-deltas, states as runs. A reading
// every second costs about 2 to 4 bytes before RocksDB compresses the block.
// Decoding gives back every sample bit for bit; numbers that are not short
// decimals fall back to their 8 raw bytes.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/sample.hpp"

namespace hems::storage {

/// Encodes samples of one device, sorted by (ts, seq); home and device are
/// not stored (they are in the key).
std::string encode_sample_chunk(std::span<const sample> samples);

/// Appends the chunk's samples to `out`, with `home` and `device` filled in.
result<void> decode_sample_chunk(std::string_view chunk, std::string_view home,
                                 std::string_view device, std::vector<sample>& out);

} // namespace hems::storage
