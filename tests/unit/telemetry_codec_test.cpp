#define BOOST_TEST_MODULE telemetry_codec
#include <boost/test/unit_test.hpp>

#include <string>

#include "adapters/telemetry_codec.hpp"

using namespace hems;
using namespace hems::adapters;

namespace {

struct fixture {
  telemetry_decoder decoder;
  decoded_samples out;

  std::expected<void, frame_error> decode(std::string_view frame) {
    return decoder.decode_frame(frame, out);
  }

  // Decodes one sample and returns its rejection detail ("" when accepted).
  std::string verdict(std::string_view frame) {
    auto r = decode(frame);
    BOOST_REQUIRE(r.has_value());
    BOOST_REQUIRE_EQUAL(out.samples.size() + out.rejected.size(), 1u);
    return out.rejected.empty() ? "" : out.rejected.front().detail;
  }
};

const std::string good =
  R"({"home": "h-0001", "device": "dishwasher", "ts": 1795740000000, "power_w": 1830.5,
      "energy_wh": 120345.0, "state": "on", "seq": 4711, "kind": "appliance"})";

std::string with(std::string_view field_json) {
  return std::string{R"({"home":"h","device":"d","ts":1795740000000,"power_w":1,)"} +
         std::string{field_json} + "}";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(decoding, fixture)

BOOST_AUTO_TEST_CASE(the_contract_example_decodes_exactly) {
  BOOST_REQUIRE(decode(good).has_value());
  BOOST_REQUIRE_EQUAL(out.samples.size(), 1u);
  const auto& s = out.samples[0];
  BOOST_TEST(s.home == "h-0001");
  BOOST_TEST(s.device == "dishwasher");
  BOOST_TEST(s.ts_ms == 1795740000000);
  BOOST_TEST(s.power_w == 1830.5);
  BOOST_TEST(*s.energy_wh == 120345.0);
  BOOST_TEST(to_string(s.state) == "on");
  BOOST_TEST(*s.seq == 4711u);
  BOOST_TEST(to_string(s.kind) == "appliance");
}

BOOST_AUTO_TEST_CASE(optional_fields_decode) {
  BOOST_REQUIRE(decode(with(R"("occupied":true,"temperature_c":21.5,"setpoint_c":19,"soc_pct":55)"))
                  .has_value());
  BOOST_REQUIRE_EQUAL(out.samples.size(), 1u);
  const auto& s = out.samples[0];
  BOOST_TEST(*s.occupied);
  BOOST_TEST(*s.temperature_c == 21.5);
  BOOST_TEST(*s.setpoint_c == 19.0);
  BOOST_TEST(*s.soc_pct == 55.0);
  BOOST_TEST(!s.energy_wh.has_value());
}

BOOST_AUTO_TEST_CASE(a_bad_sample_is_rejected_alone) {
  auto frame = "[" + good + "," + with(R"("state":"exploded")") + "," + good + ", 7]";
  BOOST_REQUIRE(decode(frame).has_value());
  BOOST_TEST(out.samples.size() == 2u);
  BOOST_REQUIRE_EQUAL(out.rejected.size(), 2u);
  BOOST_TEST(out.rejected[0].index == 1u);
  BOOST_TEST((out.rejected[0].reason == sample_error::state));
  BOOST_TEST(out.rejected[1].index == 3u);
  BOOST_TEST((out.rejected[1].reason == sample_error::not_object));
}

BOOST_AUTO_TEST_CASE(every_rule_names_its_field) {
  BOOST_TEST(verdict(R"({"device":"d","ts":1795740000000,"power_w":1})") == "home: missing");
  BOOST_TEST(verdict(R"({"home":"h","ts":1795740000000,"power_w":1})") == "device: missing");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","power_w":1})") == "ts: missing");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":1795740000000})") == "power_w: missing");
  BOOST_TEST(verdict(R"({"home":"h x","device":"d","ts":1795740000000,"power_w":1})") ==
             "home: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  BOOST_TEST(verdict(R"({"home":"","device":"d","ts":1795740000000,"power_w":1})").starts_with(
    "home: not a valid id"));
  BOOST_TEST(verdict(R"({"home":7,"device":"d","ts":1795740000000,"power_w":1})") ==
             "home: expected a string");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":1795740000000,"power_w":null})") ==
             "power_w: null, expected a value");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":1795740000000,"power_w":"5"})") ==
             "power_w: expected a number");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":1795740000000,"power_w":1000001})") ==
             "power_w: out of range -1e6..1e6");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":1795740000000,"power_w":1e400})") ==
             "power_w: not finite");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":1795740000000.5,"power_w":1})") ==
             "ts: expected whole milliseconds since the Unix epoch");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":-5,"power_w":1})") ==
             "ts: out of range (2000-01-01 .. 2100-01-01)");
  BOOST_TEST(verdict(R"({"home":"h","device":"d","ts":"now","power_w":1})") ==
             "ts: expected a number (milliseconds since the Unix epoch)");
  BOOST_TEST(verdict(with(R"("seq":-1)")) == "seq: expected a non-negative integer below 2^64");
  BOOST_TEST(verdict(with(R"("seq":1.5)")) == "seq: expected a non-negative integer below 2^64");
  BOOST_TEST(verdict(with(R"("seq":123456789012345678901234567890)")) ==
             "seq: expected a non-negative integer below 2^64");
  BOOST_TEST(verdict(with(R"("kind":"toaster")")).starts_with("kind: expected one of light"));
  BOOST_TEST(verdict(with(R"("occupied":1)")) == "occupied: expected true or false");
  BOOST_TEST(verdict(with(R"("soc_pct":101)")) == "soc_pct: out of range 0..100");
  BOOST_TEST(verdict(with(R"("energy_wh":"lots")")) == "energy_wh: expected a number");
  BOOST_TEST(verdict(with(R"("temperature_c":-300)")) == "temperature_c: out of range -100..200");
  BOOST_TEST(verdict(with(R"("power_w":2)")) == "power_w: duplicate field");
}

BOOST_AUTO_TEST_CASE(null_optional_fields_mean_not_reported) {
  BOOST_TEST(verdict(with(R"("energy_wh":null,"state":null,"seq":null,"kind":null)")) == "");
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_ignored_however_nested) {
  BOOST_TEST(verdict(with(R"("vendor":{"a":[1,{"b":null}]},"x":"y")")) == "");
}

BOOST_AUTO_TEST_CASE(escaped_strings_are_unescaped_before_checking) {
  BOOST_TEST(verdict(R"({"home":"h\u002d1","device":"d","ts":1795740000000,"power_w":1})") == "");
  BOOST_TEST(out.samples[0].home == "h-1");
}

BOOST_AUTO_TEST_CASE(an_out_of_range_number_breaks_only_its_sample) {
  auto frame = "[" + good + R"(,{"home":"h","device":"d","ts":1795740000000,"power_w":-1e999},)" +
               good + "]";
  BOOST_REQUIRE(decode(frame).has_value());
  BOOST_TEST(out.samples.size() == 2u);
  BOOST_REQUIRE_EQUAL(out.rejected.size(), 1u);
  BOOST_TEST(out.rejected[0].detail == "power_w: not finite");
}

BOOST_AUTO_TEST_CASE(bad_frames_are_dropped_whole) {
  BOOST_TEST((decode("[" + good + ",").error() == frame_error::not_json));
  BOOST_TEST((decode(good + " trailing").error() == frame_error::not_json));
  BOOST_TEST((decode("[{\"power_w\": 01}]").error() == frame_error::not_json));
  BOOST_TEST((decode("[{\"power_w\": 1e400} x]").error() == frame_error::not_json));
  BOOST_TEST((decode("\"\xff\xfe\"").error() == frame_error::not_utf8));
  BOOST_TEST((decode(std::string(40, '[') + std::string(40, ']')).error() == frame_error::too_deep));
  BOOST_TEST((decode("42").error() == frame_error::not_sample_or_array));
  BOOST_TEST((decode("").error() == frame_error::not_json));
  BOOST_TEST((decode(std::string(max_frame_bytes + 1, ' ')).error() == frame_error::too_large));
  BOOST_TEST(out.samples.empty());
}

BOOST_AUTO_TEST_CASE(arrays_hold_at_most_ten_thousand_samples) {
  std::string frame = "[";
  for (int i = 0; i < 10'001; ++i)
    frame += i ? ",{}" : "{}";
  frame += "]";
  BOOST_TEST((decode(frame).error() == frame_error::too_many_samples));
  frame = "[" + std::string{"{}"};
  for (int i = 1; i < 10'000; ++i)
    frame += ",{}";
  frame += "]";
  BOOST_REQUIRE(decode(frame).has_value());
  BOOST_TEST(out.rejected.size() == 10'000u);
}

BOOST_AUTO_TEST_CASE(the_decoder_is_reusable_after_errors) {
  BOOST_TEST(!decode("[").has_value());
  BOOST_TEST(verdict(good) == "");
}

BOOST_AUTO_TEST_SUITE_END()
