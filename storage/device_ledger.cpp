#include "storage/device_ledger.hpp"

namespace hems::storage {

device_ledger::device_ledger(std::vector<device_record> records) {
  records_.reserve(records.size());
  for (auto& r : records) {
    auto key = device_key(r.home, r.device);
    records_.emplace(std::move(key), entry{std::move(r), 0});
  }
}

bool device_ledger::admit(const sample& s, millis received_ms) {
  key_ = device_key(s.home, s.device);
  auto it = records_.find(key_);
  if (it != records_.end() && s.seq && it->second.record.last_seq &&
      *s.seq <= *it->second.record.last_seq)
    return false;
  if (it == records_.end()) {
    undo_.push_back({key_, std::nullopt});
    device_record r;
    r.home = s.home;
    r.device = s.device;
    r.first_seen_ms = received_ms;
    it = records_.emplace(key_, entry{std::move(r), change_set_}).first;
  } else if (it->second.changed_in != change_set_) {
    undo_.push_back({key_, it->second.record});
    it->second.changed_in = change_set_;
  }
  auto& r = it->second.record;
  r.last_seen_ms = received_ms;
  if (s.kind != device_kind::unknown)
    r.kind = s.kind;
  if (s.seq)
    r.last_seq = s.seq;
  if (s.ts_ms >= r.last.ts_ms)
    r.last = s;
  return true;
}

void device_ledger::for_each_changed(const std::function<void(const device_record&)>& f) const {
  for (const auto& u : undo_)
    f(records_.at(u.key).record);
}

void device_ledger::confirm() {
  undo_.clear();
  ++change_set_;
}

void device_ledger::roll_back() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    if (it->before)
      records_[it->key] = entry{std::move(*it->before), 0};
    else
      records_.erase(it->key);
  }
  undo_.clear();
  ++change_set_;
}

const device_record* device_ledger::find(std::string_view home, std::string_view device) const {
  auto it = records_.find(device_key(home, device));
  return it == records_.end() ? nullptr : &it->second.record;
}

} // namespace hems::storage
