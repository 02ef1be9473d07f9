#pragma once
// Commands on their way to devices: each is sent to the hub of its home,
// resent (with doubling intervals) until the hub acknowledges it or it
// expires, and ends with exactly one final outcome: done, failed, expired
// (sent but never acknowledged) or no_hub (no hub for its home in time).
// Plain C++ driven by the time passed in, so tests need no clock but their own.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/hub_registry.hpp"
#include "core/command.hpp"

namespace hems::adapters {

struct command_retry_policy {
  millis first_retry_ms = 2'000;
  millis max_retry_ms = 30'000;
};

class command_tracker {
public:
  explicit command_tracker(command_retry_policy policy = {}) : policy_(policy) {}

  /// A command to send now to the hub with this routing id.
  struct delivery {
    std::string identity;
    command cmd;
  };

  /// Takes a new command (its id must be new). Returns its record.
  command_record submit(command c, millis now);

  /// Commands due for (re)sending at `now` to hubs the registry knows;
  /// counts the attempt.
  std::vector<delivery> due(const hub_registry& hubs, millis now);

  /// A hub's answer. Returns the final record, or nullopt for an unknown or
  /// already final command (a late duplicate acknowledgement).
  std::optional<command_record> acknowledged(const std::string& id, command_status status,
                                             const std::string& detail, millis now);

  /// Commands whose expiry passed: removed, returned with their outcome.
  std::vector<command_record> expire(millis now);

  /// The earliest time anything is due (for the poll timeout): a resend to
  /// a known hub, or an expiry. A command waiting for a hub waits for a hello.
  std::optional<millis> next_due(const hub_registry& hubs) const;

  std::size_t pending() const { return pending_.size(); }

private:
  struct entry {
    command_record record;
    millis next_attempt_ms = 0;
    millis interval_ms = 0;
  };
  command_retry_policy policy_;
  std::map<std::string, entry> pending_; ///< by command id
};

} // namespace hems::adapters
