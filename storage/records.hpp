#pragma once
// What hems keeps on disk, as plain structs, and their byte encodings. The
// encodings are versioned by a leading byte so later releases can read old data.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/command.hpp"
#include "core/error.hpp"
#include "core/sample.hpp"

namespace hems::storage {

/// The latest known state of one device: its live state survives restarts.
struct device_record {
  std::string home;
  std::string device;
  device_kind kind = device_kind::unknown;
  millis first_seen_ms = 0;          ///< server time of the first accepted sample
  millis last_seen_ms = 0;           ///< server time of the latest accepted sample
  std::optional<std::uint64_t> last_seq; ///< highest seq accepted (duplicate filter)
  sample last;                       ///< the newest accepted sample by ts

  friend bool operator==(const device_record&, const device_record&) = default;
};

// -- keys ---------------------------------------------------------------------

/// `home \0 device \0`: the prefix of every key about one device.
std::string device_key(std::string_view home, std::string_view device);

/// `device_key + big-endian ts + big-endian seq`: samples of a device sort by
/// time, so a time range is one seek and a forward scan. A resent sample
/// lands on the same key, which makes writes idempotent.
std::string sample_key(std::string_view home, std::string_view device, millis ts,
                       std::uint64_t seq);
void append_big_endian(std::string& out, std::uint64_t v);
/// The same key, written over `out` (the write path reuses one buffer).
void assign_sample_key(std::string& out, std::string_view home, std::string_view device, millis ts,
                       std::uint64_t seq);

/// Splits a sample key back into its parts (nullopt if it is not one).
struct sample_key_parts {
  std::string_view home;
  std::string_view device;
  millis ts = 0;
  std::uint64_t seq = 0;
};
std::optional<sample_key_parts> parse_sample_key(std::string_view key);

// -- values ---------------------------------------------------------------------

/// The fields of a sample not already in its key.
std::string encode_sample_value(const sample& s);
/// The same value, written over `out`.
void assign_sample_value(std::string& out, const sample& s);
result<sample> decode_sample(std::string_view key, std::string_view value);

std::string encode_device_record(const device_record& r);
result<device_record> decode_device_record(std::string_view value);

/// `home \0 be64(issued) id`: a home's commands sort by time of issue.
std::string command_key(const command& c);
std::string encode_command_record(const command_record& r);
result<command_record> decode_command_record(std::string_view value);

} // namespace hems::storage
