#define BOOST_TEST_MODULE plan_loop_e2e
#include <boost/test/unit_test.hpp>

// Preferences, tariffs and plans on the real server: PUT /tariff and
// /preferences, then GET /plan answers a plan priced by that tariff (the same
// curve GET /prices gives) that survives a restart; bad documents are refused
// naming the field; the preferences' zone is the home's time zone.

#include <simdjson.h>

#include "tests/support/hems_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/openapi_check.hpp"
#include "tests/support/temp_dir.hpp"

using namespace hems::test;

namespace {

const std::map<std::string, std::string> json_type{{"Content-Type", "application/json"}};

// Dear from 00:00 to 12:00 UTC, cheap after: whatever the hour, the 48-hour
// plan sees both prices.
const std::string tariff = R"({"valid_from": 0, "currency": "EUR",
  "import": {"default": 0.10, "periods": [{"start": "00:00", "end": "12:00", "price": 0.50}]},
  "export": {"default": 0.05}})";

const std::string preferences = R"({"time_zone": "UTC", "import_cap_w": 9000,
  "peak_hours": [{"start": "17:00", "end": "21:00"}], "essential_devices": ["fridge"]})";

} // namespace

BOOST_AUTO_TEST_CASE(tariff_and_preferences_shape_the_plan) {
  temp_dir dir;
  auto data = dir.path() / "data";
  std::string plan_body;
  {
    hems_process hems{data, {"--rate-limit", "0"}};
    auto port = hems.http_port();
    openapi_checker api{http_get(port, "/openapi.json").body};

    // Before any setting: the plan on the default tariff, nothing to place.
    auto first = http_get(port, "/plan?home=h1");
    BOOST_TEST(first.status == 200);
    BOOST_TEST(first.body.find("\"status\":\"empty\"") != std::string::npos);
    auto bad = http_request(port, "PUT", "/preferences?home=h1",
                            R"({"peak_hours": [{"start": "7pm", "end": "21:00"}]})", json_type);
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(bad.body.find("peak_hours[0].start") != std::string::npos);
    bad = http_request(port, "PUT", "/tariff?home=h1",
                       R"({"valid_from": 0, "currency": "eur", "import": {"default": 0.1}})",
                       json_type);
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(bad.body.find("currency") != std::string::npos);

    auto put = http_request(port, "PUT", "/tariff?home=h1", tariff, json_type);
    BOOST_TEST(put.status == 200);
    BOOST_TEST(api.check_response("/tariff", "put", put.status, put.body) == "");
    put = http_request(port, "PUT", "/preferences?home=h1", preferences, json_type);
    BOOST_TEST(put.status == 200, put.body);
    BOOST_TEST(api.check_response("/preferences", "put", put.status, put.body) == "");
    // One time zone: the preferences' is the home's.
    auto zone = http_get(port, "/homes/h1/time_zone");
    BOOST_TEST(zone.body.find("\"time_zone\":\"UTC\"") != std::string::npos);
    auto prefs = http_get(port, "/preferences?home=h1");
    BOOST_TEST(prefs.body.find("\"import_cap_w\":9000") != std::string::npos);

    // The optimizer re-plans shortly after the changes.
    http_response plan;
    BOOST_REQUIRE(eventually([&] {
      plan = http_get(port, "/plan?home=h1");
      return plan.status == 200 && plan.body.find("0.5") != std::string::npos;
    }));
    BOOST_TEST(api.check_response("/plan", "get", plan.status, plan.body) == "");
    simdjson::dom::parser pp, cp;
    auto p = pp.parse(plan.body).value();
    std::int64_t from = p["from"].get_int64().value();
    auto curve = http_get(port, "/prices?home=h1&from=" + std::to_string(from) +
                                    "&to=" + std::to_string(from + 48 * 3'600'000));
    BOOST_TEST(curve.status == 200);
    BOOST_TEST(api.check_response("/prices", "get", curve.status, curve.body) == "");
    auto c = cp.parse(curve.body).value();
    auto plan_prices = p["prices"].get_array().value();
    auto curve_prices = c["import"].get_array().value();
    BOOST_TEST(plan_prices.size() == 192u);
    BOOST_TEST(curve_prices.size() == 192u);
    std::size_t i = 0, dear = 0;
    for (auto x : curve_prices) {
      double want = x.get_double().value();
      BOOST_TEST(plan_prices.at(i++).get_double().value() == want);
      dear += want == 0.50;
    }
    BOOST_TEST(dear == 96u);                                 // 12 hours a day, two days
    BOOST_TEST(p["status"].get_string().value() == "empty"); // no run requests yet
    BOOST_TEST(p["base_load_w"].at(0).get_double().value() == 300.0);

    // A pushed series overrides the tariff in its interval.
    std::string series = R"({"source": "dso", "import": [{"from": )" + std::to_string(from) +
                         R"(, "to": )" + std::to_string(from + 3'600'000) +
                         R"(, "price": -0.05}]})";
    auto pushed = http_request(port, "POST", "/prices?home=h1", series, json_type);
    BOOST_TEST(pushed.status == 200, pushed.body);
    BOOST_TEST(api.check_response("/prices", "post", pushed.status, pushed.body) == "");
    auto after = http_get(port, "/prices?home=h1&from=" + std::to_string(from));
    BOOST_TEST(after.body.find("\"import\":[-0.05,-0.05,-0.05,-0.05,") != std::string::npos);
    auto t = http_get(port, "/tariff?home=h1");
    BOOST_TEST(api.check_response("/tariff", "get", t.status, t.body) == "");
    BOOST_TEST(t.body.find("\"source\":\"dso\"") != std::string::npos);
    BOOST_REQUIRE(eventually([&] {
      auto now = http_get(port, "/plan?home=h1");
      return now.body.find("[-0.05,-0.05,-0.05,-0.05,") != std::string::npos;
    }));
    // Until the optimizer stores its plan, GET /plan plans on request and says so.
    BOOST_REQUIRE(eventually([&] {
      plan_body = http_get(port, "/plan?home=h1").body;
      return plan_body.find("planned on request") == std::string::npos;
    }));
  }
  // The plan is stored: a restarted server answers the same one (the same
  // computation time) before its optimizer runs again.
  auto at = plan_body.find("\"computed_ms\":");
  auto computed = plan_body.substr(at, plan_body.find(',', at) - at);
  hems_process again{data, {"--rate-limit", "0"}};
  auto stored = http_get(again.http_port(), "/plan?home=h1");
  BOOST_TEST(stored.status == 200);
  BOOST_TEST(stored.body.find(computed) != std::string::npos,
             computed << " in " << stored.body.substr(0, 120));
}
