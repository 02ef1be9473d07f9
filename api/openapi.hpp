#pragma once
// The OpenAPI 3 document (docs/openapi.json), compiled into the binary so the
// server always serves the description of the API it implements.

#include <string_view>

namespace hems::api {

std::string_view openapi_json();

} // namespace hems::api
