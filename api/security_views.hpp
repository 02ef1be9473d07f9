#pragma once
// JSON renderings of tokens and audit entries, as documented in docs/openapi.json.

#include <optional>
#include <string>

#include "security/audit_log.hpp"
#include "security/token_registry.hpp"

namespace hems::api {

/// A token without its secret; with `text` (POST /tokens only) the secret too.
std::string token_json(const security::token_record& r, millis now,
                       std::optional<std::string_view> text = std::nullopt);
std::string token_page_json(const security::token_page& page, millis now);
std::string audit_page_json(const security::audit_page& page);

} // namespace hems::api
