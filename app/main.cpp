// The hems executable: a thin dispatcher to the subcommands.

#include <cstring>
#include <iostream>

#include "app/keys_command.hpp"
#include "app/plan_command.hpp"
#include "app/serve_command.hpp"
#include "app/simulate_command.hpp"

namespace {

constexpr const char* help =
  "hems: home energy management for a fleet of homes\n"
  "\n"
  "usage: hems <command> [options]\n"
  "  serve      run the server (telemetry in, live state, REST API)\n"
  "  simulate   play simulated homes and push their telemetry to a server\n"
  "  plan       solve a home plan problem (file or stdin) and print the plan\n"
  "  keys       create a CURVE key pair for the server, a hub or a subscriber\n"
  "  help       show this text\n"
  "\n"
  "Run `hems <command> --help` for a command's options.\n";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0) {
    std::cout << help;
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "serve")
    return hems::app::run_serve_command(argc - 2, argv + 2);
  if (command == "keys")
    return hems::app::run_keys_command(argc - 2, argv + 2);
  if (command == "plan")
    return hems::run_plan_command(argc - 2, argv + 2, std::cout, std::cin);
  if (command == "simulate")
    return hems::run_simulate_command(argc - 2, argv + 2);
  std::cerr << "hems: unknown command '" << command << "'\n" << help;
  return 2;
}
