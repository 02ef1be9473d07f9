#include "actors/dr_signal_book.hpp"

namespace hems::actors {

double dr_price_adder(const streams::dr_notice& notice) {
  if (notice.target_kw > 0)
    return 0.25;
  switch (notice.level) {
  case 1:
    return 0.10;
  case 2:
    return 0.25;
  case 3:
    return 0.50;
  default:
    return 0.0; // level 0: normal operation
  }
}

dr_events dr_signal_book::update(const streams::dr_notice& notice) {
  std::lock_guard lock{mutex_};
  auto& events = homes_[notice.home];
  bool over = notice.state == streams::dr_state::completed ||
              notice.state == streams::dr_state::cancelled || notice.opted_out;
  double adder = dr_price_adder(notice);
  if (over || adder <= 0) {
    events.erase(notice.event_id);
  } else {
    streams::dr_price_signal signal;
    signal.id = notice.event_id;
    signal.from_ms = notice.start_ms;
    signal.to_ms = notice.end_ms;
    signal.price_adder = adder;
    events[notice.event_id] = signal;
  }
  dr_events out;
  out.reserve(events.size());
  for (const auto& [id, signal] : events)
    out.push_back(signal);
  if (events.empty())
    homes_.erase(notice.home);
  return out;
}

} // namespace hems::actors
