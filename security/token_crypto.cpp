#include "security/token_crypto.hpp"

#include <sodium.h>
#include <stdexcept>

namespace hems::security {

namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready)
    throw std::runtime_error("libsodium could not be initialised");
}

// Domain separation: this hash means "a hems token secret, format 1".
constexpr std::string_view hash_key = "hems bearer token secret v1";

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

bool is_base64url(std::string_view s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_'))
      return false;
  return true;
}

} // namespace

bool is_token_id(std::string_view id) { return id.size() == token_id_chars && is_hex(id); }

std::optional<token_parts> split_token(std::string_view text) {
  if (text.size() != token_prefix.size() + token_id_chars + 1 + token_secret_chars ||
      !text.starts_with(token_prefix))
    return std::nullopt;
  auto id = text.substr(token_prefix.size(), token_id_chars);
  auto sep = text[token_prefix.size() + token_id_chars];
  auto secret = text.substr(token_prefix.size() + token_id_chars + 1);
  if (sep != '_' || !is_hex(id) || !is_base64url(secret))
    return std::nullopt;
  return token_parts{id, secret};
}

std::string new_token_id() {
  ensure_sodium();
  unsigned char bytes[token_id_chars / 2];
  randombytes_buf(bytes, sizeof bytes);
  char hex[token_id_chars + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string{hex, token_id_chars};
}

std::string new_token_secret() {
  ensure_sodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char text[sodium_base64_ENCODED_LEN(32, variant)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, variant);
  sodium_memzero(bytes, sizeof bytes);
  return std::string{text};
}

std::string token_text(std::string_view id, std::string_view secret) {
  std::string out{token_prefix};
  out.append(id).push_back('_');
  out.append(secret);
  return out;
}

secret_hash hash_secret(std::string_view secret) {
  ensure_sodium();
  secret_hash h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), reinterpret_cast<const unsigned char*>(hash_key.data()),
                     hash_key.size());
  return h;
}

bool same_hash(const secret_hash& a, const secret_hash& b) {
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::uint64_t random_u64() {
  ensure_sodium();
  std::uint64_t v = 0;
  randombytes_buf(&v, sizeof v);
  return v;
}

std::string to_hex(const secret_hash& h) {
  char hex[2 * 32 + 1];
  sodium_bin2hex(hex, sizeof hex, h.data(), h.size());
  return std::string{hex, 64};
}

std::optional<secret_hash> secret_hash_from_hex(std::string_view hex) {
  if (hex.size() != 64 || !is_hex(hex))
    return std::nullopt;
  secret_hash h{};
  std::size_t len = 0;
  if (sodium_hex2bin(h.data(), h.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != h.size())
    return std::nullopt;
  return h;
}

} // namespace hems::security
