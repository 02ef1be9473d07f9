#pragma once

namespace hems::app {

/// `hems keys NAME [--dir DIR]`: creates a CURVE key pair, NAME.key (secret,
/// mode 0600) and NAME.pub. argv holds the words after "keys".
int run_keys_command(int argc, char** argv);

} // namespace hems::app
