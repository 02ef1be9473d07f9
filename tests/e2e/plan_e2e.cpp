#define BOOST_TEST_MODULE plan_e2e
#include <boost/test/unit_test.hpp>

// POST /plan on the real server: every public example answers as `hems plan`
// does (status, cost within the contract's tolerance), and as documented.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <simdjson.h>

#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/openapi_check.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems::test;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in{p};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(every_example_answers_over_rest) {
  temp_dir dir;
  hems_process hems{dir.path() / "data"};
  openapi_checker api{http_get(hems.http_port(), "/openapi.json").body};
  std::filesystem::path examples{HEMS_TEST_DATA_DIR "/plan-examples"};
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator{examples}) {
    auto name = entry.path().filename().string();
    if (!name.ends_with(".problem.json"))
      continue;
    auto stem = name.substr(0, name.size() - std::string{".problem.json"}.size());
    BOOST_TEST_CONTEXT(stem) {
      simdjson::dom::parser ep, rp;
      auto expected = ep.load((examples / (stem + ".expected.json")).string()).value();
      auto r = http_request(hems.http_port(), "POST", "/plan?budget_ms=10000",
                            read_file(entry.path()), {{"Content-Type", "application/json"}});
      BOOST_TEST(api.check_response("/plan", "post", r.status, r.body) == "");
      auto answer = rp.parse(r.body).value();
      std::string_view error;
      if (!expected["error"].get(error)) {
        BOOST_TEST(r.status == (error == "infeasible" ? 422 : 400));
        BOOST_TEST(std::string_view{answer["error"].get_string().value()} == error);
      } else {
        BOOST_TEST(r.status == 200);
        double want = expected["cost"].get_double().value();
        double got = answer["cost"].get_double().value();
        BOOST_TEST(std::fabs(got - want) <= 0.001 * std::fabs(want) + 1e-6);
        BOOST_TEST(std::string_view{answer["status"].get_string().value()} == "optimal");
      }
      ++checked;
    }
  }
  BOOST_TEST(checked == 8);
  auto bad = http_request(hems.http_port(), "POST", "/plan", "{not json");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(http_request(hems.http_port(), "POST", "/plan?budget_ms=99999", "{}").status == 400);
}
