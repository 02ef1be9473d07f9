#include "adapters/command_tracker.hpp"

#include <algorithm>

namespace hems::adapters {

command_record command_tracker::submit(command c, millis now) {
  entry e;
  e.record.cmd = std::move(c);
  e.record.updated_ms = now;
  e.next_attempt_ms = now;
  e.interval_ms = policy_.first_retry_ms;
  auto id = e.record.cmd.id;
  auto [it, added] = pending_.emplace(id, std::move(e));
  return it->second.record;
}

std::vector<command_tracker::delivery> command_tracker::due(const hub_registry& hubs, millis now) {
  std::vector<delivery> out;
  for (auto& [id, e] : pending_) {
    if (e.next_attempt_ms > now || e.record.cmd.expires_ms <= now)
      continue;
    auto hub = hubs.hub_for(e.record.cmd.home);
    if (!hub)
      continue; // sent as soon as a hub says hello for the home
    out.push_back({*hub, e.record.cmd});
    ++e.record.attempts;
    e.record.updated_ms = now;
    e.next_attempt_ms = now + e.interval_ms;
    e.interval_ms = std::min(e.interval_ms * 2, policy_.max_retry_ms);
  }
  return out;
}

std::optional<command_record> command_tracker::acknowledged(const std::string& id,
                                                            command_status status,
                                                            const std::string& detail,
                                                            millis now) {
  auto it = pending_.find(id);
  if (it == pending_.end())
    return std::nullopt;
  auto record = std::move(it->second.record);
  pending_.erase(it);
  record.status = status;
  record.detail = detail;
  record.updated_ms = now;
  return record;
}

std::vector<command_record> command_tracker::expire(millis now) {
  std::vector<command_record> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.record.cmd.expires_ms > now) {
      ++it;
      continue;
    }
    auto record = std::move(it->second.record);
    if (record.attempts == 0) {
      record.status = command_status::no_hub;
      record.detail = "no hub for home '" + record.cmd.home + "' said hello before the expiry";
    } else {
      record.status = command_status::expired;
      record.detail = "sent " + std::to_string(record.attempts) +
                      " time(s), not acknowledged before the expiry";
    }
    record.updated_ms = now;
    out.push_back(std::move(record));
    it = pending_.erase(it);
  }
  return out;
}

std::optional<millis> command_tracker::next_due(const hub_registry& hubs) const {
  std::optional<millis> next;
  for (const auto& [id, e] : pending_) {
    auto t = hubs.hub_for(e.record.cmd.home) ? std::min(e.next_attempt_ms, e.record.cmd.expires_ms)
                                             : e.record.cmd.expires_ms;
    if (!next || t < *next)
      next = t;
  }
  return next;
}

} // namespace hems::adapters
