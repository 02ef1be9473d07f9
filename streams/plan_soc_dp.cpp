#include "streams/plan_soc_dp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hems::streams {

namespace {

// States within this of a limit (kWh) are on it: merged segment positions
// carry rounding of this order.
constexpr double state_tol = 1e-9;

} // namespace

void soc_program::reset(const soc_limits& limits, int slots) {
  limits_ = limits;
  slots_ = slots;
  x0_ = std::max(limits.lo, limits.end_lo);
  v0_ = 0;
  segments_.clear();
  first_ = 0;
  if (limits.hi > x0_)
    segments_.push_back({0.0, limits.hi - x0_});
  right_end_.assign(slots, 0.0);
  left_end_.assign(slots, 0.0);
  placed_start_.assign(slots + 1, 0);
  placed_at_.clear();
  placed_length_.clear();
  checkpoints_.resize(static_cast<std::size_t>(slots / checkpoint_every + 1));
  for (auto& c : checkpoints_)
    c.valid = false;
}

int soc_program::rewind(int unchanged_from) {
  int c = std::max(unchanged_from, 0);
  c = (c + checkpoint_every - 1) / checkpoint_every * checkpoint_every;
  if (c >= slots_ || checkpoints_.empty() || !checkpoints_[c / checkpoint_every].valid)
    return slots_;
  const auto& saved = checkpoints_[c / checkpoint_every];
  x0_ = saved.x0;
  v0_ = saved.v0;
  segments_.assign(saved.segments.begin(), saved.segments.end());
  first_ = 0;
  placed_at_.resize(saved.placed);
  placed_length_.resize(saved.placed);
  for (int k = 0; k < c / checkpoint_every; ++k) // c is a multiple of checkpoint_every
    checkpoints_[k].valid = false;               // until added again
  return c;
}

bool soc_program::add_slot(int t, std::span<const double> delta, std::span<const double> value) {
  const std::size_t n = delta.size();
  right_end_[t] = delta[n - 1];
  left_end_[t] = delta[0];
  // Slot t's segments are recorded from the back (slots arrive last first);
  // placed_start_ is fixed up in path().
  placed_start_[t] = static_cast<int>(placed_at_.size());

  // Mirrored k: from δ = right end leftwards, slopes negated, increasing.
  double x = x0_ - delta[n - 1];
  double v = v0_ + value[n - 1];
  std::size_t i = first_;
  const std::size_t m = segments_.size();
  // Written through a pointer into room for every segment of V and of k
  // (vector::insert's range path per run cost more than the copying).
  if (merged_.size() < m - first_ + n)
    merged_.resize(m - first_ + n);
  segment* out = merged_.data();
  std::size_t w = 0;
  double at = x;
  // Neighbours of equal slope are always joined, so V has none: between two
  // of k's segments V is copied as one run, and only a run's first segment
  // or one of k's can join the segment before it. `at` adds up every length
  // in order (the positions are the same as one segment at a time).
  for (std::size_t j = n - 1; j > 0; --j) { // k's segment [delta[j-1], delta[j]]
    const double k_length = delta[j] - delta[j - 1];
    const double k_slope = -(value[j] - value[j - 1]) / k_length;
    if (i < m && segments_[i].slope <= k_slope) { // ties: V first
      if (w > 0 && out[w - 1].slope == segments_[i].slope)
        out[w - 1].length += segments_[i].length;
      else
        out[w++] = segments_[i];
      at += segments_[i++].length;
      while (i < m && segments_[i].slope <= k_slope) {
        out[w++] = segments_[i];
        at += segments_[i++].length;
      }
    }
    placed_at_.push_back(at);
    placed_length_.push_back(k_length);
    if (w > 0 && out[w - 1].slope == k_slope)
      out[w - 1].length += k_length;
    else
      out[w++] = {k_slope, k_length};
    at += k_length;
  }
  if (i < m) {
    if (w > 0 && out[w - 1].slope == segments_[i].slope)
      out[w - 1].length += segments_[i].length;
    else
      out[w++] = segments_[i];
    at += segments_[i++].length;
    for (; i < m; ++i) {
      out[w++] = segments_[i];
      at += segments_[i].length;
    }
  }
  merged_.resize(w);

  // Clip to [lo, hi]: the state after slot t-1 must be within the limits.
  double end = at;
  if (x > limits_.hi + state_tol || end < limits_.lo - state_tol)
    return false;
  std::size_t f = 0;
  while (x < limits_.lo && f < merged_.size()) {
    double cut = std::min(merged_[f].length, limits_.lo - x);
    v += merged_[f].slope * cut;
    x += cut;
    merged_[f].length -= cut;
    if (merged_[f].length <= 0)
      ++f;
  }
  x = std::max(x, limits_.lo);
  while (end > limits_.hi && merged_.size() > f) {
    double cut = std::min(merged_.back().length, end - limits_.hi);
    merged_.back().length -= cut;
    end -= cut;
    if (merged_.back().length <= 0)
      merged_.pop_back();
  }
  x0_ = x;
  v0_ = v;
  segments_.swap(merged_);
  first_ = f;
  if (t % checkpoint_every == 0) {
    auto& saved = checkpoints_[t / checkpoint_every];
    saved.valid = true;
    saved.x0 = x0_;
    saved.v0 = v0_;
    saved.placed = placed_at_.size();
    saved.segments.assign(segments_.begin() + static_cast<std::ptrdiff_t>(first_), segments_.end());
  }
  return true;
}

double soc_program::finish() const {
  double s = limits_.start;
  if (s < x0_ - state_tol)
    return std::numeric_limits<double>::infinity();
  double v = v0_, x = x0_;
  for (std::size_t i = first_; i < segments_.size() && x < s; ++i) {
    double step = std::min(segments_[i].length, s - x);
    v += segments_[i].slope * step;
    x += step;
  }
  if (x < s - state_tol)
    return std::numeric_limits<double>::infinity();
  return v;
}

void soc_program::path(std::vector<double>& delta, std::vector<double>& soc) const {
  delta.resize(slots_);
  soc.resize(slots_);
  double s = limits_.start;
  for (int t = 0; t < slots_; ++t) {
    int begin = placed_start_[t];
    int end = t == 0 ? static_cast<int>(placed_at_.size()) : placed_start_[t - 1];
    double d = right_end_[t];
    for (int e = begin; e < end; ++e)
      d -= std::clamp(s - placed_at_[e], 0.0, placed_length_[e]);
    d = std::clamp(d, left_end_[t], right_end_[t]);
    double next = std::clamp(s + d, limits_.lo, limits_.hi);
    if (t + 1 == slots_)
      next = std::max(next, std::min(limits_.end_lo, limits_.hi));
    delta[t] = next - s;
    soc[t] = next;
    s = next;
  }
}

} // namespace hems::streams
