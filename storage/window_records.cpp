#include "storage/window_records.hpp"

#include <cstring>

#include "storage/records.hpp"

namespace hems::storage {

namespace {

constexpr std::uint8_t window_format_v1 = 1;
constexpr std::uint8_t checkpoint_format_v1 = 1;

enum window_flags : std::uint8_t {
  has_max = 1 << 0,
  has_occupied = 1 << 1,
  has_end = 1 << 2, ///< the window is not of its nominal length (a DST day)
};

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_f64(std::string& out, double v) {
  char buf[8];
  std::memcpy(buf, &v, 8);
  out.append(buf, 8);
}

struct reader {
  std::string_view in;
  bool ok = true;
  std::uint8_t u8() {
    if (in.empty()) {
      ok = false;
      return 0;
    }
    auto v = static_cast<std::uint8_t>(in[0]);
    in.remove_prefix(1);
    return v;
  }
  double f64() {
    if (in.size() < 8) {
      ok = false;
      return 0;
    }
    double v;
    std::memcpy(&v, in.data(), 8);
    in.remove_prefix(8);
    return v;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok; shift += 7) {
      auto b = u8();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
    ok = false;
    return 0;
  }
};

std::uint64_t big_endian_at(std::string_view bytes) {
  std::uint64_t v = 0;
  for (char c : bytes.substr(0, 8))
    v = (v << 8) | static_cast<std::uint8_t>(c);
  return v;
}

} // namespace

std::string window_series_key(std::string_view home, std::string_view series,
                              streams::resolution r) {
  std::string key = device_key(home, series);
  key.push_back(static_cast<char>(r));
  return key;
}

std::string window_key(std::string_view home, std::string_view series, streams::resolution r,
                       millis start) {
  std::string key = window_series_key(home, series, r);
  append_big_endian(key, static_cast<std::uint64_t>(start));
  return key;
}

std::optional<std::pair<streams::resolution, millis>> parse_window_key_tail(std::string_view key) {
  if (key.size() < 9)
    return std::nullopt;
  auto r = static_cast<std::uint8_t>(key[key.size() - 9]);
  if (r < static_cast<std::uint8_t>(streams::resolution::m1) ||
      r > static_cast<std::uint8_t>(streams::resolution::d1))
    return std::nullopt;
  return std::pair{static_cast<streams::resolution>(r),
                   static_cast<millis>(big_endian_at(key.substr(key.size() - 8)))};
}

std::string encode_window_value(const streams::usage_window& w) {
  std::string out;
  out.reserve(32);
  out.push_back(static_cast<char>(window_format_v1));
  const auto& s = w.stats;
  bool nominal = w.end - w.start == streams::nominal_length(w.res);
  std::uint8_t flags =
      (s.max_power_w ? has_max : 0) | (s.occupied_ms ? has_occupied : 0) | (nominal ? 0 : has_end);
  out.push_back(static_cast<char>(flags));
  put_f64(out, s.energy_wh);
  if (s.max_power_w)
    put_f64(out, *s.max_power_w);
  put_varint(out, s.samples);
  put_varint(out, static_cast<std::uint64_t>(s.covered_ms));
  if (s.occupied_ms)
    put_varint(out, static_cast<std::uint64_t>(*s.occupied_ms));
  if (!nominal)
    put_varint(out, static_cast<std::uint64_t>(w.end - w.start));
  return out;
}

result<window_row> decode_window_value(millis start, streams::resolution r,
                                       std::string_view value) {
  reader in{value};
  window_row row;
  row.start = start;
  if (in.u8() != window_format_v1)
    return fail(errc::corruption, "window has an unknown format");
  auto flags = in.u8();
  row.stats.energy_wh = in.f64();
  if (flags & has_max)
    row.stats.max_power_w = in.f64();
  row.stats.samples = static_cast<std::uint32_t>(in.varint());
  row.stats.covered_ms = static_cast<millis>(in.varint());
  if (flags & has_occupied)
    row.stats.occupied_ms = static_cast<millis>(in.varint());
  row.end =
      start + ((flags & has_end) ? static_cast<millis>(in.varint()) : streams::nominal_length(r));
  if (!in.ok || !in.in.empty())
    return fail(errc::corruption, "window value is malformed");
  return row;
}

std::string encode_checkpoint(const windows_checkpoint& c) {
  std::string out;
  out.push_back(static_cast<char>(checkpoint_format_v1));
  put_varint(out, static_cast<std::uint64_t>(c.closed_until));
  put_varint(out, static_cast<std::uint64_t>(c.chunked_until));
  return out;
}

result<windows_checkpoint> decode_checkpoint(std::string_view value) {
  reader in{value};
  windows_checkpoint c;
  if (in.u8() != checkpoint_format_v1)
    return fail(errc::corruption, "windows checkpoint has an unknown format");
  c.closed_until = static_cast<millis>(in.varint());
  c.chunked_until = static_cast<millis>(in.varint());
  if (!in.ok || !in.in.empty())
    return fail(errc::corruption, "windows checkpoint is malformed");
  return c;
}

std::string home_value_key(std::string_view home, std::string_view name) {
  std::string key{home};
  key.push_back('\0');
  key.append(name);
  return key;
}

std::string notification_key(std::string_view home, millis ts, std::string_view kind,
                             std::string_view subject) {
  std::string key{home};
  key.push_back('\0');
  append_big_endian(key, static_cast<std::uint64_t>(ts));
  key.append(kind);
  key.push_back('\0');
  key.append(subject);
  return key;
}

std::optional<millis> notification_key_time(std::string_view key) {
  auto zero = key.find('\0');
  if (zero == std::string_view::npos || key.size() < zero + 9)
    return std::nullopt;
  return static_cast<millis>(big_endian_at(key.substr(zero + 1, 8)));
}

std::string chunk_key(std::string_view home, std::string_view device, millis hour) {
  std::string key = device_key(home, device);
  append_big_endian(key, static_cast<std::uint64_t>(hour));
  return key;
}

std::optional<millis> chunk_key_hour(std::string_view key) {
  if (key.size() < 10)
    return std::nullopt;
  return static_cast<millis>(big_endian_at(key.substr(key.size() - 8)));
}

} // namespace hems::storage
