#include "storage/records.hpp"

#include <cstring>

#include "storage/store.hpp"

namespace hems::storage {

result<void>
for_each_record(store& db, collection c,
                const std::function<void(std::string_view key, std::string_view value)>& visit) {
  record_query q;
  q.limit = 1000;
  for (;;) {
    auto page = db.scan_records(c, q);
    if (!page)
      return std::unexpected(page.error());
    for (const auto& [key, value] : page->records)
      visit(key, value);
    if (!page->more || page->records.empty())
      return {};
    q.start = page->records.back().first + '\0'; // strictly after the last key
  }
}

namespace {

constexpr std::uint8_t sample_format_v1 = 1;
constexpr std::uint8_t device_format_v1 = 1;
constexpr std::uint8_t command_format_v1 = 1;

enum sample_flags : std::uint8_t {
  has_energy = 1 << 0,
  has_seq = 1 << 1,
  has_occupied = 1 << 2,
  occupied_true = 1 << 3,
  has_temperature = 1 << 4,
  has_setpoint = 1 << 5,
  has_soc = 1 << 6,
};

void put_u8(std::string& out, std::uint8_t v) {
  out.push_back(static_cast<char>(v));
}

void put_f64(std::string& out, double v) {
  char buf[8];
  std::memcpy(buf, &v, 8);
  out.append(buf, 8);
}

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

// Reads from a byte string, remembering whether it ran out.
class reader {
public:
  explicit reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }

  std::uint8_t u8() {
    if (in_.empty())
      return fail<std::uint8_t>();
    auto v = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return v;
  }
  double f64() {
    if (in_.size() < 8)
      return fail<double>();
    double v;
    std::memcpy(&v, in_.data(), 8);
    in_.remove_prefix(8);
    return v;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      auto b = u8();
      if (!ok_)
        return 0;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
    return fail<std::uint64_t>();
  }
  std::string_view string() {
    auto n = varint();
    if (!ok_ || n > in_.size())
      return fail<std::string_view>();
    auto s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }

private:
  template <class T> T fail() {
    ok_ = false;
    in_ = {};
    return T{};
  }
  std::string_view in_;
  bool ok_ = true;
};

std::uint64_t read_big_endian(std::string_view bytes) {
  std::uint64_t v = 0;
  for (char c : bytes)
    v = (v << 8) | static_cast<std::uint8_t>(c);
  return v;
}

// The sample fields that follow the key, shared by both encodings.
void put_sample_body(std::string& out, const sample& s) {
  std::uint8_t flags = 0;
  if (s.energy_wh)
    flags |= has_energy;
  if (s.seq)
    flags |= has_seq;
  if (s.occupied)
    flags |= has_occupied | (*s.occupied ? occupied_true : 0);
  if (s.temperature_c)
    flags |= has_temperature;
  if (s.setpoint_c)
    flags |= has_setpoint;
  if (s.soc_pct)
    flags |= has_soc;
  put_u8(out, flags);
  put_u8(out, static_cast<std::uint8_t>(s.state));
  put_u8(out, static_cast<std::uint8_t>(s.kind));
  put_f64(out, s.power_w);
  if (s.energy_wh)
    put_f64(out, *s.energy_wh);
  if (s.seq)
    put_varint(out, *s.seq);
  if (s.temperature_c)
    put_f64(out, *s.temperature_c);
  if (s.setpoint_c)
    put_f64(out, *s.setpoint_c);
  if (s.soc_pct)
    put_f64(out, *s.soc_pct);
}

bool read_sample_body(reader& in, sample& s) {
  auto flags = in.u8();
  auto state = in.u8();
  auto kind = in.u8();
  if (!in.ok() || state > static_cast<std::uint8_t>(device_state::unavailable) ||
      kind > static_cast<std::uint8_t>(device_kind::presence))
    return false;
  s.state = static_cast<device_state>(state);
  s.kind = static_cast<device_kind>(kind);
  s.power_w = in.f64();
  if (flags & has_energy)
    s.energy_wh = in.f64();
  if (flags & has_seq)
    s.seq = in.varint();
  if (flags & has_occupied)
    s.occupied = (flags & occupied_true) != 0;
  if (flags & has_temperature)
    s.temperature_c = in.f64();
  if (flags & has_setpoint)
    s.setpoint_c = in.f64();
  if (flags & has_soc)
    s.soc_pct = in.f64();
  return in.ok();
}

} // namespace

void append_big_endian(std::string& out, std::uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>((v >> (56 - 8 * i)) & 0xff);
  out.append(bytes, 8);
}

std::string device_key(std::string_view home, std::string_view device) {
  std::string key;
  key.reserve(home.size() + device.size() + 2);
  key.append(home);
  key.push_back('\0');
  key.append(device);
  key.push_back('\0');
  return key;
}

std::string sample_key(std::string_view home, std::string_view device, millis ts,
                       std::uint64_t seq) {
  std::string key;
  assign_sample_key(key, home, device, ts, seq);
  return key;
}

void assign_sample_key(std::string& out, std::string_view home, std::string_view device, millis ts,
                       std::uint64_t seq) {
  out.clear();
  out.reserve(home.size() + device.size() + 18);
  out.append(home);
  out.push_back('\0');
  out.append(device);
  out.push_back('\0');
  append_big_endian(out, static_cast<std::uint64_t>(ts));
  append_big_endian(out, seq);
}

std::optional<sample_key_parts> parse_sample_key(std::string_view key) {
  auto first = key.find('\0');
  if (first == std::string_view::npos)
    return std::nullopt;
  auto second = key.find('\0', first + 1);
  if (second == std::string_view::npos || key.size() != second + 1 + 16)
    return std::nullopt;
  sample_key_parts parts;
  parts.home = key.substr(0, first);
  parts.device = key.substr(first + 1, second - first - 1);
  parts.ts = static_cast<millis>(read_big_endian(key.substr(second + 1, 8)));
  parts.seq = read_big_endian(key.substr(second + 9, 8));
  return parts;
}

std::string encode_sample_value(const sample& s) {
  std::string out;
  assign_sample_value(out, s);
  return out;
}

void assign_sample_value(std::string& out, const sample& s) {
  out.clear();
  out.reserve(32);
  put_u8(out, sample_format_v1);
  put_sample_body(out, s);
}

result<sample> decode_sample(std::string_view key, std::string_view value) {
  auto parts = parse_sample_key(key);
  if (!parts)
    return fail(errc::corruption, "sample key is malformed");
  sample s;
  s.home.assign(parts->home);
  s.device.assign(parts->device);
  s.ts_ms = parts->ts;
  reader in{value};
  if (in.u8() != sample_format_v1 || !read_sample_body(in, s) || !in.at_end())
    return fail(errc::corruption, "sample value of " + s.home + "/" + s.device + " is malformed");
  return s;
}

std::string encode_device_record(const device_record& r) {
  std::string out;
  out.reserve(96);
  put_u8(out, device_format_v1);
  put_string(out, r.home);
  put_string(out, r.device);
  put_u8(out, static_cast<std::uint8_t>(r.kind));
  put_varint(out, static_cast<std::uint64_t>(r.first_seen_ms));
  put_varint(out, static_cast<std::uint64_t>(r.last_seen_ms));
  put_u8(out, r.last_seq ? 1 : 0);
  if (r.last_seq)
    put_varint(out, *r.last_seq);
  put_varint(out, static_cast<std::uint64_t>(r.last.ts_ms));
  put_sample_body(out, r.last);
  return out;
}

result<device_record> decode_device_record(std::string_view value) {
  reader in{value};
  device_record r;
  if (in.u8() != device_format_v1)
    return fail(errc::corruption, "device record has an unknown format");
  r.home.assign(in.string());
  r.device.assign(in.string());
  auto kind = in.u8();
  r.first_seen_ms = static_cast<millis>(in.varint());
  r.last_seen_ms = static_cast<millis>(in.varint());
  if (in.u8())
    r.last_seq = in.varint();
  r.last.ts_ms = static_cast<millis>(in.varint());
  if (!in.ok() || kind > static_cast<std::uint8_t>(device_kind::presence) ||
      !read_sample_body(in, r.last) || !in.at_end())
    return fail(errc::corruption, "device record is malformed");
  r.kind = static_cast<device_kind>(kind);
  r.last.home = r.home;
  r.last.device = r.device;
  return r;
}

std::string command_key(const command& c) {
  std::string key;
  key.reserve(c.home.size() + c.id.size() + 9);
  key.append(c.home);
  key.push_back('\0');
  append_big_endian(key, static_cast<std::uint64_t>(c.issued_ms));
  key.append(c.id);
  return key;
}

std::string encode_command_record(const command_record& r) {
  std::string out;
  out.reserve(128);
  const auto& c = r.cmd;
  put_u8(out, command_format_v1);
  put_string(out, c.id);
  put_string(out, c.home);
  put_string(out, c.device);
  put_u8(out, static_cast<std::uint8_t>(c.action));
  put_varint(out, c.params.size());
  for (const auto& [name, value] : c.params) {
    put_string(out, name);
    put_f64(out, value);
  }
  put_string(out, c.reason);
  put_string(out, c.source);
  put_varint(out, static_cast<std::uint64_t>(c.issued_ms));
  put_varint(out, static_cast<std::uint64_t>(c.expires_ms));
  put_u8(out, static_cast<std::uint8_t>(r.status));
  put_string(out, r.detail);
  put_varint(out, r.attempts);
  put_varint(out, static_cast<std::uint64_t>(r.updated_ms));
  return out;
}

result<command_record> decode_command_record(std::string_view value) {
  reader in{value};
  command_record r;
  auto& c = r.cmd;
  if (in.u8() != command_format_v1)
    return fail(errc::corruption, "command record has an unknown format");
  c.id.assign(in.string());
  c.home.assign(in.string());
  c.device.assign(in.string());
  auto action = in.u8();
  auto params = in.varint();
  for (std::uint64_t i = 0; i < params && in.ok(); ++i) {
    std::string name{in.string()};
    c.params[name] = in.f64();
  }
  c.reason.assign(in.string());
  c.source.assign(in.string());
  c.issued_ms = static_cast<millis>(in.varint());
  c.expires_ms = static_cast<millis>(in.varint());
  auto status = in.u8();
  r.detail.assign(in.string());
  r.attempts = static_cast<std::uint32_t>(in.varint());
  r.updated_ms = static_cast<millis>(in.varint());
  if (!in.ok() || !in.at_end() || action > static_cast<std::uint8_t>(command_action::start) ||
      status > static_cast<std::uint8_t>(command_status::no_hub))
    return fail(errc::corruption, "command record is malformed");
  c.action = static_cast<command_action>(action);
  r.status = static_cast<command_status>(status);
  return r;
}

} // namespace hems::storage
