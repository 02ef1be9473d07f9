#define BOOST_TEST_MODULE plan_cli
#include <boost/test/unit_test.hpp>

// `hems plan` end to end: exit codes and the JSON on stdout, in process and
// through the real executable (file argument and stdin).

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include <simdjson.h>

#include "app/plan_command.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path examples = fs::path(HEMS_TEST_DATA_DIR) / "plan-examples";

struct run_result {
  int exit_code;
  std::string out;
};

run_result run_in_process(std::vector<std::string> args, const std::string& input = "") {
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  std::istringstream in(input);
  std::ostringstream out;
  int code = hems::run_plan_command(static_cast<int>(argv.size()), argv.data(), out, in);
  return {code, out.str()};
}

run_result run_executable(const std::string& command) {
  run_result r{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe);
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
    r.out.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string field(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json).get(e) != simdjson::SUCCESS)
    return "<not json>";
  std::string_view v;
  return e[key].get_string().get(v) == simdjson::SUCCESS ? std::string(v) : "";
}

} // namespace

BOOST_AUTO_TEST_CASE(a_plan_from_a_file_exits_0) {
  auto r = run_in_process({(examples / "tiny_hand_checkable.problem.json").string()});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(field(r.out, "status") == "optimal");
}

BOOST_AUTO_TEST_CASE(a_plan_from_stdin_exits_0) {
  std::ifstream f(examples / "tou_dishwasher_ev.problem.json");
  std::stringstream s;
  s << f.rdbuf();
  auto r = run_in_process({"-"}, s.str());
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(field(r.out, "status") == "optimal");
  auto r2 = run_in_process({}, s.str());
  BOOST_TEST(r2.exit_code == 0);
}

BOOST_AUTO_TEST_CASE(infeasible_and_malformed_problems_exit_2_with_json) {
  auto r = run_in_process({(examples / "infeasible_ev_deadline.problem.json").string()});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(field(r.out, "error") == "infeasible");
  auto m = run_in_process({(examples / "invalid_export_above_import.problem.json").string()});
  BOOST_TEST(m.exit_code == 2);
  BOOST_TEST(field(m.out, "error") == "invalid");
  BOOST_TEST(field(m.out, "field") == "export_price");
  auto garbage = run_in_process({}, "not json");
  BOOST_TEST(garbage.exit_code == 2);
  BOOST_TEST(field(garbage.out, "error") == "invalid");
}

BOOST_AUTO_TEST_CASE(bad_arguments_and_missing_files) {
  BOOST_TEST(run_in_process({"--budget-ms"}).exit_code == 2);
  BOOST_TEST(run_in_process({"--budget-ms", "soon", "x"}).exit_code == 2);
  BOOST_TEST(run_in_process({"--frobnicate"}).exit_code == 2);
  auto missing = run_in_process({"/nonexistent/problem.json"});
  BOOST_TEST(missing.exit_code == 1);
  BOOST_TEST(field(missing.out, "error") == "io");
}

BOOST_AUTO_TEST_CASE(the_executable_answers_like_the_command) {
  std::string exe = HEMS_PLAN_EXE;
  auto ok = run_executable(exe + " " + (examples / "flat_price_exact_fit.problem.json").string());
  BOOST_TEST(ok.exit_code == 0);
  BOOST_TEST(field(ok.out, "status") == "optimal");
  auto piped = run_executable(exe + " --no-explain < " +
                              (examples / "negative_prices.problem.json").string());
  BOOST_TEST(piped.exit_code == 0);
  BOOST_TEST(piped.out.find("explanation") == std::string::npos);
  auto bad = run_executable(exe + " - < " +
                            (examples / "invalid_export_above_import.problem.json").string());
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(field(bad.out, "field") == "export_price");
}
