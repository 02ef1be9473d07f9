#pragma once
// Deterministic randomness for the simulator.
//
// Every random choice is drawn from a generator seeded by hashing the
// neighbourhood seed with what the choice is about (a home, a device, a day),
// so the same seed always gives the same homes, and a day's plan can be
// computed directly for any day without replaying the days before it.
// The distributions are written here rather than taken from <random>, whose
// distributions are not specified bit for bit across standard libraries.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

namespace hems::sim {

/// SplitMix64's finalizer: a strong 64-bit mix.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a of a text, to fold names into seeds.
constexpr std::uint64_t hash_text(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// A seed for "this thing, under that seed".
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t what) {
  return splitmix64(seed ^ splitmix64(what));
}
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::string_view what) {
  return derive_seed(seed, hash_text(what));
}

/// SplitMix64 as a generator: small, fast, and good enough for simulation.
class rng {
public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [lo, hi] (inclusive).
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % span);
  }
  bool chance(double p) { return uniform() < p; }
  /// Normal by Box-Muller (one value per call; simplicity over speed).
  double normal(double mean, double sd) {
    double u1 = 1.0 - uniform(); // (0, 1]: log stays finite
    double u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

private:
  std::uint64_t state_;
};

} // namespace hems::sim
