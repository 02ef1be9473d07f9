#define BOOST_TEST_MODULE plan_problem
#include <boost/test/unit_test.hpp>

// Malformed problems name the offending field (400); infeasible ones name the
// constraint that cannot hold (422). Nothing is clamped.

#include <string>

#include <simdjson.h>

#include "streams/plan_json.hpp"

using namespace hems;

namespace {

// A small valid problem, as text with one placeholder per field to break.
std::string slots(int n, const std::string& v) {
  std::string s = "[";
  for (int i = 0; i < n; ++i)
    s += (i ? "," : "") + v;
  return s + "]";
}

struct fields {
  std::string slot_minutes = "15", horizon = "4";
  std::string import_price = slots(4, "0.3"), export_price = slots(4, "0.05");
  std::string base = slots(4, "0.5"), pv = slots(4, "0");
  std::string cap = "9";
  std::string loads =
      R"([{"id":"dw","type":"shiftable","profile_kw":[2,1],"earliest_start":0,"latest_finish":4},
    {"id":"ev","type":"energy","energy_kwh":2,"max_kw":7.4,"earliest_start":1,"latest_finish":4}])";
  std::string battery = R"({"capacity_kwh":10,"soc_kwh":5,"min_soc_kwh":1,"max_charge_kw":3,
    "max_discharge_kw":3,"charge_efficiency":0.95,"discharge_efficiency":0.95})";
  std::string extra;

  std::string json() const {
    return "{\"slot_minutes\":" + slot_minutes + ",\"horizon\":" + horizon +
           ",\"import_price\":" + import_price + ",\"export_price\":" + export_price +
           ",\"base_load_kw\":" + base + ",\"pv_kw\":" + pv + ",\"max_import_kw\":" + cap +
           ",\"loads\":" + loads + ",\"battery\":" + battery + extra + "}";
  }
};

struct answer {
  int status;
  std::string error, field, detail;
};

answer ask(const std::string& body) {
  auto out = streams::plan_from_json(body);
  simdjson::dom::parser parser;
  simdjson::dom::element e = parser.parse(out.json);
  answer a{out.http_status, "", "", ""};
  std::string_view v;
  if (e["error"].get_string().get(v) == simdjson::SUCCESS)
    a.error = v;
  if (e["field"].get_string().get(v) == simdjson::SUCCESS)
    a.field = v;
  if (e["detail"].get_string().get(v) == simdjson::SUCCESS)
    a.detail = v;
  return a;
}

void expect_invalid(const fields& f, const std::string& field) {
  auto a = ask(f.json());
  BOOST_TEST(a.status == 400, f.json());
  BOOST_TEST(a.error == "invalid");
  BOOST_TEST(a.field == field, "detail: " << a.detail);
  BOOST_TEST(!a.detail.empty());
}

void expect_infeasible(const fields& f, const std::string& words) {
  auto a = ask(f.json());
  BOOST_TEST(a.status == 422, f.json() << " -> " << a.detail);
  BOOST_TEST(a.error == "infeasible");
  BOOST_TEST(a.detail.find(words) != std::string::npos, a.detail);
}

} // namespace

BOOST_AUTO_TEST_CASE(the_base_problem_is_valid_and_feasible) {
  BOOST_TEST(ask(fields{}.json()).status == 200);
}

BOOST_AUTO_TEST_CASE(unreadable_documents) {
  BOOST_TEST(ask("").field == "problem");
  BOOST_TEST(ask("{\"horizon\":").field == "problem");
  BOOST_TEST(ask("[1,2]").field == "problem");
  fields f;
  f.extra = ",\"max_import_kW\":5"; // a typo must not silently drop the cap
  expect_invalid(f, "max_import_kW");
  f.extra = ",\"horizon\":4";
  expect_invalid(f, "horizon"); // duplicate key
}

BOOST_AUTO_TEST_CASE(wrong_types_and_missing_fields) {
  fields f;
  f.horizon = "\"4\"";
  expect_invalid(f, "horizon");
  f = {};
  f.slot_minutes = "7.5";
  expect_invalid(f, "slot_minutes");
  f = {};
  f.import_price = "[0.3,\"0.3\",0.3,0.3]";
  expect_invalid(f, "import_price");
  f = {};
  f.cap = "true";
  expect_invalid(f, "max_import_kw");
  f = {};
  f.loads = "{}";
  expect_invalid(f, "loads");
  f = {};
  f.battery = "[]";
  expect_invalid(f, "battery");
  f = {};
  f.loads = R"([{"type":"energy","energy_kwh":1,"max_kw":2}])";
  expect_invalid(f, "loads[0].id");
  f = {};
  f.loads = R"([{"id":"ev","type":"energy","max_kw":2}])";
  expect_invalid(f, "loads[0].energy_kwh");
  f = {};
  f.battery = R"({"capacity_kwh":10,"soc_kwh":5})";
  expect_invalid(f, "battery.max_charge_kw");
}

BOOST_AUTO_TEST_CASE(wrong_lengths_and_ranges) {
  fields f;
  f.import_price = slots(3, "0.3");
  expect_invalid(f, "import_price");
  f = {};
  f.base = slots(5, "0.5");
  expect_invalid(f, "base_load_kw");
  f = {};
  f.horizon = "0";
  expect_invalid(f, "horizon");
  f = {};
  f.horizon = "-4";
  expect_invalid(f, "horizon");
  f = {};
  f.export_price = "[0.05,0.05,0.4,0.05]";
  expect_invalid(f, "export_price");
  f = {};
  f.import_price = "[0.3,-0.1,0.3,0.3]"; // export defaults to 0 > -0.1? here export is 0.05
  expect_invalid(f, "export_price");
  f = {};
  f.base = "[0.5,-0.1,0.5,0.5]";
  expect_invalid(f, "base_load_kw");
  f = {};
  f.pv = "[0,0,-1,0]";
  expect_invalid(f, "pv_kw");
  f = {};
  f.cap = "-1";
  expect_invalid(f, "max_import_kw");
}

BOOST_AUTO_TEST_CASE(numbers_that_are_not_numbers) {
  fields f;
  f.import_price = "[0.3,1e400,0.3,0.3]";
  auto a = ask(f.json());
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.field == "import_price");
  BOOST_TEST(a.detail.find("out of range") != std::string::npos, a.detail);
  f = {};
  f.cap = "NaN"; // not JSON at all
  BOOST_TEST(ask(f.json()).status == 400);
  f = {};
  f.cap = "-1e999";
  expect_invalid(f, "max_import_kw");
}

BOOST_AUTO_TEST_CASE(bad_loads) {
  fields f;
  f.loads = R"([{"id":"x","type":"heat_pump","energy_kwh":1,"max_kw":2}])";
  expect_invalid(f, "loads[0].type");
  f.loads = R"([{"id":"a","type":"energy","energy_kwh":1,"max_kw":2},
                {"id":"a","type":"energy","energy_kwh":1,"max_kw":2}])";
  expect_invalid(f, "loads[1].id");
  f.loads =
      R"([{"id":"dw","type":"shiftable","profile_kw":[1,1,1],"earliest_start":2,"latest_finish":4}])";
  expect_invalid(f, "loads[0].profile_kw"); // profile longer than its window
  f.loads =
      R"([{"id":"dw","type":"shiftable","profile_kw":[],"earliest_start":0,"latest_finish":4}])";
  expect_invalid(f, "loads[0].profile_kw");
  f.loads = R"([{"id":"dw","type":"shiftable","profile_kw":[1,-2]}])";
  expect_invalid(f, "loads[0].profile_kw");
  f.loads = R"([{"id":"ev","type":"energy","energy_kwh":-1,"max_kw":2}])";
  expect_invalid(f, "loads[0].energy_kwh");
  f.loads = R"([{"id":"ev","type":"energy","energy_kwh":1,"max_kw":2,"earliest_start":4}])";
  expect_invalid(f, "loads[0].earliest_start");
  f.loads =
      R"([{"id":"ev","type":"energy","energy_kwh":1,"max_kw":2,"earliest_start":2,"latest_finish":2}])";
  expect_invalid(f, "loads[0].latest_finish");
  f.loads = R"([{"id":"ev","type":"energy","energy_kwh":1,"max_kw":2,"latest_finish":5}])";
  expect_invalid(f, "loads[0].latest_finish");
  f.loads = R"([{"id":"ev","type":"energy","energy_kwh":1,"max_kw":2,"profile_kw":[1]}])";
  expect_invalid(f, "loads[0].profile_kw"); // a field of the other load type
}

BOOST_AUTO_TEST_CASE(bad_batteries) {
  auto battery = [](const std::string& changes) {
    fields f;
    f.battery = "{\"capacity_kwh\":10,\"max_charge_kw\":3,\"max_discharge_kw\":3," + changes + "}";
    return f;
  };
  expect_invalid(battery(R"("soc_kwh":11,"charge_efficiency":0.9,"discharge_efficiency":0.9)"),
                 "battery.soc_kwh");
  expect_invalid(
      battery(
          R"("soc_kwh":0.5,"min_soc_kwh":1,"charge_efficiency":0.9,"discharge_efficiency":0.9)"),
      "battery.soc_kwh");
  expect_invalid(battery(R"("soc_kwh":5,"charge_efficiency":0,"discharge_efficiency":0.9)"),
                 "battery.charge_efficiency");
  expect_invalid(battery(R"("soc_kwh":5,"charge_efficiency":0.9,"discharge_efficiency":1.2)"),
                 "battery.discharge_efficiency");
  expect_invalid(
      battery(R"("soc_kwh":5,"min_soc_kwh":11,"charge_efficiency":0.9,"discharge_efficiency":0.9)"),
      "battery.min_soc_kwh");
}

BOOST_AUTO_TEST_CASE(infeasible_problems_name_the_constraint) {
  fields f;
  f.loads =
      R"([{"id":"ev","type":"energy","energy_kwh":18,"max_kw":7.4,"earliest_start":0,"latest_finish":4}])";
  expect_infeasible(f, "load 'ev' needs 18 kWh but can draw at most 7.4 kWh before slot 4");
  f = {};
  f.cap = "0.4"; // below the base load, battery discharge included
  f.battery = R"({"capacity_kwh":1,"soc_kwh":0.5,"max_charge_kw":0.05,"max_discharge_kw":0.05,
                  "charge_efficiency":0.9,"discharge_efficiency":0.9})";
  expect_infeasible(f, "exceeds the import cap");
  f = {};
  f.cap = "2";
  f.battery = R"({"capacity_kwh":1,"soc_kwh":0,"max_charge_kw":0,"max_discharge_kw":0,
                  "charge_efficiency":1,"discharge_efficiency":1})";
  expect_infeasible(f, "load 'dw' cannot run anywhere in its window");
  f = {};
  f.cap = "3";
  f.loads = R"([{"id":"ev","type":"energy","energy_kwh":4,"max_kw":7.4}])";
  f.battery = R"({"capacity_kwh":1,"soc_kwh":0.5,"max_charge_kw":0.1,"max_discharge_kw":0.1,
                  "charge_efficiency":0.9,"discharge_efficiency":0.9})";
  expect_infeasible(f, "the import cap of 3 kW leaves room for at most");
  // Two cycles that each fit under the cap, but not together in their windows.
  f = {};
  f.cap = "3";
  f.battery = R"({"capacity_kwh":1,"soc_kwh":0,"max_charge_kw":0,"max_discharge_kw":0,
                  "charge_efficiency":1,"discharge_efficiency":1})";
  f.loads =
      R"([{"id":"a","type":"shiftable","profile_kw":[2,2],"earliest_start":0,"latest_finish":3},
                {"id":"b","type":"shiftable","profile_kw":[2,2],"earliest_start":0,"latest_finish":3}])";
  expect_infeasible(f, "'a' and 'b'");
  // The battery cannot carry the base load through a long cap shortfall.
  f = {};
  f.cap = "0.3";
  f.loads = "[]";
  f.battery = R"({"capacity_kwh":1,"soc_kwh":0.1,"max_charge_kw":1,"max_discharge_kw":1,
                  "charge_efficiency":1,"discharge_efficiency":1})";
  expect_infeasible(f, "import cap of 0.3 kW");
}
