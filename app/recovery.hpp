#pragma once
// Start-up recovery: turns the stored device records back into the live
// state the actors resume from, replaying today's samples so "energy today"
// is exact after a restart (even after kill -9).

#include <vector>

#include "actors/fleet_directory.hpp"
#include "storage/store.hpp"

namespace hems::app {

result<std::vector<actors::recovered_device>>
recover_devices(storage::store& db, const std::vector<storage::device_record>& records,
                millis now, const streams::day_start_fn& day_start);

} // namespace hems::app
