#include "streams/forecast.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "streams/patterns.hpp"

namespace hems::streams {

namespace {

constexpr std::int64_t quarters_per_day = day_ms / quarter_ms;

/// A series' quarters by local quarter number (local ms / 15 min), in kW.
class local_quarters {
public:
  local_quarters(std::span<const usage_window> history, millis from, millis to,
                 const local_zone& zone) {
    kw_.reserve(history.size());
    for (const auto& w : history) {
      if (w.start < from || w.start >= to)
        continue;
      if (auto p = quarter_power_w(w))
        kw_[floor_div(zone.to_local(w.start), quarter_ms)] = *p / 1000.0;
    }
  }
  std::optional<double> at(std::int64_t local_quarter) const {
    auto it = kw_.find(local_quarter);
    if (it == kw_.end())
      return std::nullopt;
    return it->second;
  }
  bool empty() const { return kw_.empty(); }
  double mean() const {
    double sum = 0;
    for (const auto& [q, kw] : kw_)
      sum += kw;
    return kw_.empty() ? 0 : sum / static_cast<double>(kw_.size());
  }

private:
  std::unordered_map<std::int64_t, double> kw_;
};

/// The profile's value for local quarter number `lq`: the smoothed,
/// recency-weighted means over the same weekday and the same kind of day.
std::optional<double> profile_at(const local_quarters& h, std::int64_t lq,
                                 const forecast_settings& s) {
  auto day = floor_div(lq, quarters_per_day);
  auto q = lq - day * quarters_per_day;
  bool weekend = weekday_of(day) >= 5;
  enum class days { same_weekday, same_kind, all };
  auto mean_over = [&](days which) -> std::optional<double> {
    double sum = 0, weights = 0;
    for (int k = 1; k <= s.history_days; ++k) {
      auto d = day - k;
      if (which == days::same_weekday && k % 7 != 0)
        continue;
      if (which == days::same_kind && (weekday_of(d) >= 5) != weekend)
        continue;
      double w_day = std::exp2(-k / s.day_half_life);
      for (int j = -s.smooth_quarters; j <= s.smooth_quarters; ++j) {
        auto v = h.at(d * quarters_per_day + q + j);
        if (!v)
          continue;
        double w = w_day * (s.smooth_quarters + 1 - std::abs(j));
        sum += w * *v;
        weights += w;
      }
    }
    if (weights == 0)
      return std::nullopt;
    return sum / weights;
  };
  auto week = mean_over(days::same_weekday);
  auto kind = mean_over(days::same_kind);
  if (week && kind)
    return s.same_weekday_weight * *week + (1 - s.same_weekday_weight) * *kind;
  if (week || kind)
    return week ? week : kind;
  // A young home that has not seen this kind of day yet: any day will do.
  return mean_over(days::all);
}

} // namespace

load_forecast forecast_base_load(std::span<const usage_window> history, millis start,
                                 const local_zone& zone, const forecast_settings& s) {
  load_forecast out{start, std::vector<double>(static_cast<std::size_t>(std::max(0, s.horizon)))};
  local_quarters h{history, start - (s.history_days + 1) * day_ms, start, zone};
  if (h.empty())
    return out;
  double fallback = h.mean();

  // The recent level: how far the last hours ran from the profile.
  double level = 0;
  int level_n = 0;
  auto level_quarters = static_cast<int>(s.level_window_h * 4);
  for (int i = 1; i <= level_quarters; ++i) {
    auto lq = floor_div(zone.to_local(start - i * quarter_ms), quarter_ms);
    auto actual = h.at(lq);
    auto expected = profile_at(h, lq, s);
    if (actual && expected) {
      level += *actual - *expected;
      ++level_n;
    }
  }
  if (level_n > 0)
    level /= level_n;

  for (int i = 0; i < s.horizon; ++i) {
    millis t = start + i * quarter_ms;
    auto lq = floor_div(zone.to_local(t), quarter_ms);
    double ahead_h = (i + 0.5) / 4.0;
    double v = profile_at(h, lq, s).value_or(fallback) +
               level * std::exp(-ahead_h / s.level_fade_h);
    out.kw[static_cast<std::size_t>(i)] = std::max(0.0, v);
  }
  return out;
}

load_forecast naive_forecast(std::span<const usage_window> history, millis start, int horizon,
                             millis period) {
  std::unordered_map<millis, double> kw;
  for (const auto& w : history)
    if (w.start < start)
      if (auto p = quarter_power_w(w))
        kw[w.start] = *p / 1000.0;
  load_forecast out{start, {}};
  for (int i = 0; i < horizon; ++i) {
    millis t = start + i * quarter_ms;
    millis back = t - period;
    while (back >= start)
      back -= period;
    auto it = kw.find(back);
    out.kw.push_back(it == kw.end() ? std::numeric_limits<double>::quiet_NaN() : it->second);
  }
  return out;
}

void forecast_error::add(double forecast_kw, double actual_kw) {
  double e = forecast_kw - actual_kw;
  abs_sum += std::abs(e);
  sq_sum += e * e;
  ++n;
}

double forecast_error::rmse() const {
  return n ? std::sqrt(sq_sum / n) : 0;
}

} // namespace hems::streams
