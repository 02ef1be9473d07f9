#include "adapters/mqtt_command_book.hpp"

#include "adapters/mqtt_command_encoding.hpp"

namespace hems::adapters {

std::vector<command_record> mqtt_command_book::submit(command c, millis now) {
  std::vector<command_record> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& old = it->second.record;
    if (old.cmd.home == c.home && old.cmd.device == c.device) {
      old.status = command_status::failed;
      old.detail = "superseded by command " + c.id;
      old.updated_ms = now;
      out.push_back(std::move(old));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  command_record r;
  r.cmd = std::move(c);
  r.updated_ms = now;
  out.insert(out.begin(), r);
  auto id = r.cmd.id;
  pending_.emplace(std::move(id), entry{std::move(r), {}});
  return out;
}

command_record mqtt_command_book::refuse(command c, std::string detail, millis now) {
  command_record r;
  r.cmd = std::move(c);
  r.status = command_status::failed;
  r.detail = std::move(detail);
  r.updated_ms = now;
  return r;
}

void mqtt_command_book::published(const std::string& id, const std::string& topic) {
  if (auto it = pending_.find(id); it != pending_.end()) {
    it->second.topic = topic;
    ++it->second.record.attempts;
  }
}

std::vector<command> mqtt_command_book::unpublished() const {
  std::vector<command> out;
  for (const auto& [id, e] : pending_)
    if (e.topic.empty())
      out.push_back(e.record.cmd);
  return out;
}

std::vector<command_record> mqtt_command_book::observed(const std::string& home,
                                                        const std::string& device,
                                                        device_state state, millis now) {
  std::vector<command_record> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& r = it->second.record;
    if (!it->second.topic.empty() && r.cmd.home == home && r.cmd.device == device &&
        expected_state(r.cmd) == state) {
      r.status = command_status::done;
      r.updated_ms = now;
      out.push_back(std::move(r));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<command_record> mqtt_command_book::expire(millis now) {
  std::vector<command_record> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& [record, topic] = it->second;
    if (record.cmd.expires_ms <= now) {
      record.status = command_status::expired;
      record.detail = topic.empty()
                        ? "not published: the MQTT broker was not reachable before the expiry"
                        : "published to " + topic + "; the device reported no " +
                            std::string{to_string(expected_state(record.cmd))} +
                            " state before the expiry";
      record.updated_ms = now;
      out.push_back(std::move(record));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::optional<millis> mqtt_command_book::next_expiry() const {
  std::optional<millis> next;
  for (const auto& [id, e] : pending_)
    if (!next || e.record.cmd.expires_ms < *next)
      next = e.record.cmd.expires_ms;
  return next;
}

} // namespace hems::adapters
