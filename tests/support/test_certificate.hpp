#pragma once
// A self-signed certificate for 127.0.0.1 made at test time with Debian's
// openssl command (P-256, two days), so no key is ever committed.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace hems::test {

struct test_certificate {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

inline test_certificate make_test_certificate(const std::filesystem::path& dir) {
  test_certificate c{dir / "cert.pem", dir / "key.pem"};
  auto command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                 "-days 2 -subj /CN=hems-test -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
                 "-keyout " + c.private_key.string() + " -out " + c.certificate.string() +
                 " 2>/dev/null";
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(c.certificate))
    throw std::runtime_error("openssl could not make a test certificate");
  return c;
}

} // namespace hems::test
