#pragma once
// Commands sent over MQTT, waiting for their device to confirm them. MQTT
// has no acknowledgement from the device, so the device's next state message
// is the answer: a command to switch off is `done` when the device reports
// off. A command still unconfirmed at its expiry ends `expired`, with a
// detail saying whether it was ever published; a newer command to the same
// device supersedes an older one (`failed`, "superseded by <id>"). Plain C++
// driven by the time passed in.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/sample.hpp"

namespace hems::adapters {

class mqtt_command_book {
public:
  /// A command taken: the record to store (pending), and the record of an
  /// older command it superseded, if any.
  std::vector<command_record> submit(command c, millis now);

  /// A command that cannot go over MQTT at all: its final record.
  static command_record refuse(command c, std::string detail, millis now);

  /// The command was published to `topic` (counts the attempt).
  void published(const std::string& id, const std::string& topic);

  /// Commands not yet published (for a (re)connect).
  std::vector<command> unpublished() const;

  /// A device reported `state`: the commands it confirms, final.
  std::vector<command_record> observed(const std::string& home, const std::string& device,
                                       device_state state, millis now);

  /// Commands whose expiry passed, final.
  std::vector<command_record> expire(millis now);

  std::optional<millis> next_expiry() const;
  std::size_t pending() const { return pending_.size(); }

private:
  struct entry {
    command_record record;
    std::string topic; ///< where it was published; empty: not yet
  };
  std::map<std::string, entry> pending_; ///< by command id
};

} // namespace hems::adapters
