#pragma once
// The cryptography of bearer tokens, all of it libsodium:
//   hems_<id>_<secret>   id: 16 hex digits (8 random bytes), public, names the token
//                        secret: 32 random bytes, base64url without padding (43 characters)
// Only a BLAKE2b hash of the secret is ever stored. The secret has 256 bits of
// entropy, so a fast hash is enough: there is nothing to guess, and the hash
// keeps a stolen database from being a list of working tokens.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hems::security {

using secret_hash = std::array<std::uint8_t, 32>;

struct token_parts {
  std::string_view id;
  std::string_view secret;
};

inline constexpr std::size_t token_id_chars = 16;
inline constexpr std::size_t token_secret_chars = 43;
inline constexpr std::string_view token_prefix = "hems_";

/// Whether `id` has the shape of a token id (16 lower-case hex digits).
bool is_token_id(std::string_view id);

/// Splits a token's text; nullopt unless it has exactly the shape above.
std::optional<token_parts> split_token(std::string_view text);

std::string new_token_id();
std::string new_token_secret();
std::string token_text(std::string_view id, std::string_view secret);

secret_hash hash_secret(std::string_view secret);
/// Constant time: how long it takes says nothing about where hashes differ.
bool same_hash(const secret_hash& a, const secret_hash& b);

/// A random 64-bit number (audit sequence starts, ...).
std::uint64_t random_u64();

std::string to_hex(const secret_hash& h);
std::optional<secret_hash> secret_hash_from_hex(std::string_view hex);

} // namespace hems::security
