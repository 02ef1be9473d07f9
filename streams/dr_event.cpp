#include "streams/dr_event.hpp"

#include <algorithm>
#include <cmath>

namespace hems::streams {

std::string_view to_string(dr_state s) {
  switch (s) {
  case dr_state::far: return "far";
  case dr_state::near: return "near";
  case dr_state::active: return "active";
  case dr_state::completed: return "completed";
  case dr_state::cancelled: return "cancelled";
  }
  return "far";
}

std::expected<dr_event, dr_invalid> make_dr_event(const dr_request& r, millis now) {
  auto bad = [](std::string field, std::string detail) {
    return std::unexpected(dr_invalid{std::move(field), std::move(detail)});
  };
  if (r.group.empty() == r.homes.empty())
    return bad("group", "give exactly one of group and homes");
  if (r.homes.size() > dr_max_homes)
    return bad("homes", "at most 100000 homes");
  if (!r.start_ms)
    return bad("start", "required: a time (ms since the epoch or RFC 3339)");
  if (*r.start_ms < now - 60'000)
    return bad("start", "is in the past");
  if (!r.duration_ms)
    return bad("duration_min", "required");
  if (*r.duration_ms < 60'000 || *r.duration_ms > dr_max_duration_ms)
    return bad("duration_min", "must be 1 to 1440 minutes");
  millis notification = r.notification_ms.value_or(0);
  if (notification < 0 || notification > dr_max_notification_ms)
    return bad("notification_min", "must be 0 to 10080 minutes");
  if (r.level && r.shed_kw)
    return bad("shed_kw", "give a level or a shed target, not both");
  if (r.level && (*r.level < 0 || *r.level > 3))
    return bad("level", "must be a SIMPLE level 0-3");
  if (r.shed_kw && !(std::isfinite(*r.shed_kw) && *r.shed_kw > 0))
    return bad("shed_kw", "must be a positive number of kW");
  if (!r.level && !r.shed_kw)
    return bad("level", "give a level 0-3 or shed_kw");

  dr_event e;
  e.group = r.group;
  e.homes = r.homes;
  std::sort(e.homes.begin(), e.homes.end());
  e.homes.erase(std::unique(e.homes.begin(), e.homes.end()), e.homes.end());
  e.start_ms = *r.start_ms;
  e.duration_ms = *r.duration_ms;
  e.notification_ms = notification;
  e.level = r.level.value_or(0);
  e.shed_kw = r.shed_kw;
  e.created_ms = now;
  return e;
}

dr_state state_at(const dr_event& e, millis now) {
  if (e.cancelled_ms && *e.cancelled_ms <= now)
    return dr_state::cancelled;
  if (now >= e.end_ms())
    return dr_state::completed;
  if (now >= e.start_ms)
    return dr_state::active;
  if (now >= e.start_ms - e.notification_ms)
    return dr_state::near;
  return dr_state::far;
}

std::optional<millis> next_transition(const dr_event& e, millis now) {
  switch (state_at(e, now)) {
  case dr_state::far: return e.start_ms - e.notification_ms;
  case dr_state::near: return e.start_ms;
  case dr_state::active: return e.end_ms();
  default: return std::nullopt;
  }
}

std::expected<void, std::string> cancel(dr_event& e, millis now) {
  auto s = state_at(e, now);
  if (s == dr_state::completed)
    return std::unexpected("the event is completed");
  if (s == dr_state::cancelled)
    return std::unexpected("the event is already cancelled");
  e.cancelled_ms = now;
  return {};
}

std::expected<void, std::string> opt_out(dr_event& e, std::string_view home, millis now) {
  if (!std::binary_search(e.homes.begin(), e.homes.end(), home))
    return std::unexpected("home " + std::string(home) + " is not a target of " + e.id);
  auto s = state_at(e, now);
  if (s == dr_state::completed || s == dr_state::cancelled)
    return std::unexpected("the event is " + std::string(to_string(s)));
  auto at = std::lower_bound(e.opted_out.begin(), e.opted_out.end(), home);
  if (at == e.opted_out.end() || *at != home)
    e.opted_out.insert(at, std::string(home));
  return {};
}

std::vector<std::string> participants(const dr_event& e,
                                       const std::vector<std::string>& standing_opt_outs) {
  std::vector<std::string> out;
  for (const auto& h : e.homes) {
    if (std::binary_search(e.opted_out.begin(), e.opted_out.end(), h))
      continue;
    if (std::find(standing_opt_outs.begin(), standing_opt_outs.end(), h) != standing_opt_outs.end())
      continue;
    out.push_back(h);
  }
  return out;
}

double level_share(int level) {
  switch (level) {
  case 1: return 0.10;
  case 2: return 0.25;
  case 3: return 0.50;
  default: return 0.0;
  }
}

std::vector<double> shed_targets_kw(const dr_event& e, const std::vector<double>& baseline_avg_kw) {
  std::vector<double> out(baseline_avg_kw.size(), 0.0);
  if (out.empty())
    return out;
  if (!e.shed_kw) {
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = std::max(0.0, baseline_avg_kw[i]) * level_share(e.level);
    return out;
  }
  double sum = 0;
  for (double b : baseline_avg_kw)
    sum += std::max(0.0, b);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = sum > 0 ? *e.shed_kw * std::max(0.0, baseline_avg_kw[i]) / sum
                     : *e.shed_kw / static_cast<double>(out.size());
  return out;
}

} // namespace hems::streams
