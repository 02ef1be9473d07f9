// Fuzz target: the body of POST /tokens. Whatever the bytes, parsing must not
// crash, and whatever it accepts must be a token hems may issue: a known
// role, valid home ids (admins: every home), an expiry in the future within
// ten years, a short printable label.

#include <cstdint>
#include <cstdlib>

#include "api/token_request.hpp"
#include "core/sample.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr hems::millis now = 1795737600000;
  auto r = hems::api::parse_token_request({reinterpret_cast<const char*>(data), size}, now);
  if (!r) {
    if (r.error().empty())
      std::abort(); // every refusal names what is wrong
    return 0;
  }
  using hems::security::role;
  if (r->role == role::admin && !r->scope.all())
    std::abort();
  if (!r->scope.all()) {
    if (r->scope.homes().empty() || r->scope.homes().size() > hems::api::max_token_homes)
      std::abort();
    for (const auto& h : r->scope.homes())
      if (!hems::is_valid_id(h))
        std::abort();
  }
  if (r->scope.all() && r->role == role::resident)
    std::abort();
  if (r->expires_ms &&
      (*r->expires_ms <= now || *r->expires_ms - now > hems::api::max_token_lifetime_ms))
    std::abort();
  if (r->label.size() > hems::api::max_token_label)
    std::abort();
  for (unsigned char c : r->label)
    if (c < 0x20 || c == 0x7f)
      std::abort();
  return 0;
}
