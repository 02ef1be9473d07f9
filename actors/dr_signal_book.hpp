#pragma once
// What each home's optimizer knows of demand response: the coordinator tells
// homes of every state change (streams::dr_notice), the optimizer wants the
// home's current events as price signals (streams::dr_price_signal). The book
// keeps, per home, the events that still matter and answers the home's list
// after each notice. Called from the coordinator's thread; locked anyway, as
// it is a plain object the server owns.

#include <map>
#include <mutex>
#include <string>

#include "actors/messages.hpp"
#include "streams/dr_event.hpp"

namespace hems::actors {

/// The price a home's plan sees inside an event (per kWh imported), by SIMPLE
/// level (1 moderate, 2 high, 3 special); a kW-target event counts as high.
double dr_price_adder(const streams::dr_notice& notice);

class dr_signal_book {
public:
  /// Applies one notice; the home's events that still shape its plan.
  dr_events update(const streams::dr_notice& notice);

private:
  std::mutex mutex_;
  std::map<std::string, std::map<std::string, streams::dr_price_signal>> homes_;
};

} // namespace hems::actors
