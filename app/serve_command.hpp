#pragma once

namespace hems::app {

/// `hems serve [options]`: the server. argv holds the words after "serve".
int run_serve_command(int argc, char** argv);

} // namespace hems::app
