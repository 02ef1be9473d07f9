#include "actors/automation_notifier.hpp"

#include "core/json_writer.hpp"

namespace hems::actors {

std::string notice_json(const automation_notice& n) {
  json_writer w;
  w.begin_object()
      .field("home", n.home)
      .field("ts", n.ts_ms) // the name GET /notifications has always used
      .field("ts_ms", n.ts_ms)
      .field("kind", n.kind)
      .field("subject", n.subject)
      .field("severity", n.severity)
      .field("title", n.title)
      .field("message", n.message);
  w.key("evidence").begin_object();
  for (const auto& [k, v] : n.evidence)
    w.field(k, v);
  w.end_object().end_object();
  return w.take();
}

automation_notifier::automation_notifier(storage::store* db, notification_listener on_stored,
                                         counter* stored)
    : db_(db), on_stored_(std::move(on_stored)), stored_(stored) {}

void automation_notifier::notify(const automation_notice& n) const {
  storage::notification_record r;
  r.home = n.home;
  r.ts = n.ts_ms;
  r.kind = n.kind;
  r.subject = n.subject;
  r.json = notice_json(n);
  if (db_ && db_->history()) {
    if (auto ok = db_->history()->put_notifications({r}); ok && stored_)
      stored_->inc();
  }
  if (on_stored_)
    on_stored_(r.home, r);
}

} // namespace hems::actors
