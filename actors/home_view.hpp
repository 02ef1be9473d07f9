#pragma once
// Builds a home's live view from its devices' statuses: which are online,
// what each draws now, and the home's total (see messages.hpp, home_view).

#include <vector>

#include "actors/live_settings.hpp"
#include "actors/messages.hpp"

namespace hems::actors {

home_view make_home_view(const std::string& home, const std::vector<device_status>& devices,
                         const live_settings& settings);

} // namespace hems::actors
