#pragma once
// The first admin token. hems ships no default password: when the store
// holds no active admin token (a first start, or every admin token expired),
// it issues one and writes it to <data dir>/admin.token, readable by its
// owner only. Whoever can read the data directory owns the data anyway, so
// this file is exactly as secret as the database beside it. The issue is
// recorded in the audit log.

#include <filesystem>
#include <optional>

#include "core/error.hpp"
#include "security/audit_log.hpp"
#include "security/token_registry.hpp"

namespace hems::app {

inline constexpr const char* admin_token_file_name = "admin.token";

/// Issues and writes the admin token when none is active, or when `reissue`
/// (the file was lost). Returns the file written, or nullopt when an active
/// admin token exists already.
result<std::optional<std::filesystem::path>>
ensure_admin_token(security::token_registry& tokens, security::audit_log& audit,
                   const std::filesystem::path& data_dir, bool reissue);

/// Writes `text` to `path` with mode 0600, atomically (a temporary file, then rename).
result<void> write_private_file(const std::filesystem::path& path, std::string_view text);

} // namespace hems::app
