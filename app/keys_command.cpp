#include "app/keys_command.hpp"

#include <iostream>

#include "adapters/curve.hpp"
#include "app/cli_options.hpp"
#include "core/sample.hpp"

namespace hems::app {

int run_keys_command(int argc, char** argv) {
  constexpr const char* usage =
    "usage: hems keys NAME [--dir DIR]\n"
    "  Creates DIR/NAME.key (the secret key, readable by you only) and DIR/NAME.pub.\n"
    "  The server:  hems serve --curve-key DIR/server.key --curve-clients ALLOWED_DIR\n"
    "  A hub or subscriber: copy its NAME.pub into the server's ALLOWED_DIR.\n";
  auto opts = cli_options::parse(std::vector<std::string>(argv, argv + argc), {"dir"}, {"help"});
  if (!opts || opts->has("help") || opts->positional().size() != 1) {
    if (!opts)
      std::cerr << "hems keys: " << opts.error().detail << '\n';
    std::cerr << usage;
    return opts && opts->has("help") ? 0 : 2;
  }
  const auto& name = opts->positional().front();
  if (!is_valid_id(name)) {
    std::cerr << "hems keys: NAME must be 1 to 64 of A-Z a-z 0-9 . _ -\n";
    return 2;
  }
  std::filesystem::path dir = opts->get_or("dir", ".");
  auto keys = adapters::generate_curve_keypair();
  if (!keys) {
    std::cerr << "hems keys: " << keys.error().detail << '\n';
    return 1;
  }
  if (auto ok = adapters::write_curve_keypair(dir, name, *keys); !ok) {
    std::cerr << "hems keys: " << ok.error().detail << '\n';
    return ok.error().code == errc::conflict ? 2 : 1;
  }
  std::cout << "wrote " << (dir / (name + ".key")).string() << " (secret, mode 0600) and "
            << (dir / (name + ".pub")).string() << '\n'
            << "public key: " << keys->public_key << '\n';
  return 0;
}

} // namespace hems::app
