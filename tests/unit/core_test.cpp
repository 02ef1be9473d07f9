#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include "core/json_writer.hpp"
#include "core/metrics.hpp"
#include "core/sample.hpp"

using namespace hems;

BOOST_AUTO_TEST_CASE(ids_follow_the_contract) {
  BOOST_TEST(is_valid_id("h-0001"));
  BOOST_TEST(is_valid_id("a.b_c-D9"));
  BOOST_TEST(is_valid_id(std::string(64, 'x')));
  BOOST_TEST(!is_valid_id(std::string(65, 'x')));
  BOOST_TEST(!is_valid_id(""));
  BOOST_TEST(!is_valid_id("has space"));
  BOOST_TEST(!is_valid_id("slash/no"));
  BOOST_TEST(!is_valid_id("\xc3\xa9"));
}

BOOST_AUTO_TEST_CASE(names_round_trip) {
  BOOST_TEST((parse_device_state("standby") == device_state::standby));
  BOOST_TEST(!parse_device_state("unknown").has_value());
  BOOST_TEST(to_string(*parse_device_kind("ev_charger")) == "ev_charger");
  BOOST_TEST(!parse_device_kind("toaster").has_value());
}

BOOST_AUTO_TEST_CASE(json_writer_places_commas_and_escapes) {
  json_writer w;
  w.begin_object()
      .field("a", 1)
      .field("s", "q\"\\\n\x01")
      .key("xs")
      .begin_array()
      .value(0.1)
      .value(true)
      .null()
      .end_array()
      .field("nan", std::numeric_limits<double>::quiet_NaN())
      .end_object();
  BOOST_TEST(w.str() == R"({"a":1,"s":"q\"\\\n\u0001","xs":[0.1,true,null],"nan":null})");
}

// Cached stretches of an array (GET /usage's days) join with the right commas,
// empty ones leave no trace, and numbers appended directly read as value() writes them.
BOOST_AUTO_TEST_CASE(json_writer_joins_rendered_array_elements) {
  json_writer w;
  w.begin_array().raw_elements("").raw_elements("1,2").raw_elements("").value(3);
  w.raw_elements("{\"a\":4}").end_array();
  BOOST_TEST(w.str() == R"([1,2,3,{"a":4}])");
  json_writer empty;
  empty.begin_array().raw_elements("").end_array();
  BOOST_TEST(empty.str() == "[]");
  for (double d : {0.1, 1.0 / 3.0, 1e-7, 123456.789, -0.0}) {
    std::string direct;
    append_json_number(direct, d);
    json_writer one;
    one.value(d);
    BOOST_TEST(direct == one.str());
  }
  std::string nan;
  append_json_number(nan, std::numeric_limits<double>::infinity());
  BOOST_TEST(nan == "null");
}

BOOST_AUTO_TEST_CASE(metrics_render_prometheus_text) {
  metrics_registry m;
  auto& c = m.add_counter("hems_x_total", "X things.", "reason=\"a\"");
  c.inc(3);
  auto& h = m.add_histogram("hems_lat_seconds", "Latency.", {0.001, 0.01});
  h.observe(0.005);
  auto text = m.render();
  BOOST_TEST(text.find("# TYPE hems_x_total counter\nhems_x_total{reason=\"a\"} 3\n") !=
             std::string::npos);
  BOOST_TEST(text.find("hems_lat_seconds_bucket{le=\"0.001\"} 0\n") != std::string::npos);
  BOOST_TEST(text.find("hems_lat_seconds_bucket{le=\"0.01\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("hems_lat_seconds_count 1\n") != std::string::npos);
}

#include "core/time_format.hpp"

BOOST_AUTO_TEST_CASE(times_parse_as_millis_or_rfc3339) {
  BOOST_TEST(*parse_time("1795740000000") == 1795740000000);
  BOOST_TEST(*parse_time("2026-11-27T00:00:00Z") == 1795737600000);
  BOOST_TEST(*parse_time("2026-11-27T01:00:00.250+01:00") == 1795737600250);
  BOOST_TEST(*parse_time("1970-01-01T00:00:00Z") == 0);
  BOOST_TEST(*parse_time("2024-02-29T12:00:00-05:30") == 1709227800000);
  BOOST_TEST(!parse_time("2023-02-29T00:00:00Z"));
  BOOST_TEST(!parse_time("2026-11-27T00:00:00"));
  BOOST_TEST(!parse_time("2026-11-27"));
  BOOST_TEST(!parse_time("soon"));
  BOOST_TEST(!parse_time(""));
  BOOST_TEST(!parse_time("99999999999999999999999"));
  BOOST_TEST(format_rfc3339(1795737600250) == "2026-11-27T00:00:00.250Z");
  BOOST_TEST(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  for (millis t : {0LL, 951782400000LL, 1709227800123LL, 4102444799999LL})
    BOOST_TEST(*parse_time(format_rfc3339(t)) == t);
}
