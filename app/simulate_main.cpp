// Stand-alone `hems simulate` for development, until the hems binary has the
// subcommand: `hems_simulate --homes 5 --rate 2`.
#include "app/simulate_command.hpp"

int main(int argc, char** argv) {
  return hems::run_simulate_command(argc - 1, argv + 1);
}
