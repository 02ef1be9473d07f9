#pragma once
// A small streaming JSON writer: appends to a std::string with no DOM in
// between, because every REST answer and feed message is built once and sent.
// Commas are placed automatically; the caller only opens, writes and closes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hems {

class json_writer {
public:
  json_writer() { out_.reserve(256); }

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  /// Writes an object key; the next call writes its value.
  json_writer& key(std::string_view k);

  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view{s}); }
  json_writer& value(const std::string& s) { return value(std::string_view{s}); }
  json_writer& value(double d); ///< shortest round-trip form; NaN and infinities become null
  json_writer& value(std::int64_t i);
  json_writer& value(std::uint64_t u);
  json_writer& value(int i) { return value(static_cast<std::int64_t>(i)); }
  json_writer& value(unsigned u) { return value(static_cast<std::uint64_t>(u)); }
  json_writer& value(bool b);
  json_writer& null();
  /// Inserts text that is already valid JSON (a nested document).
  json_writer& raw(std::string_view json);
  /// Inserts already rendered, comma-separated array elements (none when
  /// empty): a cached stretch of a longer array.
  json_writer& raw_elements(std::string_view elements);
  /// Room for `bytes` more output (one allocation for a large answer).
  void reserve(std::size_t bytes) { out_.reserve(out_.size() + bytes); }

  /// key + value in one call.
  template <class T>
  json_writer& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

private:
  void before_value();

  std::string out_;
  // One flag per open container: true once it holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

/// Appends `s` as a JSON string literal (with quotes) to `out`.
void append_json_string(std::string& out, std::string_view s);
/// Appends a number as json_writer::value writes it (doubles in shortest
/// round-trip form, NaN and infinities as null).
void append_json_number(std::string& out, double d);
void append_json_number(std::string& out, std::int64_t i);
void append_json_number(std::string& out, std::uint64_t u);

} // namespace hems
