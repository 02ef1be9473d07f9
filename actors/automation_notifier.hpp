#pragma once
// Notifications from automation (docs/AUTOMATION.md "Notifications"): built
// in the documented JSON shape, stored in the history store and handed to
// the same listener the aggregators use (the feed's home/<h>/notification;
// the SSE stream hooks the same listener). One class, so every automation
// notice is stored and published alike.

#include <string>

#include "actors/history_context.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "storage/store.hpp"
#include "streams/schedule_runner.hpp"

namespace hems::actors {

using streams::automation_notice;

std::string notice_json(const automation_notice& n);

class automation_notifier {
public:
  /// `db` may keep no history (then notices are only published); the
  /// listener and the counter may be empty.
  automation_notifier(storage::store* db, notification_listener on_stored, counter* stored);

  /// Stores and publishes; thread-safe when the listener is.
  void notify(const automation_notice& n) const;

private:
  storage::store* db_;
  notification_listener on_stored_;
  counter* stored_;
};

} // namespace hems::actors
