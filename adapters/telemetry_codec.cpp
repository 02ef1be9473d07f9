#include "adapters/telemetry_codec.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>

namespace hems::adapters {

namespace dom = simdjson::dom;

std::string_view to_string(frame_error e) {
  static constexpr std::array<std::string_view, frame_error_count> names{
    "too_large", "not_utf8", "not_json", "too_deep", "not_sample_or_array", "too_many_samples"};
  return names[static_cast<std::size_t>(e)];
}

std::string_view to_string(sample_error e) {
  static constexpr std::array<std::string_view, sample_error_count> names{
    "not_object", "duplicate_field", "home",       "device",     "ts",
    "power_w",    "energy_wh",       "state",      "seq",        "kind",
    "occupied",   "temperature_c",   "setpoint_c", "soc_pct"};
  return names[static_cast<std::size_t>(e)];
}

namespace {

// -- one JSON value, whichever simdjson API read it ------------------------

struct scalar {
  enum class type { null, boolean, integer, unsigned_integer, floating, string, structure, bad_number };
  type t = type::null;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string_view s;
};

// Stands in for a number beyond a double's range (see sanitize_numbers).
constexpr std::string_view out_of_range_marker = "~!~";

scalar read_scalar(dom::element e) {
  scalar v;
  switch (e.type()) {
    case dom::element_type::NULL_VALUE:
      v.t = scalar::type::null;
      break;
    case dom::element_type::BOOL:
      v.t = scalar::type::boolean;
      v.b = e.get_bool().value_unsafe();
      break;
    case dom::element_type::INT64:
      v.t = scalar::type::integer;
      v.i = e.get_int64().value_unsafe();
      break;
    case dom::element_type::UINT64:
      v.t = scalar::type::unsigned_integer;
      v.u = e.get_uint64().value_unsafe();
      break;
    case dom::element_type::DOUBLE:
      v.t = scalar::type::floating;
      v.d = e.get_double().value_unsafe();
      break;
    case dom::element_type::STRING:
      v.s = e.get_string().value_unsafe();
      v.t = v.s == out_of_range_marker ? scalar::type::bad_number : scalar::type::string;
      break;
    default:
      v.t = scalar::type::structure;
  }
  return v;
}

// Replaces every number token outside strings that simdjson's DOM parser
// refuses (beyond a double's range, or an integer beyond 64 bits) by the
// string marker, padded with spaces to the same length; the marker then
// reads as an out-of-range number. Returns how many were replaced.
std::size_t sanitize_numbers(char* text, std::size_t size) {
  std::size_t replaced = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < size; ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9'))
      continue;
    std::size_t end = i + 1;
    bool integral = true;
    while (end < size && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.' ||
                          text[end] == 'e' || text[end] == 'E' || text[end] == '+' ||
                          text[end] == '-')) {
      integral = integral && text[end] >= '0' && text[end] <= '9';
      ++end;
    }
    double d = 0;
    auto [ptr, ec] = std::from_chars(text + i, text + end, d);
    bool refused = ptr == text + end && (ec == std::errc::result_out_of_range || !std::isfinite(d));
    if (ptr == text + end && ec == std::errc{} && integral) {
      std::int64_t si = 0;
      std::uint64_t ui = 0;
      auto [p1, e1] = std::from_chars(text + i, text + end, si);
      auto [p2, e2] = std::from_chars(text + i, text + end, ui);
      refused = e1 != std::errc{} && e2 != std::errc{};
    }
    if (refused && end - i >= out_of_range_marker.size() + 2) {
      std::size_t k = i;
      text[k++] = '"';
      for (char m : out_of_range_marker)
        text[k++] = m;
      text[k++] = '"';
      while (k < end)
        text[k++] = ' ';
      ++replaced;
    }
    i = end - 1;
  }
  return replaced;
}

// -- the contract's rules, one field at a time --------------------------------

struct field_failure {
  sample_error reason;
  std::string detail;
};

enum field_bit : std::uint16_t {
  bit_home = 1 << 0,
  bit_device = 1 << 1,
  bit_ts = 1 << 2,
  bit_power = 1 << 3,
  bit_energy = 1 << 4,
  bit_state = 1 << 5,
  bit_seq = 1 << 6,
  bit_kind = 1 << 7,
  bit_occupied = 1 << 8,
  bit_temperature = 1 << 9,
  bit_setpoint = 1 << 10,
  bit_soc = 1 << 11,
};

struct field_rule {
  std::string_view name;
  sample_error reason;
  field_bit bit;
};

constexpr std::array<field_rule, 12> field_rules{{
  {"home", sample_error::home, bit_home},
  {"device", sample_error::device, bit_device},
  {"ts", sample_error::ts, bit_ts},
  {"power_w", sample_error::power_w, bit_power},
  {"energy_wh", sample_error::energy_wh, bit_energy},
  {"state", sample_error::state, bit_state},
  {"seq", sample_error::seq, bit_seq},
  {"kind", sample_error::kind, bit_kind},
  {"occupied", sample_error::occupied, bit_occupied},
  {"temperature_c", sample_error::temperature_c, bit_temperature},
  {"setpoint_c", sample_error::setpoint_c, bit_setpoint},
  {"soc_pct", sample_error::soc_pct, bit_soc},
}};

field_failure failure(const field_rule& rule, std::string_view problem) {
  std::string detail{rule.name};
  detail += ": ";
  detail += problem;
  return {rule.reason, std::move(detail)};
}

bool is_number(const scalar& v) {
  return v.t == scalar::type::integer || v.t == scalar::type::unsigned_integer ||
         v.t == scalar::type::floating;
}

double number_of(const scalar& v) {
  switch (v.t) {
    case scalar::type::integer:
      return static_cast<double>(v.i);
    case scalar::type::unsigned_integer:
      return static_cast<double>(v.u);
    default:
      return v.d;
  }
}

std::optional<field_failure> read_number(const field_rule& rule, const scalar& v, double lo,
                                         double hi, std::string_view range, double& out) {
  if (v.t == scalar::type::bad_number)
    return failure(rule, "not finite");
  if (!is_number(v))
    return failure(rule, "expected a number");
  double d = number_of(v);
  if (!std::isfinite(d))
    return failure(rule, "not finite");
  if (d < lo || d > hi)
    return failure(rule, std::string{"out of range "} + std::string{range});
  out = d;
  return std::nullopt;
}

std::optional<field_failure> read_optional_number(const field_rule& rule, const scalar& v,
                                                  double lo, double hi, std::string_view range,
                                                  std::optional<double>& out) {
  if (v.t == scalar::type::null)
    return std::nullopt; // null means "not reported" for optional fields
  double d = 0;
  if (auto err = read_number(rule, v, lo, hi, range, d))
    return err;
  out = d;
  return std::nullopt;
}

std::optional<field_failure> read_id(const field_rule& rule, const scalar& v, std::string& out) {
  if (v.t != scalar::type::string)
    return failure(rule, "expected a string");
  if (!is_valid_id(v.s))
    return failure(rule, "not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  out.assign(v.s);
  return std::nullopt;
}

std::optional<field_failure> apply_field(const field_rule& rule, const scalar& v, sample& s) {
  switch (rule.bit) {
    case bit_home:
      return read_id(rule, v, s.home);
    case bit_device:
      return read_id(rule, v, s.device);
    case bit_ts: {
      if (v.t == scalar::type::integer && v.i >= min_ts_ms && v.i < max_ts_ms) {
        s.ts_ms = v.i;
        return std::nullopt;
      }
      if (v.t == scalar::type::floating && std::floor(v.d) == v.d && v.d >= min_ts_ms &&
          v.d < max_ts_ms) {
        s.ts_ms = static_cast<millis>(v.d);
        return std::nullopt;
      }
      if (v.t == scalar::type::floating)
        return failure(rule, "expected whole milliseconds since the Unix epoch");
      if (!is_number(v) && v.t != scalar::type::bad_number)
        return failure(rule, "expected a number (milliseconds since the Unix epoch)");
      return failure(rule, "out of range (2000-01-01 .. 2100-01-01)");
    }
    case bit_power:
      return read_number(rule, v, -1e6, 1e6, "-1e6..1e6", s.power_w);
    case bit_energy:
      return read_optional_number(rule, v, -1e15, 1e15, "-1e15..1e15", s.energy_wh);
    case bit_state: {
      if (v.t == scalar::type::null)
        return std::nullopt;
      auto st = v.t == scalar::type::string ? parse_device_state(v.s) : std::nullopt;
      if (!st)
        return failure(rule, "expected one of on, off, standby, unavailable");
      s.state = *st;
      return std::nullopt;
    }
    case bit_seq: {
      if (v.t == scalar::type::null)
        return std::nullopt;
      if (v.t == scalar::type::integer && v.i >= 0) {
        s.seq = static_cast<std::uint64_t>(v.i);
        return std::nullopt;
      }
      if (v.t == scalar::type::unsigned_integer) {
        s.seq = v.u;
        return std::nullopt;
      }
      return failure(rule, "expected a non-negative integer below 2^64");
    }
    case bit_kind: {
      if (v.t == scalar::type::null)
        return std::nullopt;
      auto k = v.t == scalar::type::string ? parse_device_kind(v.s) : std::nullopt;
      if (!k)
        return failure(rule, "expected one of light, plug, appliance, thermostat, hvac, "
                             "water_heater, ev_charger, pv, battery, meter, presence");
      s.kind = *k;
      return std::nullopt;
    }
    case bit_occupied:
      if (v.t == scalar::type::null)
        return std::nullopt;
      if (v.t != scalar::type::boolean)
        return failure(rule, "expected true or false");
      s.occupied = v.b;
      return std::nullopt;
    case bit_temperature:
      return read_optional_number(rule, v, -100, 200, "-100..200", s.temperature_c);
    case bit_setpoint:
      return read_optional_number(rule, v, -100, 200, "-100..200", s.setpoint_c);
    case bit_soc:
      return read_optional_number(rule, v, 0, 100, "0..100", s.soc_pct);
  }
  return std::nullopt;
}

// Accumulates one sample's fields in any order, then checks required ones.
class sample_builder {
public:
  /// Returns false once the sample is rejected (later fields are ignored).
  void field(std::string_view key, const scalar& v) {
    if (failure_)
      return;
    for (const auto& rule : field_rules) {
      if (rule.name != key)
        continue;
      if (seen_ & rule.bit) {
        failure_ = failure(rule, "duplicate field");
        failure_->reason = sample_error::duplicate_field;
        return;
      }
      seen_ |= rule.bit;
      if (v.t == scalar::type::null && (rule.bit & required_bits))
        failure_ = failure(rule, "null, expected a value");
      else
        failure_ = apply_field(rule, v, sample_);
      return;
    }
    // unknown fields are ignored, as the contract says
  }

  /// Moves the sample or its rejection into `out`.
  void finish(std::uint32_t index, decoded_samples& out) {
    if (!failure_) {
      for (const auto& rule : field_rules)
        if ((rule.bit & required_bits) && !(seen_ & rule.bit)) {
          failure_ = failure(rule, "missing");
          break;
        }
    }
    if (failure_) {
      out.rejected.push_back({index, failure_->reason, std::move(failure_->detail)});
    } else {
      out.samples.push_back(std::move(sample_));
      out.indexes.push_back(index);
    }
  }

private:
  static constexpr std::uint16_t required_bits = bit_home | bit_device | bit_ts | bit_power;
  sample sample_;
  std::uint16_t seen_ = 0;
  std::optional<field_failure> failure_;
};

void reject_not_object(std::uint32_t index, decoded_samples& out) {
  out.rejected.push_back({index, sample_error::not_object, "sample: expected a JSON object"});
}

void decode_object(dom::object obj, std::uint32_t index, decoded_samples& out) {
  sample_builder b;
  for (auto [key, value] : obj)
    b.field(key, read_scalar(value));
  b.finish(index, out);
}

frame_error frame_error_of(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR:
      return frame_error::not_utf8;
    case simdjson::DEPTH_ERROR:
      return frame_error::too_deep;
    case simdjson::CAPACITY:
      return frame_error::too_large;
    default:
      return frame_error::not_json;
  }
}

} // namespace

telemetry_decoder::telemetry_decoder() {
  if (parser_.allocate(max_frame_bytes, max_json_depth) != simdjson::SUCCESS)
    throw std::bad_alloc{};
  buffer_.reserve(max_frame_bytes + simdjson::SIMDJSON_PADDING);
}

std::expected<dom::element, frame_error> telemetry_decoder::parse(std::string_view frame) {
  if (frame.size() > max_frame_bytes)
    return std::unexpected(frame_error::too_large);
  // Copy into a buffer with simdjson's padding so the parser can read ahead.
  buffer_.assign(frame);
  buffer_.append(simdjson::SIMDJSON_PADDING, '\0');
  dom::element root;
  auto code = parser_.parse(buffer_.data(), frame.size(), false).get(root);
  if (code)
    return std::unexpected(frame_error_of(code));
  return root;
}

std::expected<void, frame_error> telemetry_decoder::decode_samples(dom::element root,
                                                                   decoded_samples& out) {
  if (root.type() == dom::element_type::OBJECT) {
    decode_object(root.get_object().value_unsafe(), 0, out);
    return {};
  }
  if (root.type() != dom::element_type::ARRAY)
    return std::unexpected(frame_error::not_sample_or_array);
  auto array = root.get_array().value_unsafe();
  if (array.size() > max_samples_per_frame)
    return std::unexpected(frame_error::too_many_samples);
  out.samples.reserve(out.samples.size() + array.size());
  std::uint32_t index = 0;
  for (auto element : array) {
    if (element.type() == dom::element_type::OBJECT)
      decode_object(element.get_object().value_unsafe(), index, out);
    else
      reject_not_object(index, out);
    ++index;
  }
  return {};
}

std::expected<void, frame_error> telemetry_decoder::decode_frame(std::string_view frame,
                                                                 decoded_samples& out) {
  out.clear();
  auto root = parse(frame);
  if (root)
    return decode_samples(*root, out);
  if (root.error() != frame_error::not_json)
    return std::unexpected(root.error());
  // The fast parser refuses a whole document over one number beyond a
  // double's range (1e400); such a number breaks only its own sample.
  return decode_frame_slow(out);
}

std::expected<void, frame_error> telemetry_decoder::decode_frame_slow(decoded_samples& out) {
  std::size_t size = buffer_.size() - simdjson::SIMDJSON_PADDING;
  if (sanitize_numbers(buffer_.data(), size) == 0)
    return std::unexpected(frame_error::not_json);
  dom::element root;
  if (auto code = parser_.parse(buffer_.data(), size, false).get(root))
    return std::unexpected(frame_error_of(code));
  return decode_samples(root, out);
}

} // namespace hems::adapters
