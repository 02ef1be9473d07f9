#define BOOST_TEST_MODULE plan_examples
#include <boost/test/unit_test.hpp>

// The contract's public examples (tests/data/plan-examples, a copy of
// shared/contracts/plan-examples) through the REST entry point: each plan is
// re-checked by the independent checker and must reproduce the example's
// proven optimum; the infeasible and malformed ones get the right error.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <simdjson.h>

#include "streams/plan_json.hpp"
#include "tests/support/plan_checker.hpp"

using namespace hems;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(every_example_reproduces_its_expected_answer) {
  fs::path dir = fs::path(HEMS_TEST_DATA_DIR) / "plan-examples";
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".problem.json"))
      continue;
    ++seen;
    std::string stem = name.substr(0, name.size() - std::string(".problem.json").size());
    BOOST_TEST_CONTEXT(stem) {
      std::string problem_text = read(entry.path());
      std::string expected_text = read(dir / (stem + ".expected.json"));
      simdjson::dom::parser parser;
      simdjson::dom::element expected = parser.parse(expected_text);
      auto outcome = streams::plan_from_json(problem_text);
      simdjson::dom::parser plan_parser;
      simdjson::dom::element answer = plan_parser.parse(outcome.json);

      std::string_view error;
      if (expected["error"].get_string().get(error) == simdjson::SUCCESS) {
        BOOST_TEST(std::string(answer["error"].get_string().value()) == std::string(error));
        if (error == "infeasible") {
          BOOST_TEST(outcome.http_status == 422);
          std::string detail(answer["detail"].get_string().value());
          BOOST_TEST(detail.find("load 'ev'") != std::string::npos, detail);
        } else {
          BOOST_TEST(outcome.http_status == 400);
          std::string field(answer["field"].get_string().value());
          bool listed = false;
          for (auto f : expected["field"].get_array())
            listed = listed || std::string(f.get_string().value()) == field;
          BOOST_TEST(listed, "field " << field << " is not one the example lists");
        }
        continue;
      }
      BOOST_REQUIRE_EQUAL(outcome.http_status, 200);
      auto problem = streams::read_plan_problem(problem_text);
      BOOST_REQUIRE(problem.has_value());
      auto check = testing::check_plan_json(*problem, outcome.json);
      BOOST_TEST(check.ok(), check.summary());
      double optimum = expected["cost"].get_double().value();
      BOOST_TEST(testing::cost_matches(check.cost, optimum),
                 "cost " << check.cost << " vs proven optimum " << optimum);
      BOOST_TEST(check.status == "optimal");
    }
  }
  BOOST_TEST(seen == 8);
}
