#pragma once
// The generated part of docs/SECURITY.md: which role may call which endpoint,
// on which homes, straight from the routes' access declarations and the role
// table. A test compares the document with this text, so neither can drift.

#include <string>
#include <vector>

#include "api/http.hpp"

namespace hems::api {

/// Markdown: the endpoint x role matrix of `routes`, then the role x permission table.
std::string access_matrix_markdown(const std::vector<route>& routes);

/// `/tokens/:id` -> `/tokens/{id}` (OpenAPI's spelling of a path parameter).
std::string openapi_path(const std::string& pistache_path);

} // namespace hems::api
