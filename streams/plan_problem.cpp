#include "streams/plan_problem.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include <simdjson.h>

#include "streams/message.hpp"

namespace hems::streams {

namespace dom = simdjson::dom;

namespace {

using failure = std::unexpected<invalid_field>;

failure fail_field(std::string field, std::string detail) {
  return failure{invalid_field{std::move(field), std::move(detail)}};
}

// simdjson's DOM parser refuses a whole document for one number beyond a
// double's range (1e400). Such tokens are replaced, before parsing, by this
// string marker padded to the same length, so the field that holds one can be
// named like any other bad value.
constexpr std::string_view out_of_range_marker = "~!~";

void mark_out_of_range_numbers(std::string& text) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9'))
      continue;
    std::size_t end = i + 1;
    bool integral = true;
    while (end < text.size() &&
           ((text[end] >= '0' && text[end] <= '9') || text[end] == '.' || text[end] == 'e' ||
            text[end] == 'E' || text[end] == '+' || text[end] == '-')) {
      integral = integral && text[end] >= '0' && text[end] <= '9';
      ++end;
    }
    const char* first = text.data() + i;
    const char* last = text.data() + end;
    double d = 0;
    auto [ptr, ec] = std::from_chars(first, last, d);
    bool refused = ptr == last && (ec == std::errc::result_out_of_range || !std::isfinite(d));
    if (ptr == last && ec == std::errc{} && integral) {
      // Integers beyond 64 bits are refused too, even though a double holds them.
      std::int64_t si = 0;
      std::uint64_t ui = 0;
      bool fits_signed = std::from_chars(first, last, si).ec == std::errc{};
      bool fits_unsigned = std::from_chars(first, last, ui).ec == std::errc{};
      refused = !fits_signed && !fits_unsigned;
    }
    if (refused && end - i >= out_of_range_marker.size() + 2) {
      std::size_t k = i;
      text[k++] = '"';
      for (char m : out_of_range_marker)
        text[k++] = m;
      text[k++] = '"';
      while (k < end)
        text[k++] = ' ';
    }
    i = end - 1;
  }
}

std::expected<double, std::string> read_number(dom::element e) {
  switch (e.type()) {
  case dom::element_type::INT64:
    return static_cast<double>(e.get_int64().value_unsafe());
  case dom::element_type::UINT64:
    return static_cast<double>(e.get_uint64().value_unsafe());
  case dom::element_type::DOUBLE:
    return e.get_double().value_unsafe();
  case dom::element_type::STRING:
    if (e.get_string().value_unsafe() == out_of_range_marker)
      return std::unexpected<std::string>{"number out of range (beyond a double)"};
    return std::unexpected<std::string>{"must be a number, not a string"};
  default:
    return std::unexpected<std::string>{"must be a number"};
  }
}

std::expected<int, std::string> read_whole(dom::element e) {
  auto d = read_number(e);
  if (!d)
    return std::unexpected<std::string>{d.error()};
  if (*d != std::floor(*d) || std::abs(*d) > 1e9)
    return std::unexpected<std::string>{cat("must be a whole number, not ", *d)};
  return static_cast<int>(*d);
}

std::expected<std::vector<double>, invalid_field> read_numbers(dom::element e,
                                                               const std::string& field) {
  dom::array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS)
    return fail_field(field, "must be an array of numbers");
  std::vector<double> out;
  out.reserve(arr.size());
  std::size_t i = 0;
  for (dom::element v : arr) {
    auto d = read_number(v);
    if (!d)
      return fail_field(field, cat("element ", i, ": ", d.error()));
    out.push_back(*d);
    ++i;
  }
  return out;
}

/// Walks an object's members once: refuses duplicates and unknown keys, so a
/// misspelt optional field (say "max_import_kW") is never silently ignored.
std::optional<invalid_field> check_keys(dom::object obj, const std::string& prefix,
                                        std::initializer_list<std::string_view> known) {
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    (void)value;
    bool is_known = false;
    for (auto k : known)
      is_known = is_known || k == key;
    std::string field = prefix + std::string(key);
    if (!is_known)
      return invalid_field{field, "unknown field"};
    for (auto s : seen)
      if (s == key)
        return invalid_field{field, "field appears twice"};
    seen.push_back(key);
  }
  return std::nullopt;
}

/// The member `key`, or nothing when it is absent or null (absent optional).
std::optional<dom::element> member(dom::object obj, std::string_view key) {
  dom::element e;
  if (obj.at_key(key).get(e) != simdjson::SUCCESS || e.is_null())
    return std::nullopt;
  return e;
}

std::expected<plan_load, invalid_field> read_load(dom::element e, const std::string& prefix,
                                                  int horizon) {
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS)
    return fail_field(prefix.substr(0, prefix.size() - 1), "must be an object");
  plan_load load;
  auto type = member(obj, "type");
  std::string_view type_name;
  if (!type || type->get_string().get(type_name) != simdjson::SUCCESS)
    return fail_field(prefix + "type", "must be \"shiftable\" or \"energy\"");
  if (type_name == "shiftable")
    load.kind = load_kind::shiftable;
  else if (type_name == "energy")
    load.kind = load_kind::energy;
  else
    return fail_field(prefix + "type", cat("unknown load type \"", type_name,
                                           "\" (known: \"shiftable\", \"energy\")"));
  auto bad_key =
      load.kind == load_kind::shiftable
          ? check_keys(obj, prefix, {"id", "type", "profile_kw", "earliest_start", "latest_finish"})
          : check_keys(obj, prefix,
                       {"id", "type", "energy_kwh", "max_kw", "earliest_start", "latest_finish"});
  if (bad_key)
    return failure{*bad_key};

  auto id = member(obj, "id");
  std::string_view id_text;
  if (!id || id->get_string().get(id_text) != simdjson::SUCCESS)
    return fail_field(prefix + "id", "must be a string");
  load.id = std::string(id_text);

  load.earliest_start = 0;
  load.latest_finish = horizon;
  if (auto es = member(obj, "earliest_start")) {
    auto v = read_whole(*es);
    if (!v)
      return fail_field(prefix + "earliest_start", v.error());
    load.earliest_start = *v;
  }
  if (auto lf = member(obj, "latest_finish")) {
    auto v = read_whole(*lf);
    if (!v)
      return fail_field(prefix + "latest_finish", v.error());
    load.latest_finish = *v;
  }

  if (load.kind == load_kind::shiftable) {
    auto profile = member(obj, "profile_kw");
    if (!profile)
      return fail_field(prefix + "profile_kw", "required for a shiftable load");
    auto values = read_numbers(*profile, prefix + "profile_kw");
    if (!values)
      return failure{values.error()};
    load.profile_kw = std::move(*values);
  } else {
    for (auto [key, out] : {std::pair{"energy_kwh", &load.energy_kwh}, {"max_kw", &load.max_kw}}) {
      auto v = member(obj, key);
      if (!v)
        return fail_field(prefix + key, "required for an energy load");
      auto d = read_number(*v);
      if (!d)
        return fail_field(prefix + key, d.error());
      *out = *d;
    }
  }
  return load;
}

std::expected<plan_battery, invalid_field> read_battery(dom::element e) {
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS)
    return fail_field("battery", "must be an object");
  if (auto bad = check_keys(obj, "battery.",
                            {"capacity_kwh", "soc_kwh", "min_soc_kwh", "max_charge_kw",
                             "max_discharge_kw", "charge_efficiency", "discharge_efficiency"}))
    return failure{*bad};
  plan_battery b;
  struct field_ref {
    const char* key;
    double* out;
    bool required;
  };
  for (auto [key, out, required] : {field_ref{"capacity_kwh", &b.capacity_kwh, true},
                                    {"soc_kwh", &b.soc_kwh, true},
                                    {"min_soc_kwh", &b.min_soc_kwh, false},
                                    {"max_charge_kw", &b.max_charge_kw, true},
                                    {"max_discharge_kw", &b.max_discharge_kw, true},
                                    {"charge_efficiency", &b.charge_efficiency, true},
                                    {"discharge_efficiency", &b.discharge_efficiency, true}}) {
    auto v = member(obj, key);
    if (!v) {
      if (required)
        return fail_field(std::string("battery.") + key, "required");
      continue;
    }
    auto d = read_number(*v);
    if (!d)
      return fail_field(std::string("battery.") + key, d.error());
    *out = *d;
  }
  return b;
}

std::optional<invalid_field> check_series(const std::vector<double>& v, const char* field,
                                          int horizon, bool non_negative) {
  if (static_cast<int>(v.size()) != horizon)
    return invalid_field{field, cat("has ", v.size(), " values; horizon is ", horizon)};
  for (std::size_t t = 0; t < v.size(); ++t) {
    if (!std::isfinite(v[t]))
      return invalid_field{field, cat("value ", t, " is not a finite number")};
    if (non_negative && v[t] < 0)
      return invalid_field{field, cat("value ", t, " is ", v[t], "; must be >= 0")};
  }
  return std::nullopt;
}

std::optional<invalid_field> check_finite(double v, const std::string& field, double lo,
                                          bool lo_open, double hi, bool hi_open,
                                          std::string_view range) {
  bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  if (!ok)
    return invalid_field{field, cat("is ", v, "; must be ", range)};
  return std::nullopt;
}

constexpr double inf = std::numeric_limits<double>::infinity();

std::optional<invalid_field> check_load(const plan_load& l, const std::string& prefix,
                                        int horizon) {
  if (l.id.empty() || l.id.size() > 64)
    return invalid_field{prefix + "id", "must be 1 to 64 characters"};
  if (l.earliest_start < 0 || l.earliest_start >= horizon)
    return invalid_field{prefix + "earliest_start",
                         cat("is ", l.earliest_start, "; must be a slot in 0..", horizon - 1)};
  if (l.latest_finish <= l.earliest_start || l.latest_finish > horizon)
    return invalid_field{prefix + "latest_finish",
                         cat("is ", l.latest_finish, "; must be after earliest_start (",
                             l.earliest_start, ") and at most the horizon (", horizon, ")")};
  if (l.kind == load_kind::shiftable) {
    if (l.profile_kw.empty())
      return invalid_field{prefix + "profile_kw", "must hold at least one slot"};
    for (std::size_t k = 0; k < l.profile_kw.size(); ++k)
      if (!std::isfinite(l.profile_kw[k]) || l.profile_kw[k] < 0)
        return invalid_field{prefix + "profile_kw",
                             cat("value ", k, " is ", l.profile_kw[k], "; must be a number >= 0")};
    int window = l.latest_finish - l.earliest_start;
    if (l.length() > window)
      return invalid_field{prefix + "profile_kw",
                           cat("the cycle lasts ", l.length(), " slots but its window ",
                               l.earliest_start, "..", l.latest_finish, " holds ", window)};
    if (l.energy_kwh != 0 || l.max_kw != 0)
      return invalid_field{prefix + "energy_kwh", "not a field of a shiftable load"};
  } else {
    if (auto bad = check_finite(l.energy_kwh, prefix + "energy_kwh", 0, false, inf, true, ">= 0"))
      return bad;
    if (auto bad = check_finite(l.max_kw, prefix + "max_kw", 0, false, inf, true, ">= 0"))
      return bad;
    if (!l.profile_kw.empty())
      return invalid_field{prefix + "profile_kw", "not a field of an energy load"};
  }
  return std::nullopt;
}

std::optional<invalid_field> check_battery(const plan_battery& b) {
  if (auto bad = check_finite(b.capacity_kwh, "battery.capacity_kwh", 0, true, inf, true, "> 0"))
    return bad;
  if (auto bad = check_finite(b.min_soc_kwh, "battery.min_soc_kwh", 0, false, b.capacity_kwh, false,
                              "in [0, capacity_kwh]"))
    return bad;
  if (auto bad = check_finite(b.soc_kwh, "battery.soc_kwh", b.min_soc_kwh, false, b.capacity_kwh,
                              false, "in [min_soc_kwh, capacity_kwh]"))
    return bad;
  if (auto bad =
          check_finite(b.max_charge_kw, "battery.max_charge_kw", 0, false, inf, true, ">= 0"))
    return bad;
  if (auto bad =
          check_finite(b.max_discharge_kw, "battery.max_discharge_kw", 0, false, inf, true, ">= 0"))
    return bad;
  if (auto bad = check_finite(b.charge_efficiency, "battery.charge_efficiency", 0, true, 1, false,
                              "in (0, 1]"))
    return bad;
  if (auto bad = check_finite(b.discharge_efficiency, "battery.discharge_efficiency", 0, true, 1,
                              false, "in (0, 1]"))
    return bad;
  return std::nullopt;
}

} // namespace

std::optional<invalid_field> check_plan_problem(const plan_problem& p) {
  if (p.slot_minutes < 1 || p.slot_minutes > 24 * 60)
    return invalid_field{"slot_minutes", cat("is ", p.slot_minutes, "; must be 1 to 1440 minutes")};
  if (p.horizon < 1 || p.horizon > max_horizon)
    return invalid_field{"horizon",
                         cat("is ", p.horizon, "; must be 1 to ", max_horizon, " slots")};
  if (auto bad = check_series(p.import_price, "import_price", p.horizon, false))
    return bad;
  if (auto bad = check_series(p.export_price, "export_price", p.horizon, false))
    return bad;
  if (auto bad = check_series(p.base_load_kw, "base_load_kw", p.horizon, true))
    return bad;
  if (auto bad = check_series(p.pv_kw, "pv_kw", p.horizon, true))
    return bad;
  for (int t = 0; t < p.horizon; ++t)
    if (p.export_price[t] > p.import_price[t])
      return invalid_field{"export_price",
                           cat("export_price[", t, "] = ", p.export_price[t],
                               " is above import_price[", t, "] = ", p.import_price[t],
                               "; export may never pay more than import costs")};
  if (p.max_import_kw)
    if (auto bad = check_finite(*p.max_import_kw, "max_import_kw", 0, false, inf, true, ">= 0"))
      return bad;
  for (std::size_t i = 0; i < p.loads.size(); ++i) {
    std::string prefix = cat("loads[", i, "].");
    if (auto bad = check_load(p.loads[i], prefix, p.horizon))
      return bad;
    for (std::size_t j = 0; j < i; ++j)
      if (p.loads[j].id == p.loads[i].id)
        return invalid_field{prefix + "id",
                             cat("duplicate id \"", p.loads[i].id, "\" (also loads[", j, "])")};
  }
  if (p.battery)
    if (auto bad = check_battery(*p.battery))
      return bad;
  return std::nullopt;
}

std::expected<plan_problem, invalid_field> read_plan_problem(std::string_view json) {
  std::string text(json);
  mark_out_of_range_numbers(text);
  dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(text).get(root); err != simdjson::SUCCESS)
    return fail_field("problem", cat("not valid JSON: ", simdjson::error_message(err)));
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS)
    return fail_field("problem", "must be a JSON object");
  if (auto bad = check_keys(obj, "",
                            {"slot_minutes", "horizon", "import_price", "export_price",
                             "base_load_kw", "pv_kw", "max_import_kw", "loads", "battery"}))
    return failure{*bad};

  plan_problem p;
  for (auto [key, out] : {std::pair{"slot_minutes", &p.slot_minutes}, {"horizon", &p.horizon}}) {
    auto e = member(obj, key);
    if (!e)
      return fail_field(key, "required");
    auto v = read_whole(*e);
    if (!v)
      return fail_field(key, v.error());
    *out = *v;
  }
  if (p.horizon < 1 || p.horizon > max_horizon)
    return fail_field("horizon", cat("is ", p.horizon, "; must be 1 to ", max_horizon, " slots"));

  struct series_ref {
    const char* key;
    std::vector<double>* out;
    bool required;
  };
  for (auto [key, out, required] : {series_ref{"import_price", &p.import_price, true},
                                    {"export_price", &p.export_price, false},
                                    {"base_load_kw", &p.base_load_kw, true},
                                    {"pv_kw", &p.pv_kw, false}}) {
    auto e = member(obj, key);
    if (!e) {
      if (required)
        return fail_field(key, "required");
      out->assign(p.horizon, 0.0);
      continue;
    }
    auto values = read_numbers(*e, key);
    if (!values)
      return failure{values.error()};
    *out = std::move(*values);
  }

  if (auto e = member(obj, "max_import_kw")) {
    auto v = read_number(*e);
    if (!v)
      return fail_field("max_import_kw", v.error());
    p.max_import_kw = *v;
  }

  if (auto e = member(obj, "loads")) {
    dom::array arr;
    if (e->get_array().get(arr) != simdjson::SUCCESS)
      return fail_field("loads", "must be an array of loads");
    std::size_t i = 0;
    for (dom::element le : arr) {
      auto load = read_load(le, cat("loads[", i, "]."), p.horizon);
      if (!load)
        return failure{load.error()};
      p.loads.push_back(std::move(*load));
      ++i;
    }
  }

  if (auto e = member(obj, "battery")) {
    auto b = read_battery(*e);
    if (!b)
      return failure{b.error()};
    p.battery = *b;
  }

  if (auto bad = check_plan_problem(p))
    return failure{*bad};
  return p;
}

} // namespace hems::streams
