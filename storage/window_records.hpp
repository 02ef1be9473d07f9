#pragma once
// On-disk formats of what the history keeps: usage windows, the aggregation
// checkpoint of a home, home-scoped values and notifications. Keys put one
// series' windows of one resolution next to each other in time order, so a
// time range is one seek and a forward scan (see docs/ARCHITECTURE.md).

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "streams/window_stats.hpp"

namespace hems::storage {

/// `home \0 series \0 resolution(1 byte)`: the prefix of one series' windows.
std::string window_series_key(std::string_view home, std::string_view series,
                              streams::resolution r);
/// The series prefix + big-endian start.
std::string window_key(std::string_view home, std::string_view series, streams::resolution r,
                       millis start);

/// A window read back: its series and resolution are the query's.
struct window_row {
  millis start = 0;
  millis end = 0;
  streams::window_stats stats;
};

std::string encode_window_value(const streams::usage_window& w);
/// `start` and `r` come from the key.
result<window_row> decode_window_value(millis start, streams::resolution r, std::string_view value);
/// The resolution and start in a window key (nullopt when it is not one).
std::optional<std::pair<streams::resolution, millis>> parse_window_key_tail(std::string_view key);

/// Where a home's windows stand: everything before `closed_until` is final,
/// and raw samples before `chunked_until` were moved into hourly chunks.
struct windows_checkpoint {
  millis closed_until = 0;
  millis chunked_until = 0;
  friend bool operator==(const windows_checkpoint&, const windows_checkpoint&) = default;
};
std::string encode_checkpoint(const windows_checkpoint& c);
result<windows_checkpoint> decode_checkpoint(std::string_view value);

/// `home \0 name`: a value about one home (its time zone, its patterns).
std::string home_value_key(std::string_view home, std::string_view name);

/// `home \0 big-endian ts kind \0 subject`: one notification; the same event
/// detected again lands on the same key.
std::string notification_key(std::string_view home, millis ts, std::string_view kind,
                             std::string_view subject);
/// The time in a notification key (nullopt when it is not one).
std::optional<millis> notification_key_time(std::string_view key);

/// `device_key + big-endian hour`: one device's hour of raw samples (sample_chunk.hpp).
std::string chunk_key(std::string_view home, std::string_view device, millis hour);
std::optional<millis> chunk_key_hour(std::string_view key);

} // namespace hems::storage
