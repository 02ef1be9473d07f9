#pragma once
// What the write path knows about every device: its record (first and last
// seen, highest seq, newest sample). It filters duplicates (a seq at or below
// the highest accepted one) and produces the device records that are written
// in the same atomic batch as the samples, so the duplicate filter survives
// restarts exactly as far as the samples do.
//
// Changes are tentative until `confirm()`: if the commit fails, `roll_back()`
// restores the ledger, so a hub that resends after a failed write is not
// mistaken for a duplicate. Single-threaded: owned by the sample writer.

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/records.hpp"

namespace hems::storage {

class device_ledger {
public:
  device_ledger() = default;
  explicit device_ledger(std::vector<device_record> records);

  /// True when `s` is new; then the device's record reflects it.
  bool admit(const sample& s, millis received_ms);

  /// Records changed since the last confirm() or roll_back().
  void for_each_changed(const std::function<void(const device_record&)>& f) const;
  void confirm();
  void roll_back();

  std::size_t size() const { return records_.size(); }
  const device_record* find(std::string_view home, std::string_view device) const;

private:
  struct undo {
    std::string key;
    std::optional<device_record> before; ///< nullopt: the device was new
  };
  struct entry {
    device_record record;
    std::uint64_t changed_in = 0; ///< the change set that last touched it
  };
  std::unordered_map<std::string, entry> records_;
  std::vector<undo> undo_;
  std::uint64_t change_set_ = 1; ///< bumped by confirm() and roll_back()
  std::string key_; // reused lookup buffer
};

} // namespace hems::storage
