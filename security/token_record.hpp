#pragma once
// A token as hems stores it: who it speaks for, never its secret. Encoded as
// a small versioned JSON object in the `tokens` collection.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "security/home_scope.hpp"
#include "security/role.hpp"
#include "security/token_crypto.hpp"

namespace hems::security {

struct token_record {
  std::string id;
  secret_hash hash{};
  security::role role = role::integrator;
  home_scope scope;
  millis created_ms = 0;
  std::optional<millis> expires_ms; ///< none: valid until revoked
  std::optional<millis> revoked_ms;
  std::string label;      ///< what the token is for, free text
  std::string created_by; ///< the issuing token's id ("hems" for the first admin token)

  bool expired_at(millis now) const { return expires_ms && now >= *expires_ms; }
  bool active_at(millis now) const { return !revoked_ms && !expired_at(now); }

  friend bool operator==(const token_record&, const token_record&) = default;
};

std::string encode_token_record(const token_record& r);
result<token_record> decode_token_record(std::string_view bytes);

} // namespace hems::security
