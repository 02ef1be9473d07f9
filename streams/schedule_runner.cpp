#include "streams/schedule_runner.hpp"

#include <algorithm>
#include <cstdio>

namespace hems::streams {

namespace {

device_state expected_state(command_action a) {
  switch (a) {
  case command_action::on:
  case command_action::start:
    return device_state::on;
  case command_action::off:
    return device_state::off;
  case command_action::set:
    break;
  }
  return device_state::unknown;
}

std::string verb(command_action a) {
  switch (a) {
  case command_action::on:
    return "switched on";
  case command_action::off:
    return "switched off";
  case command_action::set:
    return "set";
  case command_action::start:
    return "started";
  }
  return "commanded";
}

std::string minutes_text(millis ms) {
  return std::to_string(ms / minute_ms) + " min";
}

} // namespace

schedule_runner::schedule_runner(std::string home, local_zone zone, millis now,
                                 runner_settings settings)
    : home_(std::move(home)), zone_(std::move(zone)), settings_(settings), checked_until_ms_(now) {}

void schedule_runner::set_schedules(std::vector<schedule> schedules) {
  schedules_ = std::move(schedules);
  // Forget away_off periods of schedules that are gone.
  std::erase_if(away_done_, [&](const auto& entry) {
    return std::none_of(schedules_.begin(), schedules_.end(),
                        [&](const schedule& s) { return s.id == entry.first; });
  });
}

void schedule_runner::set_planned(std::vector<planned_start> starts) {
  planned_ = std::move(starts);
}

schedule_runner::device_info& schedule_runner::device(const std::string& id) {
  auto it = devices_.find(id);
  if (it == devices_.end()) {
    it = devices_.emplace(id, device_info{}).first;
    it->second.safety.device = id;
  }
  return it->second;
}

automation_notice schedule_runner::notice(std::string kind, std::string subject, millis at) const {
  automation_notice n;
  n.home = home_;
  n.ts_ms = at;
  n.kind = std::move(kind);
  n.subject = std::move(subject);
  return n;
}

std::string schedule_runner::new_command_id() {
  char buf[24];
  std::snprintf(buf, sizeof buf, "c-%016llx", static_cast<unsigned long long>(ids_()));
  return buf;
}

void schedule_runner::observe(const sample& s, const safety_settings& safety, runner_output& out) {
  auto& d = device(s.device);
  if (s.kind != device_kind::unknown)
    d.safety.kind = s.kind;
  if (s.occupied)
    presence_.update(s.device, *s.occupied, s.ts_ms);
  if (s.setpoint_c)
    d.setpoint_c = s.setpoint_c;
  auto last = d.safety.last_automated;
  if (note_state(d.safety, s.state, s.ts_ms)) {
    auto n = notice("manual_override", s.device, s.ts_ms);
    n.title = s.device + " changed by hand";
    n.message = s.device + " was " +
                (s.state == device_state::on ? "switched back on" : "switched back off") +
                " after automation " + verb(*last) + " it; automation leaves it alone for " +
                minutes_text(safety.manual_override_ms);
    n.evidence["state"] = std::string{to_string(s.state)};
    n.evidence["automated"] = std::string{to_string(*last)};
    out.notices.push_back(std::move(n));
  }
  // Commands the device has now followed.
  std::erase_if(pending_, [&](const pending& p) {
    return p.cmd.device == s.device && p.expected == s.state;
  });
}

void schedule_runner::fire(command_action action, const std::string& device_id,
                           const std::string& source, const std::string& reason,
                           std::map<std::string, double, std::less<>> params, command_source who,
                           millis now, const safety_settings& safety, runner_output& out) {
  auto& d = device(device_id);
  if (auto refusal = check_command(safety, d.safety, action, who, now)) {
    auto n = notice("automation", device_id, now);
    n.severity = "warning";
    n.title = device_id + " left alone";
    n.message = "Not " + verb(action) + " (" + reason + "): " + refusal->detail;
    n.evidence["rule"] = refusal->rule;
    n.evidence["source"] = source;
    out.notices.push_back(std::move(n));
    return;
  }
  command c;
  c.id = new_command_id();
  c.home = home_;
  c.device = device_id;
  c.action = action;
  c.params = std::move(params);
  c.reason = reason;
  c.source = source;
  c.issued_ms = now;
  c.expires_ms = now + settings_.command_expiry_ms;
  note_automated(d.safety, action, now);
  auto expected = expected_state(action);
  if (expected != device_state::unknown && d.safety.state != expected)
    pending_.push_back({c, expected});
  auto n = notice("automation", device_id, now);
  n.title = device_id + " " + verb(action);
  n.message = device_id + " " + verb(action) + ": " + reason;
  n.evidence["command"] = c.id;
  n.evidence["source"] = source;
  out.notices.push_back(std::move(n));
  out.commands.push_back(std::move(c));
}

void schedule_runner::fire_schedules(millis now, const safety_settings& safety,
                                     runner_output& out) {
  for (const auto& s : schedules_) {
    // Only the latest firing due in (checked_until, now]: a scheduler that
    // was late does not replay every missed one.
    std::optional<firing> due;
    for (auto f = next_firing(s, zone_, checked_until_ms_); f && f->at_ms <= now;
         f = next_firing(s, zone_, f->at_ms))
      due = f;
    if (!due)
      continue;
    auto source = "schedule:" + s.id;
    if (due->action != command_action::set) {
      fire(due->action, s.device, source, std::string{to_string(s.type)} + " schedule " + s.id, {},
           command_source::schedule, now, safety, out);
      continue;
    }
    auto& d = device(s.device);
    std::optional<double> target = due->setpoint_c;
    if (due->restore) {
      target = d.setpoint_before_c;
      d.setpoint_before_c.reset();
      if (!target)
        continue; // nothing known to restore
    } else {
      d.setpoint_before_c = d.setpoint_c;
    }
    fire(command_action::set, s.device, source,
         std::string{due->restore ? "end of setback " : "setback "} + s.id,
         {{"setpoint_c", *target}}, command_source::schedule, now, safety, out);
  }
}

void schedule_runner::fire_away_off(millis now, const safety_settings& safety, runner_output& out) {
  auto since = presence_.empty_since();
  if (!since)
    return;
  for (const auto& s : schedules_) {
    if (s.type != schedule_type::away_off || !s.enabled)
      continue;
    millis after = static_cast<millis>(*s.params.minutes) * minute_ms;
    if (now < *since + after)
      continue;
    auto done = away_done_.find(s.id);
    if (done != away_done_.end() && done->second == *since)
      continue; // this empty period was handled
    away_done_[s.id] = *since;
    for (auto& [id, d] : devices_) {
      auto kind = d.safety.kind;
      if (std::find(s.params.kinds.begin(), s.params.kinds.end(), kind) == s.params.kinds.end())
        continue;
      if (d.safety.state != device_state::on || is_essential(safety, id, d.safety.name))
        continue; // away_off never even asks for an essential device
      fire(command_action::off, id, "schedule:" + s.id,
           "the home has been empty for " + minutes_text(now - *since), {},
           command_source::schedule, now, safety, out);
    }
  }
}

void schedule_runner::fire_planned(millis now, const safety_settings& safety, runner_output& out) {
  std::vector<planned_start> later;
  for (auto& p : planned_) {
    if (p.start_ms > now) {
      later.push_back(std::move(p));
      continue;
    }
    if (p.end_ms > now) // not a start whose whole slot has passed
      fire(command_action::start, p.device, "optimizer:" + p.schedule_id,
           p.explanation.empty() ? "planned start" : p.explanation, {}, command_source::optimizer,
           now, safety, out);
  }
  planned_ = std::move(later);
}

void schedule_runner::expire_pending(millis now, runner_output& out) {
  std::erase_if(pending_, [&](const pending& p) {
    if (now < p.cmd.expires_ms)
      return false;
    auto n = notice("command_failed", p.cmd.device, now);
    n.severity = "warning";
    n.title = p.cmd.device + " did not follow a command";
    n.message = p.cmd.device + " was to be " + verb(p.cmd.action) + " (" + p.cmd.reason +
                ") but still reports " + std::string{to_string(device(p.cmd.device).safety.state)} +
                " after " + minutes_text(p.cmd.expires_ms - p.cmd.issued_ms);
    n.evidence["command"] = p.cmd.id;
    n.evidence["expected"] = std::string{to_string(p.expected)};
    out.notices.push_back(std::move(n));
    return true;
  });
}

void schedule_runner::run_due(millis now, const safety_settings& safety, runner_output& out) {
  if (now < checked_until_ms_)
    return; // the clock stepped back: wait for it
  expire_pending(now, out);
  fire_schedules(now, safety, out);
  fire_away_off(now, safety, out);
  fire_planned(now, safety, out);
  checked_until_ms_ = now;
}

std::optional<millis> schedule_runner::next_due(millis now) const {
  std::optional<millis> next;
  auto consider = [&](millis t) { next = next ? std::min(*next, t) : t; };
  for (const auto& s : schedules_) {
    if (auto f = next_firing(s, zone_, std::max(now, checked_until_ms_)))
      consider(f->at_ms);
    if (s.type == schedule_type::away_off && s.enabled)
      if (auto since = presence_.empty_since()) {
        auto done = away_done_.find(s.id);
        if (done == away_done_.end() || done->second != *since)
          consider(std::max(now, *since + static_cast<millis>(*s.params.minutes) * minute_ms));
      }
  }
  for (const auto& p : planned_)
    consider(std::max(now, p.start_ms));
  for (const auto& p : pending_)
    consider(std::max(now, p.cmd.expires_ms));
  return next;
}

automation_inputs schedule_runner::inputs(millis now, millis horizon_ms) const {
  return inputs_of(schedules_, zone_, now, horizon_ms);
}

} // namespace hems::streams
