#define BOOST_TEST_MODULE simulate_command
#include <boost/test/unit_test.hpp>

#include "app/simulate_command.hpp"

using namespace hems;

namespace {

result<simulate_options> parse(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> v(args);
  return parse_simulate_args(v);
}

// The error's text, or "" when it parsed.
std::string error_of(std::initializer_list<std::string_view> args) {
  auto r = parse(args);
  return r ? std::string{} : r.error().detail;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.starts_with(prefix);
}

} // namespace

BOOST_AUTO_TEST_CASE(defaults_match_the_issue) {
  auto o = parse({});
  BOOST_REQUIRE(o.has_value());
  BOOST_TEST(o->homes == 20);
  BOOST_TEST(o->devices_per_home == 10);
  BOOST_TEST(o->rate_hz == 1.0);
  BOOST_TEST(o->link == "hub");
  BOOST_TEST(o->endpoint == "tcp://127.0.0.1:5557");
  auto push = parse({"--link", "push"});
  BOOST_REQUIRE(push.has_value());
  BOOST_TEST(push->endpoint == "tcp://127.0.0.1:5555");
  BOOST_TEST(!parse({"--link", "carrier-pigeon"}).has_value());
  BOOST_TEST(!parse({"--curve-key", "x.key"}).has_value()); // needs --server-key too
  BOOST_TEST(!o->duration_s.has_value());
  BOOST_TEST(!o->fast_forward());
  BOOST_TEST(!o->meters);
}

BOOST_AUTO_TEST_CASE(options_are_read_in_both_spellings) {
  auto o = parse({"--homes", "3", "--devices-per-home=25", "--rate", "0.1", "--endpoint",
                  "tcp://10.0.0.2:6000", "--seed", "99", "--duration", "2.5", "--tz",
                  "Europe/Paris", "--meter"});
  BOOST_REQUIRE(o.has_value());
  BOOST_TEST(o->homes == 3);
  BOOST_TEST(o->devices_per_home == 25);
  BOOST_TEST(o->rate_hz == 0.1);
  BOOST_TEST(o->endpoint == "tcp://10.0.0.2:6000");
  BOOST_TEST(o->seed == 99u);
  BOOST_TEST(*o->duration_s == 2.5);
  BOOST_TEST(o->time_zone == "Europe/Paris");
  BOOST_TEST(o->meters);

  auto ff =
      parse({"--from", "1700000000000", "--to", "2023-11-15T00:00:00+01:00", "--step-ms", "1000"});
  BOOST_REQUIRE(ff.has_value());
  BOOST_TEST(ff->fast_forward());
  BOOST_TEST(*ff->from == 1'700'000'000'000);
  BOOST_TEST(*ff->to == 1'700'002'800'000);
  BOOST_TEST(ff->step_ms == 1000);
  BOOST_TEST(parse({"--help"})->help);
}

BOOST_AUTO_TEST_CASE(bad_options_are_named) {
  BOOST_TEST(starts_with(error_of({"--homes", "0"}), "--homes:"));
  BOOST_TEST(starts_with(error_of({"--homes", "ten"}), "--homes:"));
  BOOST_TEST(starts_with(error_of({"--homes"}), "--homes: missing value"));
  BOOST_TEST(starts_with(error_of({"--devices-per-home", "-1"}), "--devices-per-home:"));
  BOOST_TEST(starts_with(error_of({"--rate", "0"}), "--rate:"));
  BOOST_TEST(starts_with(error_of({"--rate", "nan"}), "--rate:"));
  BOOST_TEST(starts_with(error_of({"--rate", "5000"}), "--rate:"));
  BOOST_TEST(starts_with(error_of({"--seed", "-3"}), "--seed:"));
  BOOST_TEST(starts_with(error_of({"--duration", "0"}), "--duration:"));
  BOOST_TEST(starts_with(error_of({"--tz", "Nowhere/Town"}), "--tz:"));
  BOOST_TEST(starts_with(error_of({"--endpoint", ""}), "--endpoint:"));
  BOOST_TEST(starts_with(error_of({"--meter=yes"}), "--meter:"));
  BOOST_TEST(error_of({"--homs", "3"}).find("'--homs'") != std::string::npos);
  BOOST_TEST(starts_with(error_of({"--from", "yesterday", "--to", "1"}), "--from:"));
  BOOST_TEST(starts_with(error_of({"--from", "1000"}), "--to:"));
  BOOST_TEST(starts_with(error_of({"--from", "2000", "--to", "1000"}), "--to:"));
  BOOST_TEST(
      starts_with(error_of({"--from", "0", "--to", "10", "--duration", "5"}), "--duration:"));
  BOOST_TEST(starts_with(error_of({"--from", "0", "--to", "10", "--rate", "5"}), "--rate:"));
  BOOST_TEST(starts_with(error_of({"--step-ms", "10"}), "--step-ms:"));
  BOOST_TEST(starts_with(error_of({"--from", "0", "--to", "10", "--step-ms", "0"}), "--step-ms:"));
}

BOOST_AUTO_TEST_CASE(times_are_epoch_milliseconds_or_rfc3339) {
  BOOST_TEST(*parse_time_arg("0") == 0);
  BOOST_TEST(*parse_time_arg("1795740000000") == 1'795'740'000'000);
  BOOST_TEST(*parse_time_arg("1970-01-01T00:00:00Z") == 0);
  BOOST_TEST(*parse_time_arg("2025-11-27T06:00:00Z") == 1'764'223'200'000);
  BOOST_TEST(*parse_time_arg("2025-11-27T07:00:00+01:00") == 1'764'223'200'000);
  BOOST_TEST(*parse_time_arg("2025-11-27t01:30:00.250-04:30") == 1'764'223'200'250);
  BOOST_TEST(!parse_time_arg("2025-11-27").has_value());
  BOOST_TEST(!parse_time_arg("2025-02-30T00:00:00Z").has_value());
  BOOST_TEST(!parse_time_arg("2025-11-27T25:00:00Z").has_value());
  BOOST_TEST(!parse_time_arg("2025-11-27T06:00:00").has_value());
  BOOST_TEST(!parse_time_arg("2025-11-27T06:00:00.Z").has_value());
  BOOST_TEST(!parse_time_arg("").has_value());
  BOOST_TEST(!parse_time_arg("-5").has_value());
  BOOST_TEST(!parse_time_arg("99999999999999999999").has_value());
}

BOOST_AUTO_TEST_CASE(the_command_exits_2_on_bad_options) {
  std::string a = "--homes", b = "none";
  char* argv[] = {a.data(), b.data()};
  BOOST_TEST(run_simulate_command(2, argv) == 2);
  std::string h = "--help";
  char* help[] = {h.data()};
  BOOST_TEST(run_simulate_command(1, help) == 0);
}
