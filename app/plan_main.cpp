// Temporary stand-alone `hems plan` until app/main.cpp folds it in as a
// subcommand of `hems`.
#include <iostream>

#include "app/plan_command.hpp"

int main(int argc, char** argv) {
  return hems::run_plan_command(argc - 1, argv + 1, std::cout, std::cin);
}
