#pragma once
// POST /plan: a dry run of the optimizer on a plan problem
// (docs/OPTIMIZER.md): nothing is scheduled.

#include <vector>

#include "api/http.hpp"

namespace hems::api {

std::vector<route> plan_routes();

} // namespace hems::api
