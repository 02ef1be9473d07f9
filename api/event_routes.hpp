#pragma once
// GET /events?home=H: the home's live events as server-sent events
// (api/event_hub.hpp says what flows; docs/AUTOMATION.md the shapes).

#include <memory>
#include <vector>

#include "api/event_hub.hpp"
#include "api/http.hpp"

namespace hems::api {

std::vector<route> event_routes(std::shared_ptr<event_hub> hub);

} // namespace hems::api
