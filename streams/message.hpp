#pragma once
// Building messages for people (error details, plan explanations) from text
// and numbers, without iostreams (the toolchain has no std::format yet).

#include <charconv>
#include <cmath>
#include <concepts>
#include <string>
#include <string_view>

namespace hems::streams {

/// A number as a person reads it: the shortest form that round-trips, or
/// rounded to `decimals` places with trailing zeros dropped.
inline std::string num(double v, int decimals = -1) {
  if (decimals >= 0) {
    double scale = std::pow(10.0, decimals);
    v = std::round(v * scale) / scale;
    if (v == 0)
      v = 0; // no "-0"
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

namespace detail {
inline void append(std::string& out, std::string_view s) {
  out += s;
}
inline void append(std::string& out, const char* s) {
  out += s;
}
inline void append(std::string& out, const std::string& s) {
  out += s;
}
inline void append(std::string& out, char c) {
  out += c;
}
template <std::integral I>
requires(!std::same_as<I, char> && !std::same_as<I, bool>) void append(std::string& out, I i) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), i);
  out.append(buf, end);
}
inline void append(std::string& out, double d) {
  out += num(d);
}
} // namespace detail

/// Concatenates strings, characters and numbers into one message.
template <class... Parts> std::string cat(const Parts&... parts) {
  std::string out;
  (detail::append(out, parts), ...);
  return out;
}

} // namespace hems::streams
