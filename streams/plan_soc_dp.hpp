#pragma once
// The battery's state of charge as an exact dynamic program. Given each
// slot's cost k_t(δ) of moving the state of charge by δ kWh (convex and
// piecewise linear, plan_slot.hpp), find the δ_t that minimise sum k_t(δ_t)
// while the state of charge stays in [lo, hi] after every slot and ends at
// least at end_lo.
//
// The value function V_t(s), the least cost of the slots after t from state
// s, is convex and piecewise linear. One step back,
//   V_{t-1}(s) = min over δ of k_t(δ) + V_t(s + δ),
// is the infimal convolution of V_t with k_t mirrored: the epigraphs add, so
// its segments are those of both merged by slope, then clipped to [lo, hi].
// V is therefore kept as one list of segments sorted by slope, and a step
// back is one merge. Where slot t's own segments land in the merged list is
// all the forward pass needs: at state s, δ_t is k_t's right end minus the
// part of those segments left of s. No V_t is stored.

#include <span>
#include <vector>

namespace hems::streams {

struct soc_limits {
  double lo = 0, hi = 0; ///< kWh, after every slot
  double start = 0;      ///< kWh, before the first slot
  double end_lo = 0;     ///< kWh, after the last slot (at least)
};

class soc_program {
public:
  /// Starts a program over `slots` slots; add them last to first.
  void reset(const soc_limits& limits, int slots);
  /// Instead of reset(): the last program's slots from `unchanged_from` on
  /// had the same curves as this one will have (same limits and slots, that
  /// program complete). Rewinds to its state after the nearest saved slot c
  /// >= unchanged_from and returns c: add slots c-1 down to 0 next. Returns
  /// `slots` (nothing kept, as after reset()) when no such state is saved.
  int rewind(int unchanged_from);
  /// Adds slot t (t = slots-1 first) with k_t given as points (delta
  /// increasing, value convex). False when no state satisfies every limit.
  bool add_slot(int t, std::span<const double> delta, std::span<const double> value);
  /// After slot 0: the least total cost from the start state, or infinity
  /// when the start state cannot reach the end.
  double finish() const;
  /// The optimal δ_t of every slot, and the state after each slot.
  void path(std::vector<double>& delta, std::vector<double>& soc) const;

private:
  struct segment {
    double slope, length;
  };
  soc_limits limits_;
  int slots_ = 0;
  double x0_ = 0, v0_ = 0;        // V's left end and value there
  std::vector<segment> segments_; // V by increasing slope, from segments_[first_]
  std::size_t first_ = 0;
  std::vector<segment> merged_; // scratch
  // Per slot: k's right end, its left end, and where its segments landed.
  std::vector<double> right_end_, left_end_;
  std::vector<int> placed_start_;
  std::vector<double> placed_at_, placed_length_;
  // The state after every slot t with t % checkpoint_every == 0, for rewind().
  static constexpr int checkpoint_every = 8;
  struct checkpoint {
    bool valid = false;
    double x0 = 0, v0 = 0;
    std::size_t placed = 0;
    std::vector<segment> segments;
  };
  std::vector<checkpoint> checkpoints_;
};

} // namespace hems::streams
