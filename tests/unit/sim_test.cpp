#define BOOST_TEST_MODULE sim
#include <map>
#include <set>

#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include "sim/appliance_cycle.hpp"
#include "sim/ev_charger.hpp"
#include "sim/neighbourhood.hpp"
#include "sim/playback.hpp"
#include "sim/sample_json.hpp"
#include "sim/space_heating.hpp"
#include "tests/unit/sim_test_support.hpp"

using namespace hems;
using namespace hems::sim;
using namespace sim_test;

namespace {

std::vector<sample> run(neighbourhood& n, millis from, millis to, millis step) {
  std::vector<sample> all;
  generate(n, from, to, step, 1000, [&](const simulated_home&, std::span<const sample> s) {
    all.insert(all.end(), s.begin(), s.end());
    return true;
  });
  return all;
}

// The first sample of `device` in a home's reading at `t`.
sample read_at(simulated_home& home, std::string_view device, millis t) {
  std::vector<sample> out;
  home.sample_all(t, out);
  for (auto& s : out)
    if (s.device == device)
      return s;
  BOOST_FAIL("no device " << device);
  return {};
}

const millis jan_13 = utc_midnight(2025, 1, 13); // a Monday
const millis nov_10 = utc_midnight(2025, 11, 10);

} // namespace

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_samples) {
  neighbourhood_config c;
  c.homes = 3;
  c.devices_per_home = 14;
  c.seed = 7;
  neighbourhood a{c}, b{c};
  auto sa = run(a, jan_13, jan_13 + day_ms, minute_ms);
  auto sb = run(b, jan_13, jan_13 + day_ms, minute_ms);
  BOOST_TEST(sa.size() == 3u * 14u * 1440u);
  BOOST_TEST((sa == sb));

  c.seed = 8;
  neighbourhood other{c};
  BOOST_TEST((run(other, jan_13, jan_13 + day_ms, minute_ms) != sa));
}

BOOST_AUTO_TEST_CASE(a_home_is_the_same_whatever_the_size_of_the_neighbourhood) {
  neighbourhood_config c;
  c.homes = 2;
  c.seed = 11;
  neighbourhood small{c};
  c.homes = 5;
  neighbourhood large{c};
  std::vector<sample> a, b;
  small.homes()[1].sample_all(nov_10, a);
  large.homes()[1].sample_all(nov_10, b);
  BOOST_TEST((a == b));
}

BOOST_AUTO_TEST_CASE(energy_does_not_depend_on_how_often_devices_are_read) {
  // The models are event-driven: reading every 10 s or once a week must
  // integrate the same energy.
  simulated_home coarse{fully_equipped("h-0001", 5, 30), weather{3}};
  simulated_home fine{fully_equipped("h-0001", 5, 30), weather{3}};
  coarse.advance_to(jan_13);
  fine.advance_to(jan_13);
  coarse.advance_to(jan_13 + 3 * day_ms);
  for (millis t = jan_13; t <= jan_13 + 3 * day_ms; t += 10 * second_ms)
    fine.advance_to(t);
  for (std::size_t i = 0; i < coarse.devices().size(); ++i) {
    double a = coarse.devices()[i]->drawn_energy_wh();
    double b = fine.devices()[i]->drawn_energy_wh();
    BOOST_TEST(a == b, boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(every_sample_follows_the_contract) {
  std::vector<simulated_home> homes;
  homes.emplace_back(fully_equipped("h-0001", 1, 40, heating_type::heat_pump), weather{1});
  homes.emplace_back(fully_equipped("h-0002", 2, 40, heating_type::electric), weather{1});
  home_config plain;
  plain.id = "h-0003";
  plain.seed = 3;
  plain.devices = 10;
  homes.emplace_back(plain, weather{1});

  std::set<device_kind> kinds;
  std::set<device_state> states;
  std::map<std::string, sample> last;
  std::vector<sample> out;
  for (millis t = nov_10; t < nov_10 + 2 * day_ms; t += 30 * second_ms) {
    for (auto& h : homes) {
      out.clear();
      h.sample_all(t, out);
      BOOST_REQUIRE(out.size() == h.devices().size());
      for (const auto& s : out) {
        auto why = contract_violation(s);
        BOOST_TEST_REQUIRE(why.empty(), why);
        BOOST_TEST_REQUIRE(s.ts_ms == t);
        kinds.insert(s.kind);
        states.insert(s.state);
        auto key = s.home + "/" + s.device;
        if (auto it = last.find(key); it != last.end()) {
          BOOST_TEST_REQUIRE(*s.seq > *it->second.seq, key << ": seq must increase");
          if (s.energy_wh)
            BOOST_TEST_REQUIRE(*s.energy_wh >= *it->second.energy_wh, key << ": meter ran back");
        }
        last[key] = s;
      }
    }
  }
  for (auto k :
       {device_kind::presence, device_kind::appliance, device_kind::light, device_kind::plug,
        device_kind::hvac, device_kind::thermostat, device_kind::water_heater,
        device_kind::ev_charger, device_kind::pv, device_kind::meter})
    BOOST_TEST(kinds.count(k) == 1u, "kind " << to_string(k) << " was seen");
  for (auto s : {device_state::on, device_state::off, device_state::standby})
    BOOST_TEST(states.count(s) == 1u, "state " << to_string(s) << " was seen");
  // Device ids are unique within a home.
  std::set<std::string> ids;
  for (const auto& d : homes[0].devices())
    BOOST_TEST(ids.insert(d->id()).second, d->id());
}

BOOST_AUTO_TEST_CASE(a_home_has_a_realistic_mix_in_a_fixed_order) {
  home_config c = fully_equipped("h-0001", 9, 12);
  simulated_home h{c, weather{}};
  std::vector<std::string> ids;
  for (const auto& d : h.devices())
    ids.push_back(d->id());
  std::vector<std::string> expected{
      "presence",        "fridge",    "light-living", "router", "dishwasher",
      "washing-machine", "heat-pump", "ev-charger",   "cooker", "tv",
      "light-kitchen",   "pv",        "meter"};
  BOOST_TEST(ids == expected, boost::test_tools::per_element());

  c.devices = 60;
  simulated_home big{c, weather{}};
  BOOST_TEST(big.devices().size() == 61u);
  BOOST_TEST(big.find("freezer") != nullptr);
  BOOST_TEST(big.find("light-garden") != nullptr);
}

BOOST_AUTO_TEST_CASE(meters_rise_with_the_integral_of_power) {
  // What the server's energy rule will do: the meter's rise against the
  // power held from one sample to the next.
  simulated_home h{fully_equipped("h-0001", 21, 30), weather{4}};
  std::map<std::string, double> first_meter, last_meter, integral, last_power;
  std::vector<sample> out;
  const millis step = 10 * second_ms;
  for (millis t = jan_13; t <= jan_13 + 2 * day_ms; t += step) {
    out.clear();
    h.sample_all(t, out);
    for (const auto& s : out) {
      if (!s.energy_wh)
        continue;
      if (!first_meter.count(s.device))
        first_meter[s.device] = *s.energy_wh;
      else
        integral[s.device] += last_power[s.device] * static_cast<double>(step) / hour_ms;
      last_meter[s.device] = *s.energy_wh;
      last_power[s.device] = s.power_w;
    }
  }
  BOOST_TEST(first_meter.size() >= 15u);
  for (const auto& [device, first] : first_meter) {
    double rise = last_meter[device] - first;
    double tolerance = 0.02 * rise + 20.0;
    BOOST_TEST(std::abs(rise - integral[device]) <= tolerance, device << ": meter rose " << rise
                                                                      << " Wh, power integrates to "
                                                                      << integral[device] << " Wh");
  }
  BOOST_TEST(last_meter["meter"] - first_meter["meter"] > 20'000.0); // two winter days
}

BOOST_AUTO_TEST_CASE(homes_use_a_realistic_amount_of_energy_per_day) {
  // The whole home, as its meter sees it, averaged over a week.
  struct week {
    millis from;
    bool every_home_within; // spring and autumn: every home; deep winter and high summer: the mean
  };
  for (auto w : {week{utc_midnight(2025, 4, 14), true}, week{nov_10, true}, week{jan_13, false},
                 week{utc_midnight(2025, 7, 14), false}}) {
    neighbourhood_config c;
    c.homes = 20;
    c.devices_per_home = 10;
    c.seed = 42;
    c.meters = true;
    neighbourhood n{c};
    double sum = 0;
    for (auto& h : n.homes()) {
      h.advance_to(w.from);
      double before = h.find("meter")->energy_wh();
      h.advance_to(w.from + 7 * day_ms);
      double kwh_per_day = (h.find("meter")->energy_wh() - before) / 7000.0;
      sum += kwh_per_day;
      if (w.every_home_within)
        BOOST_TEST((kwh_per_day >= 8.0 && kwh_per_day <= 40.0), h.id() << ": " << kwh_per_day);
      else
        BOOST_TEST((kwh_per_day >= 5.0 && kwh_per_day <= 50.0), h.id() << ": " << kwh_per_day);
    }
    double mean = sum / c.homes;
    BOOST_TEST((mean >= 8.0 && mean <= 40.0), "mean " << mean);
  }
}

BOOST_AUTO_TEST_CASE(presence_follows_the_household_schedule) {
  neighbourhood_config c;
  c.homes = 30;
  c.devices_per_home = 1; // the presence sensor
  c.seed = 5;
  neighbourhood n{c};
  // Per hour of the day: occupied samples and all samples, weekdays and weekends.
  std::array<int, 24> weekday_in{}, weekday_all{}, weekend_in{}, weekend_all{};
  for (auto& h : n.homes()) {
    if (h.context().household().traits().someone_home_by_day)
      continue;
    std::vector<sample> out;
    for (millis t = jan_13; t < jan_13 + 14 * day_ms; t += 15 * minute_ms) {
      out.clear();
      h.sample_all(t, out);
      BOOST_REQUIRE(out.size() == 1u);
      BOOST_REQUIRE(out[0].kind == device_kind::presence);
      BOOST_TEST_REQUIRE(out[0].power_w == 0.0);
      auto m = h.context().local(t);
      auto hour = static_cast<std::size_t>(m.ms_of_day / hour_ms);
      (m.weekend() ? weekend_in : weekday_in)[hour] += *out[0].occupied ? 1 : 0;
      (m.weekend() ? weekend_all : weekday_all)[hour] += 1;
    }
  }
  auto share = [](int in, int all) { return static_cast<double>(in) / all; };
  BOOST_TEST(share(weekday_in[3], weekday_all[3]) == 1.0);   // asleep at home
  BOOST_TEST(share(weekday_in[12], weekday_all[12]) < 0.25); // at work
  BOOST_TEST(share(weekday_in[20], weekday_all[20]) > 0.95); // back in the evening
  BOOST_TEST(share(weekend_in[12], weekend_all[12]) > 0.4);  // weekends mostly home
  BOOST_TEST(share(weekend_in[12], weekend_all[12]) < 0.95); // but not always
}

BOOST_AUTO_TEST_CASE(a_light_switched_off_draws_nothing_at_the_next_step) {
  simulated_home h{fully_equipped("h-0001", 3, 12), weather{2}};
  // Find an evening moment with the living-room light on.
  millis t = jan_13;
  sample lit;
  for (; t < jan_13 + 7 * day_ms; t += minute_ms)
    if (lit = read_at(h, "light-living", t); lit.state == device_state::on)
      break;
  BOOST_REQUIRE(t < jan_13 + 7 * day_ms);
  BOOST_TEST(lit.power_w > 0.0);

  command off{"c-1", "light-living", command_action::off, {}};
  auto outcome = h.apply(off, t + 100);
  BOOST_TEST(outcome.done);
  BOOST_TEST(outcome.status() == "done");
  auto next = read_at(h, "light-living", t + second_ms);
  BOOST_TEST(next.power_w == 0.0);
  BOOST_TEST((next.state == device_state::off));
  // The residents respect it for a while.
  for (millis u = t + 2 * second_ms; u < t + 25 * minute_ms; u += minute_ms)
    BOOST_TEST_REQUIRE(read_at(h, "light-living", u).power_w == 0.0);

  command dim{"c-2", "light-living", command_action::set, {{"brightness_pct", 50}}};
  BOOST_TEST(h.apply(dim, t + 26 * minute_ms).done);
  BOOST_TEST(read_at(h, "light-living", t + 27 * minute_ms).power_w > 0.0);
  command bad{"c-3", "light-living", command_action::set, {{"brightness_pct", 150}}};
  BOOST_TEST(!h.apply(bad, t + 28 * minute_ms).done);
}

BOOST_AUTO_TEST_CASE(a_started_dishwasher_runs_its_cycle) {
  simulated_home h{fully_equipped("h-0001", 3, 12), weather{2}};
  const millis t0 = nov_10 + 20 * hour_ms;
  h.advance_to(t0);
  auto* dishwasher = h.find_as<appliance_cycle>("dishwasher");
  BOOST_REQUIRE(dishwasher);
  if (dishwasher->running()) // the residents' own cycle: let it finish
    h.advance_to(t0 + 4 * hour_ms);
  const millis t1 = std::max(t0, dishwasher->time());
  command start{"c-1", "dishwasher", command_action::start, {}};
  if (!dishwasher->pending()) {
    BOOST_TEST(!h.apply(start, t1).done);  // nothing loaded yet
    BOOST_REQUIRE(dishwasher->load(true)); // the residents load it and leave it for hems
  }
  auto waiting = read_at(h, "dishwasher", t1 + second_ms);
  BOOST_TEST((waiting.state == device_state::standby));
  BOOST_TEST(waiting.power_w < 2.0);

  auto outcome = h.apply(start, t1 + 2 * second_ms);
  BOOST_TEST(outcome.done, outcome.detail);
  BOOST_TEST(!h.apply(start, t1 + 3 * second_ms).done); // already running
  double before = *waiting.energy_wh;
  double peak = 0;
  bool finished = false;
  for (millis t = t1 + 4 * second_ms; t < t1 + 4 * hour_ms; t += 30 * second_ms) {
    auto s = read_at(h, "dishwasher", t);
    peak = std::max(peak, s.power_w);
    if (s.state == device_state::standby) {
      finished = true;
      double cycle_kwh = (*s.energy_wh - before) / 1000.0;
      BOOST_TEST((cycle_kwh > 0.6 && cycle_kwh < 1.4), "cycle used " << cycle_kwh << " kWh");
      BOOST_TEST(t - t1 > 90 * minute_ms); // a whole program, not a blip
      break;
    }
    BOOST_TEST_REQUIRE((s.state == device_state::on));
  }
  BOOST_TEST(finished);
  BOOST_TEST(peak > 1500.0); // the water heating phase
}

BOOST_AUTO_TEST_CASE(a_pending_cycle_starts_by_itself_at_the_latest) {
  simulated_home h{fully_equipped("h-0001", 3, 12), weather{2}};
  const millis t0 = nov_10 + 12 * hour_ms;
  h.advance_to(t0);
  auto* washer = h.find_as<appliance_cycle>("washing-machine");
  if (washer->running() || washer->pending())
    h.advance_to(t0 + 12 * hour_ms);
  const millis t1 = washer->time();
  BOOST_REQUIRE(washer->load(true));
  h.advance_to(t1 + 7 * hour_ms);
  BOOST_TEST(washer->pending());
  h.advance_to(t1 + 8 * hour_ms + minute_ms);
  BOOST_TEST(washer->running());
}

BOOST_AUTO_TEST_CASE(an_ev_switched_off_stops_charging) {
  simulated_home h{fully_equipped("h-0001", 3, 12), weather{2}};
  const millis t0 = nov_10 + 19 * hour_ms;
  h.advance_to(t0);
  auto* ev = h.find_as<ev_charger>("ev-charger");
  BOOST_REQUIRE(ev);
  ev->plug_in(30);
  auto charging = read_at(h, "ev-charger", t0 + second_ms);
  BOOST_TEST(charging.power_w == 7400.0);
  BOOST_TEST((charging.state == device_state::on));
  BOOST_TEST(*charging.soc_pct == 30.0);

  BOOST_TEST(h.apply({"c-1", "ev-charger", command_action::off, {}}, t0 + 2 * second_ms).done);
  auto paused = read_at(h, "ev-charger", t0 + 3 * second_ms);
  BOOST_TEST(paused.power_w == 0.0);
  BOOST_TEST((paused.state == device_state::off));
  auto later = read_at(h, "ev-charger", t0 + hour_ms);
  BOOST_TEST(*later.soc_pct == *paused.soc_pct);
  BOOST_TEST(*later.energy_wh == *paused.energy_wh);

  BOOST_TEST(h.apply({"c-2", "ev-charger", command_action::on, {}}, t0 + hour_ms).done);
  BOOST_TEST(read_at(h, "ev-charger", t0 + hour_ms + second_ms).power_w == 7400.0);
  command limit{"c-3", "ev-charger", command_action::set, {{"max_power_w", 3000}}};
  BOOST_TEST(h.apply(limit, t0 + hour_ms + 2 * second_ms).done);
  BOOST_TEST(read_at(h, "ev-charger", t0 + hour_ms + 3 * second_ms).power_w == 3000.0);
  command too_low{"c-4", "ev-charger", command_action::set, {{"max_power_w", 100}}};
  BOOST_TEST(!h.apply(too_low, t0 + hour_ms + 4 * second_ms).done);

  // Left alone, it charges to full and stops.
  auto full = read_at(h, "ev-charger", t0 + 20 * hour_ms);
  if (full.soc_pct) { // unless the car has left for the day
    BOOST_TEST(*full.soc_pct == 100.0);
    BOOST_TEST(full.power_w == 0.0);
  }
}

BOOST_AUTO_TEST_CASE(a_thermostat_obeys_a_new_setpoint) {
  simulated_home h{fully_equipped("h-0001", 3, 12), weather{2}};
  const millis t0 = jan_13 + 18 * hour_ms; // evening: home, comfort program
  h.advance_to(t0);
  auto* hp = h.find_as<space_heating>("heat-pump");
  BOOST_REQUIRE(hp);
  command set{"c-1", "heat-pump", command_action::set, {{"setpoint_c", 23.0}}};
  BOOST_TEST(h.apply(set, t0).done);
  auto s = read_at(h, "heat-pump", t0 + second_ms);
  BOOST_TEST(*s.setpoint_c == 23.0);
  BOOST_TEST(s.power_w > 0.0);
  double start_c = *s.temperature_c;
  auto later = read_at(h, "heat-pump", t0 + 2 * hour_ms);
  if (later.setpoint_c == 23.0) // unless the program moved on (bedtime)
    BOOST_TEST(*later.temperature_c > start_c);

  BOOST_TEST(h.apply({"c-2", "heat-pump", command_action::off, {}}, t0 + 3 * hour_ms).done);
  auto off = read_at(h, "heat-pump", t0 + 3 * hour_ms + second_ms);
  BOOST_TEST(off.power_w == 0.0);
  BOOST_TEST((off.state == device_state::off));

  command silly{"c-3", "heat-pump", command_action::set, {{"setpoint_c", 90.0}}};
  BOOST_TEST(!h.apply(silly, t0 + 4 * hour_ms).done);
  BOOST_TEST(!h.apply({"c-4", "no-such-device", command_action::on, {}}, t0).done);
  auto fridge_off = h.apply({"c-5", "fridge", command_action::off, {}}, t0);
  BOOST_TEST(!fridge_off.done);
  BOOST_TEST(fridge_off.detail.find("essential") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(step_follows_the_rate) {
  home_config c;
  c.rate_hz = 0.1; // every 10 s
  c.devices = 5;
  simulated_home h{c, weather{}};
  std::vector<sample> out;
  int readings = 0;
  millis first = -1;
  for (millis t = jan_13; t < jan_13 + 60 * second_ms; t += 100) {
    out.clear();
    h.step(t, out);
    if (!out.empty()) {
      BOOST_TEST(out.size() == 5u);
      if (first < 0)
        first = t;
      else
        BOOST_TEST((t - first) % 10'000 == 0);
      ++readings;
    }
  }
  BOOST_TEST(readings == 6);
  BOOST_TEST(h.interval_ms() == 10'000);
}

BOOST_AUTO_TEST_CASE(samples_encode_as_contract_json) {
  simulated_home h{fully_equipped("h-0001", 3, 30), weather{2}};
  std::vector<sample> out;
  h.sample_all(jan_13 + 19 * hour_ms, out);
  simdjson::dom::parser parser;
  for (const auto& s : out) {
    auto json = sample_to_json(s);
    simdjson::dom::element e = parser.parse(json);
    BOOST_TEST(std::string_view(e["home"]) == s.home);
    BOOST_TEST(std::string_view(e["device"]) == s.device);
    BOOST_TEST(int64_t(e["ts"]) == s.ts_ms);
    BOOST_TEST(double(e["power_w"]) == s.power_w);
    BOOST_TEST(uint64_t(e["seq"]) == *s.seq);
    BOOST_TEST(std::string_view(e["kind"]) == to_string(s.kind));
    BOOST_TEST(std::string_view(e["state"]) == to_string(s.state));
    BOOST_TEST(e["energy_wh"].error() ==
               (s.energy_wh ? simdjson::SUCCESS : simdjson::NO_SUCH_FIELD));
    if (s.energy_wh)
      BOOST_TEST(double(e["energy_wh"]) == *s.energy_wh);
    if (s.occupied)
      BOOST_TEST(bool(e["occupied"]) == *s.occupied);
    if (s.temperature_c)
      BOOST_TEST(double(e["temperature_c"]) == *s.temperature_c);
  }
}

BOOST_AUTO_TEST_CASE(frames_stay_within_the_contract_limits) {
  std::vector<sample> samples;
  simulated_home h{fully_equipped("h-0001", 3, 25), weather{2}};
  for (millis t = jan_13; samples.size() < 30'000; t += minute_ms)
    h.sample_all(t, samples);

  std::vector<encoded_frame> frames;
  encode_frames(samples, frames);
  BOOST_TEST(frames.size() >= 3u); // 30,000 samples cannot fit in fewer
  std::size_t total = 0;
  simdjson::dom::parser parser;
  for (const auto& f : frames) {
    BOOST_TEST(f.json.size() <= std::size_t{1} << 20);
    BOOST_TEST(f.samples <= 10'000u);
    simdjson::dom::array a = parser.parse(f.json);
    BOOST_TEST(a.size() == f.samples);
    total += f.samples;
  }
  BOOST_TEST(total == samples.size());

  // Tight limits split by bytes and by count.
  frames.clear();
  encode_frames(std::span{samples}.first(500), frames, frame_limits{10'000, 4096});
  for (const auto& f : frames)
    BOOST_TEST(f.json.size() <= 4096u);
  frames.clear();
  encode_frames(std::span{samples}.first(500), frames, frame_limits{7, 1 << 20});
  BOOST_TEST(frames.size() == 72u); // ceil(500 / 7)
  frames.clear();
  BOOST_TEST(encode_frames({}, frames) == 0u);
}

BOOST_AUTO_TEST_CASE(homes_keep_their_local_time) {
  // A home in UTC+10 has its evening ten hours before a home in UTC.
  auto zone = local_zone::from_name("+10:00");
  BOOST_REQUIRE(zone.has_value());
  home_config c;
  c.zone = *zone;
  simulated_home east{c, weather{}};
  c.zone = local_zone{};
  simulated_home utc{c, weather{}};
  const millis t = jan_13 + 12 * hour_ms; // 22:00 in UTC+10
  BOOST_TEST(east.context().local(t).hour() == 22.0);
  BOOST_TEST(utc.context().local(t).hour() == 12.0);
  BOOST_TEST(east.context().local(t).day == utc.context().local(t).day);
}
