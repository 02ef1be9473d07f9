#include "storage/sample_chunk.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>

namespace hems::storage {

namespace {

constexpr std::uint8_t chunk_format_v1 = 1;

// -- bytes ----------------------------------------------------------------------

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

class reader {
public:
  explicit reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }
  std::uint8_t u8() {
    if (in_.empty()) {
      ok_ = false;
      return 0;
    }
    auto v = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return v;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok_; shift += 7) {
      auto b = u8();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
    ok_ = false;
    return 0;
  }
  std::uint64_t raw64() {
    if (in_.size() < 8) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v;
    std::memcpy(&v, in_.data(), 8);
    in_.remove_prefix(8);
    return v;
  }

private:
  std::string_view in_;
  bool ok_ = true;
};

// -- columns ------------------------------------------------------------------------

// Runs of equal small values: (value, length) pairs until n are covered.
void put_runs(std::string& out, std::span<const std::uint8_t> values) {
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j < values.size() && values[j] == values[i])
      ++j;
    out.push_back(static_cast<char>(values[i]));
    put_varint(out, j - i);
    i = j;
  }
}

bool read_runs(reader& in, std::size_t n, std::vector<std::uint8_t>& values) {
  values.clear();
  while (values.size() < n && in.ok()) {
    auto v = in.u8();
    auto len = in.varint();
    if (len == 0 || len > n - values.size())
      return false;
    values.insert(values.end(), len, v);
  }
  return in.ok();
}

// Integers as the delta of deltas (wrapping, so any uint64 round-trips).
void put_dod(std::string& out, std::span<const std::uint64_t> v) {
  std::uint64_t prev = 0, prev_delta = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint64_t delta = v[i] - prev;
    put_varint(out, zigzag(static_cast<std::int64_t>(delta - prev_delta)));
    prev = v[i];
    prev_delta = delta;
  }
}

bool read_dod(reader& in, std::size_t n, std::vector<std::uint64_t>& v) {
  v.resize(n);
  std::uint64_t prev = 0, prev_delta = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t delta = prev_delta + static_cast<std::uint64_t>(unzigzag(in.varint()));
    v[i] = prev + delta;
    prev = v[i];
    prev_delta = delta;
  }
  return in.ok();
}

// Integers as plain deltas (for values that move up and down: power).
void put_delta(std::string& out, std::span<const std::uint64_t> v) {
  std::uint64_t prev = 0;
  for (auto x : v) {
    put_varint(out, zigzag(static_cast<std::int64_t>(x - prev)));
    prev = x;
  }
}

bool read_delta(reader& in, std::size_t n, std::vector<std::uint64_t>& v) {
  v.resize(n);
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    prev += static_cast<std::uint64_t>(unzigzag(in.varint()));
    v[i] = prev;
  }
  return in.ok();
}

constexpr std::array<double, 7> powers_of_ten{1, 10, 100, 1e3, 1e4, 1e5, 1e6};

// The smallest decimal scale at which every value is an integer that divides
// back to exactly the same double; nullopt when there is none.
std::optional<std::size_t> decimal_scale(std::span<const double> values) {
  for (std::size_t k = 0; k < powers_of_ten.size(); ++k) {
    bool ok = true;
    for (double v : values) {
      double scaled = std::nearbyint(v * powers_of_ten[k]);
      if (!(std::fabs(scaled) < 0x1p50)) {
        ok = false;
        break;
      }
      // Exactly what decoding computes (-0.0 becomes 0 on the way: not exact).
      double back = static_cast<double>(static_cast<std::int64_t>(scaled)) / powers_of_ten[k];
      if (std::bit_cast<std::uint64_t>(back) != std::bit_cast<std::uint64_t>(v)) {
        ok = false;
        break;
      }
    }
    if (ok)
      return k;
  }
  return std::nullopt;
}

enum number_mode : std::uint8_t { absent = 0, decimal_delta = 1, decimal_dod = 2, raw = 3 };

// An optional number per sample: which samples have it (runs), then the values.
void put_numbers(std::string& out, std::span<const std::optional<double>> column) {
  std::vector<std::uint8_t> present(column.size());
  std::vector<double> values;
  for (std::size_t i = 0; i < column.size(); ++i)
    if ((present[i] = column[i].has_value()))
      values.push_back(*column[i]);
  if (values.empty()) {
    out.push_back(static_cast<char>(absent));
    return;
  }
  auto k = decimal_scale(values);
  std::string body;
  std::uint8_t mode = raw;
  if (k) {
    std::vector<std::uint64_t> ints(values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      ints[i] = static_cast<std::uint64_t>(
          static_cast<std::int64_t>(std::nearbyint(values[i] * powers_of_ten[*k])));
    std::string by_delta, by_dod;
    put_delta(by_delta, ints);
    put_dod(by_dod, ints);
    bool dod = by_dod.size() < by_delta.size();
    mode = dod ? decimal_dod : decimal_delta;
    body.push_back(static_cast<char>(*k));
    body += dod ? by_dod : by_delta;
  } else {
    for (double v : values) {
      char buf[8];
      std::memcpy(buf, &v, 8);
      body.append(buf, 8);
    }
  }
  out.push_back(static_cast<char>(mode));
  put_runs(out, present);
  out += body;
}

bool read_numbers(reader& in, std::size_t n, std::vector<std::optional<double>>& column) {
  column.assign(n, std::nullopt);
  auto mode = in.u8();
  if (mode == absent)
    return in.ok();
  std::vector<std::uint8_t> present;
  if (mode > raw || !read_runs(in, n, present))
    return false;
  std::size_t count = 0;
  for (auto p : present)
    count += p ? 1 : 0;
  std::vector<double> values(count);
  if (mode == raw) {
    for (auto& v : values)
      v = std::bit_cast<double>(in.raw64());
  } else {
    auto k = in.u8();
    if (k >= powers_of_ten.size())
      return false;
    std::vector<std::uint64_t> ints;
    if (!(mode == decimal_dod ? read_dod(in, count, ints) : read_delta(in, count, ints)))
      return false;
    for (std::size_t i = 0; i < count; ++i)
      values[i] = static_cast<double>(static_cast<std::int64_t>(ints[i])) / powers_of_ten[k];
  }
  for (std::size_t i = 0, j = 0; i < n; ++i)
    if (present[i])
      column[i] = values[j++];
  return in.ok();
}

enum seq_mode : std::uint8_t { no_seq = 0, seq_is_ts = 1, seq_dod = 2 };

} // namespace

std::string encode_sample_chunk(std::span<const sample> samples) {
  std::string out;
  out.reserve(16 + samples.size() * 4);
  out.push_back(static_cast<char>(chunk_format_v1));
  const auto n = samples.size();
  put_varint(out, n);
  if (n == 0)
    return out;

  std::vector<std::uint64_t> ints(n);
  for (std::size_t i = 0; i < n; ++i)
    ints[i] = static_cast<std::uint64_t>(samples[i].ts_ms);
  put_dod(out, ints);

  // seq: absent everywhere, equal to ts everywhere (the simulator), or its own column.
  bool all_seq = true, none_seq = true, seq_ts = true;
  for (const auto& s : samples) {
    all_seq = all_seq && s.seq.has_value();
    none_seq = none_seq && !s.seq.has_value();
    seq_ts = seq_ts && s.seq && *s.seq == static_cast<std::uint64_t>(s.ts_ms);
  }
  if (none_seq) {
    out.push_back(static_cast<char>(no_seq));
  } else if (seq_ts) {
    out.push_back(static_cast<char>(seq_is_ts));
  } else {
    out.push_back(static_cast<char>(seq_dod));
    std::vector<std::uint8_t> present(n);
    std::vector<std::uint64_t> seqs;
    for (std::size_t i = 0; i < n; ++i)
      if ((present[i] = samples[i].seq.has_value()))
        seqs.push_back(*samples[i].seq);
    put_runs(out, present);
    put_dod(out, seqs);
  }

  std::vector<std::optional<double>> column(n);
  auto numbers = [&](auto field) {
    for (std::size_t i = 0; i < n; ++i)
      column[i] = field(samples[i]);
    put_numbers(out, column);
  };
  numbers([](const sample& s) { return std::optional<double>{s.power_w}; });
  numbers([](const sample& s) { return s.energy_wh; });
  numbers([](const sample& s) { return s.temperature_c; });
  numbers([](const sample& s) { return s.setpoint_c; });
  numbers([](const sample& s) { return s.soc_pct; });

  std::vector<std::uint8_t> small(n);
  for (std::size_t i = 0; i < n; ++i)
    small[i] = static_cast<std::uint8_t>(samples[i].state);
  put_runs(out, small);
  for (std::size_t i = 0; i < n; ++i)
    small[i] = static_cast<std::uint8_t>(samples[i].kind);
  put_runs(out, small);
  for (std::size_t i = 0; i < n; ++i)
    small[i] = samples[i].occupied ? (*samples[i].occupied ? 2 : 1) : 0;
  put_runs(out, small);
  return out;
}

result<void> decode_sample_chunk(std::string_view chunk, std::string_view home,
                                 std::string_view device, std::vector<sample>& out) {
  auto bad = [&] {
    return fail(errc::corruption, "sample chunk of " + std::string{home} + "/" +
                                      std::string{device} + " is malformed");
  };
  reader in{chunk};
  if (in.u8() != chunk_format_v1)
    return bad();
  auto n64 = in.varint();
  if (!in.ok() || n64 > chunk.size()) // every sample costs at least a byte of time
    return bad();
  auto n = static_cast<std::size_t>(n64);
  if (n == 0)
    return in.at_end() ? result<void>{} : bad();
  std::vector<std::uint64_t> ts;
  if (!read_dod(in, n, ts))
    return bad();
  std::vector<std::optional<std::uint64_t>> seqs(n);
  auto mode = in.u8();
  if (mode == seq_is_ts) {
    for (std::size_t i = 0; i < n; ++i)
      seqs[i] = ts[i];
  } else if (mode == seq_dod) {
    std::vector<std::uint8_t> present;
    if (!read_runs(in, n, present))
      return bad();
    std::size_t count = 0;
    for (auto p : present)
      count += p ? 1 : 0;
    std::vector<std::uint64_t> values;
    if (!read_dod(in, count, values))
      return bad();
    for (std::size_t i = 0, j = 0; i < n; ++i)
      if (present[i])
        seqs[i] = values[j++];
  } else if (mode != no_seq) {
    return bad();
  }
  std::vector<std::optional<double>> power, energy, temperature, setpoint, soc;
  if (!read_numbers(in, n, power) || !read_numbers(in, n, energy) ||
      !read_numbers(in, n, temperature) || !read_numbers(in, n, setpoint) ||
      !read_numbers(in, n, soc))
    return bad();
  std::vector<std::uint8_t> state, kind, occupied;
  if (!read_runs(in, n, state) || !read_runs(in, n, kind) || !read_runs(in, n, occupied) ||
      !in.at_end())
    return bad();
  out.reserve(out.size() + n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!power[i] || state[i] > static_cast<std::uint8_t>(device_state::unavailable) ||
        kind[i] > static_cast<std::uint8_t>(device_kind::presence) || occupied[i] > 2)
      return bad();
    sample& s = out.emplace_back();
    s.home.assign(home);
    s.device.assign(device);
    s.ts_ms = static_cast<millis>(ts[i]);
    s.seq = seqs[i];
    s.power_w = *power[i];
    s.energy_wh = energy[i];
    s.temperature_c = temperature[i];
    s.setpoint_c = setpoint[i];
    s.soc_pct = soc[i];
    s.state = static_cast<device_state>(state[i]);
    s.kind = static_cast<device_kind>(kind[i]);
    if (occupied[i])
      s.occupied = occupied[i] == 2;
  }
  return {};
}

} // namespace hems::storage
